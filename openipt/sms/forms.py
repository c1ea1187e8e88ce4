"""Forms of the SMS pages (the actions check every value again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.core.languages import CLIENT_LANGUAGES
from openipt.sms.models import Backend


class ConsentForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=40, required=False,
                            help_text=_("With + and the country code, for example +254 712 345 678."))
    neutral_name = forms.CharField(label=_("Name the messages use"), max_length=40,
                                   help_text=_("Something that says nothing about health, for example \"Tuesday group\". "
                                               "Anyone who sees the phone may read it."))
    language = forms.ChoiceField(label=_("Language of the messages"), choices=CLIENT_LANGUAGES)
    reminders = forms.BooleanField(label=_("Reminders the day before each session"), required=False, initial=True)
    checkins = forms.BooleanField(label=_("A check-in the day before each session (three numbers by reply)"),
                                  required=False)
    crisis_texts = forms.BooleanField(
        label=_("Crisis phone numbers may be sent to this phone"), required=False,
        help_text=_("Leave this off unless the client chose it: someone who hurts them may read their phone."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SettingsForm(forms.Form):
    backend = forms.ChoiceField(label=_("Gateway"), choices=Backend.choices)
    username = forms.CharField(label=_("Gateway user name"), max_length=100, required=False,
                               help_text=_("Twilio: your Account SID (it starts with AC)."))
    api_key = forms.CharField(label=_("API key"), max_length=200, required=False,
                              widget=forms.PasswordInput(render_value=False),
                              help_text=_("Twilio: your Auth Token. Leave empty to keep the key already saved. "
                                          "It is stored sealed and never shown."))
    sender = forms.CharField(label=_("Sender name or short code"), max_length=20, required=False,
                             help_text=_("Twilio: the Twilio number the messages come from, with + and the country "
                                         "code."))
    sandbox = forms.BooleanField(label=_("Use the gateway's sandbox (nothing reaches real phones)"), required=False)
    daily_limit = forms.IntegerField(label=_("Most messages a day"), min_value=1, max_value=100000,
                                     help_text=_("Ordinary messages wait for the next day at the limit. A reply to a "
                                                 "worrying answer is always sent."))
    send_hour = forms.IntegerField(label=_("Hour to send reminders, the day before"), min_value=6, max_value=21)
    new_inbound_address = forms.BooleanField(label=_("Make new secret addresses for the gateway's callbacks"),
                                             required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
