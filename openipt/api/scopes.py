"""The scopes a token may hold: each names what kind of record it reads (`:read`) or changes (`:write`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SCOPES = {
    "clients:read": _("Read client records (names, record numbers, status)."),
    "courses:read": _("Read courses, their sessions and goals."),
    "measures:read": _("Read questionnaire results and scores."),
    "measures:write": _("Send questionnaire answers (scored and checked for risk as on the screens)."),
    "alerts:read": _("Read risk alerts."),
    "alerts:write": _("Acknowledge risk alerts (personal tokens only: a person must have read the alert)."),
    "groups:read": _("Read groups, their members and attendance."),
    "webhooks:manage": _("Register and delete the organisation's webhooks and read their delivery logs "
                         "(an admin's token or an API client)."),
}


# What only a person may do: sending a questionnaire needs the client's assigned clinician, and
# acknowledging an alert stops it being passed on, so a person must have read it. API clients are
# never offered these scopes, and are refused them if asked.
PERSON_ONLY = frozenset({"measures:write", "alerts:write"})


def scopes_for(kind: str) -> dict[str, object]:
    """The scopes a token of this kind ("client" or "personal") may hold, with their descriptions."""
    return {name: text for name, text in SCOPES.items() if kind != "client" or name not in PERSON_ONLY}


def clean_scopes(values: object) -> list[str]:
    """The known scopes among `values`, in the order of SCOPES; unknown names are dropped."""
    if not isinstance(values, (list, tuple, set, frozenset)):
        return []
    chosen = {v for v in values if isinstance(v, str)}
    return [name for name in SCOPES if name in chosen]
