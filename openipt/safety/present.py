"""How alerts read on screen: how long open, which words matched, what an answer was, what happened."""

from __future__ import annotations

from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from openipt.safety.catalogue import instrument_catalogue

SOURCE_WORDS = {
    "worksheet": _l("a worksheet"),
    "mood_log": _l("a mood log"),
    "rehearsal": _l("a rehearsal message"),
    "inventory_note": _l("an inventory note"),
    "practice.worksheet": _l("a worksheet"),
    "practice.log": _l("the client's log"),
    "practice.question": _l("a question to the therapist"),
    "practice.rehearsal": _l("a rehearsal message"),
    "messaging.message": _l("a secure message to the care team"),
    "inventory": _l("the interpersonal inventory"),
    "risk_review": _l("the therapist's risk review"),
}

EVENT_WORDS = {
    "raised": _l("Raised"),
    "notified": _l("Staff told"),
    "escalated": _l("Escalated"),
    "acknowledged": _l("Acknowledged"),
    "resolved": _l("Resolved"),
    "evidence": _l("More words from the same place"),
    "paused": _l("Automated features paused"),
    "reopened": _l("Automated features reopened"),
    "delivery_retry": _l("E-mail not sent; will try again"),
    "delivery_failed": _l("E-mail could not be sent"),
}

TARGET_WORDS = {
    "assigned_staff": _l("assigned staff"),
    "supervisor": _l("supervisor"),
    "admins": _l("admins"),
    "safeguarding_lead": _l("safeguarding lead"),
}


def kind_label(kind_id: str) -> str:
    """Return the label of a shipped kind of risk ("Being harmed (...)"), or the id itself."""
    from openipt.safety.rules import load_shipped

    kind = load_shipped().kinds.get(kind_id)
    return kind.label if kind else kind_id


def duration_words(minutes: int) -> str:
    """Say a number of minutes as "5 min", "3 h 20 min" or "2 days 4 h"."""
    minutes = max(0, int(minutes))
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest} if rest else _("%(h)d h") % {"h": hours}
    days, hours = divmod(hours, 24)
    day_text = ngettext("%(d)d day", "%(d)d days", days) % {"d": days}
    return f"{day_text} {hours} h" if hours else day_text


def minutes_open(alert, now=None) -> int:
    end = alert.resolved_at or now or timezone.now()
    return max(0, int((end - alert.raised_at).total_seconds() // 60))


def highlight(text: str, evidence: list[dict]) -> list[tuple[str, bool]]:
    """Split text into (piece, matched) parts, merging overlapping matched spans."""
    text = text or ""
    spans = sorted(
        (max(0, int(e["start"])), min(len(text), int(e["end"])))
        for e in evidence or []
        if e.get("kind") == "text" and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in merged:
        if start > cursor:
            parts.append((text[cursor:start], False))
        parts.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        parts.append((text[cursor:], False))
    return parts


@lru_cache(maxsize=1)
def _instruments():
    try:
        return instrument_catalogue()
    except Exception:  # noqa: BLE001 - item wording is a nicety; the alert shows the item id anyway
        return None


def item_wording(instrument: str, item: str) -> tuple[str, str]:
    """Return (instrument short name, item text) when the instrument is known, else the codes."""
    registry = _instruments()
    if registry is not None and instrument in registry:
        found = registry.get(instrument)
        for entry in found.items:
            if entry.id == item:
                return found.short_name, entry.text
        return found.short_name, ""
    return instrument.upper(), ""


def item_name(instrument: str, item: str) -> str:
    """Name a questionnaire item as people do: "PHQ-9 question 9" (the codes only for an unknown instrument)."""
    registry = _instruments()
    if registry is not None and instrument in registry:
        found = registry.get(instrument)
        ids = [entry.id for entry in found.items]
        if item in ids:
            return _("%(instrument)s question %(n)d") % {"instrument": found.short_name, "n": ids.index(item) + 1}
        return _("%(instrument)s question %(item)s") % {"instrument": found.short_name, "item": item}
    return _("%(instrument)s question %(item)s") % {"instrument": instrument.upper(), "item": item}


def source_words(alert) -> str:
    """Say where an alert came from in a few words."""
    if alert.rule_kind == "instrument_item":
        return item_name(alert.source, next((e.get("item", "") for e in alert.evidence), ""))
    if alert.rule_kind == "risk_review":
        return str(SOURCE_WORDS["risk_review"])
    return _("Words in %(source)s") % {"source": SOURCE_WORDS.get(alert.source, alert.source.replace("_", " "))}


def answer_rows(alert) -> list[dict]:
    rows = []
    for e in alert.evidence:
        if e.get("kind") == "answer":
            name, wording = item_wording(alert.source, e.get("item", ""))
            rows.append({"instrument": name, "item": e.get("item", ""), "wording": wording, "value": e.get("value")})
    return rows


def event_rows(events) -> list[dict]:
    rows = []
    for event in events:
        details = event.details or {}
        extra = ""
        if details.get("told"):
            extra = _("Told: %(who)s") % {"who": ", ".join(details["told"])}
        if event.kind == "escalated" and details.get("minutes_late", 0) >= 2:
            extra += " " + _("(carried out %(late)s after it was due)") % {"late": duration_words(details["minutes_late"])}
        parts = highlight(event.text, details.get("evidence", [])) if event.kind == "evidence" else None
        rows.append({"event": event, "label": EVENT_WORDS.get(event.kind, event.kind), "extra": extra.strip(), "parts": parts})
    return rows


def client_page_for(kind_id: str) -> str:
    """Return what the client sees for an open alert of this kind: "crisis" or "discreet"."""
    from openipt.safety.rules import load_shipped

    kind = load_shipped().kinds.get(kind_id)
    return kind.client_page if kind is not None else "crisis"


def quick_exit_url() -> str:
    """Return the ordinary web page the "Leave this page" button opens.

    Set by the Django setting or the environment variable OPENIPT_QUICK_EXIT_URL; only an http(s)
    address is used, anything else falls back to a weather page.
    """
    import os

    from django.conf import settings

    url = getattr(settings, "OPENIPT_QUICK_EXIT_URL", "") or os.environ.get("OPENIPT_QUICK_EXIT_URL", "")
    return url if url.startswith(("https://", "http://")) else "https://www.bbc.co.uk/weather"
