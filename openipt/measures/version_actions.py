"""Installing and removing a site's validated language versions of its questionnaires (issue 17, item 4).

A version is checked against the English instrument (same items in the same order, the same answers
with the same values, no scoring of its own) and refused whole, naming each problem, when it differs.
OpenIPT never writes a translation of a questionnaire; see docs/guides/languages.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core.errors import ActionError, ErrorCode
from openipt.measures import instruments
from openipt.measures.engine import InstrumentFileError
from openipt.measures.engine.versions import VersionInfo, parse_version
from openipt.measures.models import InstrumentVersion

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

VERSION_INSTALLED = register("measures.version_installed", "Validated questionnaire translation installed")
VERSION_REMOVED = register("measures.version_removed", "Validated questionnaire translation removed")


class VersionRefused(ActionError):
    """A version file that does not match its English instrument; nothing was installed."""


def _require_admin(actor: Actor) -> None:
    if actor is None or not actor.is_admin:
        raise ActionError(_("Only an admin can install or remove a questionnaire translation."),
                          code=ErrorCode.FORBIDDEN)


def check_file(text: str, path: str) -> VersionInfo:
    """Check a version file without installing it; raise VersionRefused naming every problem."""
    try:
        _version, info = parse_version(text, path, instruments.get)
    except InstrumentFileError as exc:
        raise VersionRefused(str(exc)) from None
    return info


@transaction.atomic
def install(actor: Actor, text: str, path: str, *, replace: bool = False) -> InstrumentVersion:
    """Install a validated translation of an instrument for the actor's organisation (the licence holder's
    clients only); audited with its source, licence and citation."""
    _require_admin(actor)
    info = check_file(text, path)
    existing = InstrumentVersion.objects.select_for_update().filter(
        organisation_id=actor.organisation_id, instrument_code=info.instrument, language=info.language).first()
    if existing is not None and not replace:
        raise VersionRefused(_("A %(language)s version of %(code)s is already installed; replace it on purpose "
                               "(--replace) or remove it first.") % {"language": info.language,
                                                                     "code": info.instrument})
    row = existing or InstrumentVersion(organisation_id=actor.organisation_id, instrument_code=info.instrument,
                                        language=info.language)
    row.source, row.licence, row.validation = info.source, info.licence, info.validation
    row.text, row.digest = text, info.digest
    row.installed_by, row.installed_at = actor.membership, timezone.now()
    row.save()
    audit.record(VERSION_INSTALLED.code, actor=actor, obj=row, details={
        "instrument": info.instrument, "language": info.language, "source": info.source[:300],
        "licence": info.licence[:300], "validation": info.validation[:300], "digest": info.digest,
        "file": path[:200], "replaced": existing is not None})
    return row


@transaction.atomic
def remove(actor: Actor, code: str, language: str) -> None:
    """Remove an installed version: clients of that language get the English wording with a note again."""
    _require_admin(actor)
    row = InstrumentVersion.objects.select_for_update().filter(
        organisation_id=actor.organisation_id, instrument_code=code, language=language).first()
    if row is None:
        raise ActionError(_("No %(language)s version of %(code)s is installed.") % {"language": language,
                                                                                    "code": code})
    audit.record(VERSION_REMOVED.code, actor=actor, obj=row, details={
        "instrument": code, "language": language, "digest": row.digest})
    row.delete()
