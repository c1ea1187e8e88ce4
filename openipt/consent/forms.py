"""The consent forms: signing, withdrawing, a paper signature, a new version, the setting."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.consent.actions import MAX_BODY, MAX_NAME, MAX_NOTE, MAX_TITLE
from openipt.core.forms import DateInput


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    agree = forms.BooleanField(
        label=_("I have read this form and I agree to it"),
        required=True,
        error_messages={"required": _("Tick the box to say you have read the form and agree.")},
    )
    name = forms.CharField(
        label=_("Type your full name"),
        max_length=MAX_NAME,
        help_text=_("Typing your name here is your signature."),
        error_messages={"required": _("Type your full name to sign.")},
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand what this means, and I want to stop"),
        required=True,
        error_messages={"required": _("Tick the box to say you understand what stopping means.")},
    )
    note = forms.CharField(
        label=_("Anything you want your therapist to know"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your therapist will read this."),
    )


class PaperForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    name = forms.CharField(label=_("Name the client wrote on the form"), max_length=MAX_NAME)
    signed_on = forms.DateField(label=_("Date on the form"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example, where the paper form is kept."),
    )


class TellWithdrawalForm(forms.Form):
    note = forms.CharField(
        label=_("How and when the client told you"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(forms.Form):
    expected_number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(
        label=_("Text of the form"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "Start a line with “## ” for a heading and “- ” for a point in a list. Leave "
            "a blank line between paragraphs."
        ),
    )


class SettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    required_before_start = forms.BooleanField(
        label=_("Consent required before a course starts"),
        required=False,
        help_text=_(
            "When this is on, a course cannot leave its first phase until each client in it has signed the "
            "current form. A client who took back their consent always holds a new course, whatever this says."
        ),
    )
