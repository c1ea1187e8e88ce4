"""The form that makes an API client or a personal token."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openipt.api.models import WebhookEvent
from openipt.api.scopes import SCOPES, scopes_for
from openipt.core.forms import DateInput, choice_field


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What uses it, so you can tell tokens apart (for example: Research warehouse)."))
    scopes = forms.MultipleChoiceField(label=_("What it may do"), choices=list(SCOPES.items()),
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": _("Choose at least one thing the token may do.")})
    expires_on = forms.DateField(label=_("Stops working after"), widget=DateInput,
                                 help_text=_("At most a year from today."))

    def __init__(self, *args: object, kind: str = "personal", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=90)
        choice_field(self, "scopes").choices = list(scopes_for(kind).items())


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("Which program receives the messages (for example: Regional records system)."))
    url = forms.CharField(label=_("Address"), max_length=500,
                          help_text=_("The https:// address of the program that receives the messages."))
    events = forms.MultipleChoiceField(label=_("Send a message when"), choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": _("Choose one or more of the events listed.")})
