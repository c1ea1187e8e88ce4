"""Forms of the messaging pages. Limits and refusals are the actions' job; the forms only carry the words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.messaging.models import MAX_LENGTH, REPLY_DAYS_MAX, REPLY_DAYS_MIN


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your message first.")},
        help_text=_("Up to %(max)s characters.") % {"max": f"{MAX_LENGTH:,}"},
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your reply first.")},
        help_text=_(
            "If the client has an e-mail address on record, they get an e-mail saying a message is waiting, without your words in it."
        ),
    )


class SettingsForm(forms.Form):
    reply_days = forms.TypedChoiceField(
        label=_("We reply to a client's message within"),
        coerce=int,
        choices=[
            (n, _("%(n)d working days") % {"n": n} if n > 1 else _("1 working day"))
            for n in range(REPLY_DAYS_MIN, REPLY_DAYS_MAX + 1)
        ],
        error_messages={"invalid_choice": _("Choose a number of working days from the list.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)
