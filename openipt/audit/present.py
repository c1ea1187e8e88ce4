"""The audit log in words: a label per event, the details as key/value text, events grouped by area."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openipt.audit import registry

AREAS = {
    "auth": gettext_lazy("Signing in"), "member": gettext_lazy("People"), "invite": gettext_lazy("People"),
    "org": gettext_lazy("Organisation"), "client": gettext_lazy("Client records"),
    "course": gettext_lazy("Courses"), "session": gettext_lazy("Courses"), "calendar": gettext_lazy("Courses"),
    "note": gettext_lazy("Courses"), "assessment": gettext_lazy("Assessment"),
    "measures": gettext_lazy("Questionnaires"), "safety": gettext_lazy("Safety"),
    "practice": gettext_lazy("Between sessions"), "group": gettext_lazy("Groups"), "couples": gettext_lazy("Couples"),
    "consent": gettext_lazy("Consent"), "fidelity": gettext_lazy("Supervision"), "messaging": gettext_lazy("Messages"),
    "competency": gettext_lazy("Supervision"),
}
OTHER = gettext_lazy("Other")


def area(code: str) -> str:
    return str(AREAS.get(code.partition(".")[0], OTHER))


def label(code: str) -> str:
    """The readable name of an event type (the code itself only for an event no longer registered)."""
    try:
        return registry.get(code).description
    except KeyError:
        return code


def grouped_choices(types: list[registry.EventType]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Event choices as (area, [(code, label)]) groups, areas and labels in alphabetical order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for event in types:
        groups.setdefault(area(event.code), []).append((event.code, event.description))
    return [(name, sorted(groups[name], key=lambda c: c[1])) for name in sorted(groups)]


def _value(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(f"{_key(k)}: {_value(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value)
    return str(value)


def _key(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def details(values: dict) -> list[tuple[str, str]]:
    """An event's details as (name, value) text pairs; empty values are left out."""
    if not isinstance(values, dict):
        return [(_("Details"), _value(values))] if values not in (None, "") else []
    return [(_key(k), _value(v)) for k, v in values.items() if v not in (None, "", [], {})]
