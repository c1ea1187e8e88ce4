"""Template filters for the measures pages: names of instruments, bands, zones and verdicts."""

from django import template
from django.utils.translation import gettext_lazy as _

from openipt.measures import instruments
from openipt.measures.queries import outcomes

register = template.Library()

VERDICT_NAMES = {
    "reliable_change": _("Reliable change"), "response": _("Response"), "remission": _("Remission"),
    "caseness_start": _("Case at the start"), "caseness_end": _("Case at the end"),
    "case_at_start": _("Case at the start"), "recovery": _("Recovery"),
    "reliable_improvement": _("Reliable improvement"), "reliable_deterioration": _("Reliable deterioration"),
    "reliable_recovery": _("Reliable recovery"),
}


@register.filter
def instrument_name(code: str) -> str:
    """The short name of an instrument code (PHQ-9 for phq9)."""
    return instruments.name(code)


@register.filter
def band_label(band_id: str, code: str) -> str:
    """The label of a band id of an instrument."""
    inst = instruments.get(code)
    if inst is None or not band_id:
        return ""
    return next((b.label for b in inst.bands if b.id == band_id), "")


@register.filter
def zone_words(zone: str) -> str:
    return outcomes.zone_words(zone)


@register.filter
def verdict_name(key: str) -> str:
    return str(VERDICT_NAMES.get(key, key))


@register.filter
def pair_verdicts(pair) -> list:
    """The verdicts of a PHQ-9 + GAD-7 pair outcome, in reading order."""
    return [pair.case_at_start, pair.recovery, pair.reliable_improvement, pair.reliable_deterioration,
            pair.reliable_recovery]
