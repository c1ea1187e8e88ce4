"""Which language a person's pages, e-mails and reminders are in.

The order: the person's own choice (User.language), then what another app knows (a client's
preferred language, registered by the clients app), then the organisation's default, then English.
A language is used only when OpenIPT has a catalogue for it (settings.LANGUAGES); otherwise the next
one in the order is tried. A code OpenIPT does not know at all is logged as a warning.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings

from openipt.core.extensions import LANGUAGE_SOURCES
from openipt.core.languages import LANGUAGE_NAMES

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.accounts.models import Organisation

log = logging.getLogger(__name__)


def has_catalogue(code: str) -> bool:
    return code in {c for c, _name in settings.LANGUAGES}


def _check(code: str) -> str:
    if code and code not in LANGUAGE_NAMES and not has_catalogue(code):
        log.warning("unknown language code %r: using the organisation's default", code[:20])
    return code if has_catalogue(code) else ""


def for_code(code: str, organisation: Organisation | None) -> str:
    """The language to use for someone who prefers `code`: it, or the organisation's default, or English."""
    default = organisation.default_language if organisation is not None else ""
    return _check(code) or _check(default) or settings.LANGUAGE_CODE


def for_actor(actor: Actor) -> str:
    """The language of the signed-in person's pages."""
    if _check(actor.user.language):
        return actor.user.language
    for source in LANGUAGE_SOURCES:  # asked only when the person chose nothing themselves (a source may query)
        code = source(actor)
        if _check(code):
            return code
    return for_code("", actor.organisation)
