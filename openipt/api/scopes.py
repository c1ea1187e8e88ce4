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
}


def clean_scopes(values: object) -> list[str]:
    """The known scopes among `values`, in the order of SCOPES; unknown names are dropped."""
    if not isinstance(values, (list, tuple, set, frozenset)):
        return []
    chosen = {v for v in values if isinstance(v, str)}
    return [name for name in SCOPES if name in chosen]
