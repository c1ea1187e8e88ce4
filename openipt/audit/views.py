"""The audit log browser for admins."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openipt.audit import access, present, registry
from openipt.core.decorators import actor_required
from openipt.core.forms import DateInput
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
        self.fields["event_type"].choices = [("", _("Any event")), *present.grouped_choices(registry.all_types())]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@actor_required(Role.ADMIN)
def audit_log_view(request):
    """Browse and filter the organisation's audit log."""
    form = AuditFilterForm(request.GET or None)
    events = access.visible_events(request.actor)
    if form.is_valid():
        data = form.cleaned_data
        if data["event_type"]:
            events = events.filter(event_type=data["event_type"])
        if data["event_search"]:
            events = events.filter(event_type__in=_codes_named(data["event_search"]))
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"])
        if data["record"]:
            events = events.filter(client_label__iexact=data["record"].strip())
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(occurred_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
        if data["date_to"]:
            events = events.filter(occurred_at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
    page = paginate(request, events, per_page=50)
    rows = [{"event": e, "label": present.label(e.event_type), "details": present.details(e.details)} for e in page]
    return render(request, "audit/log.html", {"form": form, "page": page, "rows": rows})


def _codes_named(text: str) -> list[str]:
    """The event types whose name (or area) contains the text, ignoring case."""
    needle = text.strip().casefold()
    return [e.code for e in registry.all_types()
            if needle in e.description.casefold() or needle in present.area(e.code).casefold()]
