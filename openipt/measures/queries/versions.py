"""Which language version of a questionnaire a client sees (issue 17, item 4).

A client whose language has an installed, validated version sees that version's words; scoring is the
English instrument's. Otherwise they see the English wording with a note (`panels.language_note`).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from openipt.measures import instruments
from openipt.measures.engine import Instrument, InstrumentFileError
from openipt.measures.engine.versions import parse_version
from openipt.measures.models import InstrumentVersion

log = logging.getLogger(__name__)


def primary(lang: str | None) -> str:
    return (lang or "").split("-")[0].lower()


@lru_cache(maxsize=64)
def _parsed(code: str, digest: str, text: str) -> Instrument | None:
    try:
        version, _info = parse_version(text, f"installed {code} version", instruments.get)
    except InstrumentFileError as exc:  # the English file changed since: never show a stale version
        log.warning("questionnaire version no longer matches its English instrument: %s", exc.first_line)
        return None
    return version


def for_client(inst: Instrument, language: str | None, organisation_id: int) -> Instrument:
    """The instrument in the client's language when their organisation installed a validated version, else the
    English one."""
    lang = primary(language)
    if not lang or lang == inst.language:
        return inst
    row = InstrumentVersion.objects.filter(organisation_id=organisation_id, instrument_code=inst.code,
                                           language=lang).only(
        "instrument_code", "digest", "text").first()
    if row is None:
        return inst
    return _parsed(row.instrument_code, row.digest, row.text) or inst


def installed(organisation_id: int | None, language: str | None = None) -> list[InstrumentVersion]:
    """The versions an organisation installed (every organisation's for None: the command line's list), of one
    language when given, by instrument and language."""
    rows = InstrumentVersion.objects.select_related("installed_by__user", "organisation").order_by(
        "organisation__name", "instrument_code", "language")
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    return list(rows.filter(language=primary(language)) if language else rows)
