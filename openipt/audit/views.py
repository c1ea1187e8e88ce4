"""The audit log browser for admins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from openipt.audit import present, queries, registry
from openipt.core.decorators import actor_required
from openipt.core.forms import DateInput, choice_field
from openipt.core.pagination import paginate
from openipt.core.roles import Role


class AuditFilterForm(forms.Form):
    event_search = forms.CharField(label=_("Events whose name contains"), required=False, max_length=60,
                                   help_text=_("For example \"export\" or \"sign\"."))
    event_type = forms.ChoiceField(label=_("Event"), required=False)
    actor = forms.CharField(label=_("Who (username or name)"), required=False, max_length=150)
    record = forms.CharField(label=_("Client record number"), required=False, max_length=20)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "event_type").choices = [("", _("Any event")), *present.grouped_choices(registry.all_types())]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@actor_required(Role.ADMIN)
def audit_log_view(request):
    """Browse and filter the organisation's audit log."""
    form = AuditFilterForm(request.GET or None)
    events = queries.events_for(request.actor, form.cleaned_data if form.is_valid() else None)
    page = paginate(request, events, per_page=50)
    rows = [{"event": e, "label": present.label(e.event_type), "details": present.details(e.details)} for e in page]
    return render(request, "audit/log.html", {"form": form, "page": page, "rows": rows})

