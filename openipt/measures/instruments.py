"""The instruments the web app uses: the shipped files plus any a site adds.

A site that holds a licence for another questionnaire drops its YAML file in a directory and
names it in the setting `OPENIPT_INSTRUMENT_DIRS` (a list of paths); nothing else changes.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from openipt.measures.engine import Instrument, Registry, UnknownInstrumentError, load_instruments

# Instruments with the trajectory model, reliable change and the NHS Talking Therapies pair rules.
DEPRESSION = "phq9"
ANXIETY = "gad7"
TRACKED = (DEPRESSION, ANXIETY)
# The default schedule of a new course: PHQ-9 every session; GAD-7 at the start, every 4th session and the end.
DEFAULT_SCHEDULE = (
    {"instrument_code": DEPRESSION, "rule": "every_session", "every_n": None, "at_start": False, "at_end": False},
    {"instrument_code": ANXIETY, "rule": "every_n", "every_n": 4, "at_start": True, "at_end": True},
)


@lru_cache(maxsize=1)
def registry() -> Registry:
    """Return the loaded instruments (cached for the life of the process)."""
    return load_instruments(getattr(settings, "OPENIPT_INSTRUMENT_DIRS", ()) or ())


def get(code: str) -> Instrument | None:
    """Return the instrument with this code, or None when none is loaded."""
    try:
        return registry().get(code)
    except UnknownInstrumentError:
        return None


def usable(kind: str | None = None) -> list[Instrument]:
    """Return the instruments staff may give (embeddable licence), optionally of one kind."""
    return [i for i in registry() if i.licence.embeddable and (kind is None or i.kind == kind)]


def self_report_codes() -> set[str]:
    """Return the codes of the questionnaires a client fills in themselves."""
    return {i.code for i in usable("self_report")}


def name(code: str) -> str:
    """Return the short name of an instrument code (the code itself when unknown)."""
    inst = get(code)
    return inst.short_name if inst else code


def has_trajectory(inst: Instrument) -> bool:
    """Return True when not-on-track signals apply to the instrument."""
    return bool(inst.higher_is_worse and inst.bands and inst.reliable_change is not None)
