"""Forms of the couples pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.couples.models import EntryKind

HELP = {
    EntryKind.I_EXPECT: _("For example: help with the children in the evening, time together at the weekend."),
    EntryKind.PARTNER_EXPECTS: _("What do you think your partner wants from you? Guessing is fine."),
    EntryKind.CHANGE: _("One or two things, as small as you like."),
}


class LinkPartnerForm(forms.Form):
    record_number = forms.CharField(label=_("The second partner's record number"), max_length=20,
                                    help_text=_("Shown on their client record, for example RC-7K3MQP."))


class ViewForm(forms.Form):
    """Three entries, each with a tick to share it with the partner; the version this page loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in EntryKind.choices:
            self.fields[kind] = forms.CharField(label=label, required=False, max_length=5000, help_text=HELP[EntryKind(kind)],
                                                widget=forms.Textarea(attrs={"rows": 4}))
            self.fields[f"{kind}_shared"] = forms.BooleanField(
                label=_("Share this answer with my partner"), required=False)

    def rows(self):
        for kind, _label in EntryKind.choices:
            yield {"kind": kind, "text": self[kind], "shared": self[f"{kind}_shared"]}

    @staticmethod
    def initial_for(view, entries) -> dict:
        initial = {"version": view.version}
        for e in entries:
            initial[e.kind] = e.text
            initial[f"{e.kind}_shared"] = e.shared
        return initial


class ScreenForm(forms.Form):
    """The private safety questions: one yes / no / rather-not-say answer each, and an optional note."""

    def __init__(self, *args, **kwargs):
        from openipt.couples import screen

        super().__init__(*args, **kwargs)
        for q in screen.QUESTIONS:
            self.fields[q.id] = forms.ChoiceField(label=q.text, choices=screen.ANSWER_CHOICES,
                                                  widget=forms.RadioSelect, required=False)
        self.fields["note"] = forms.CharField(
            label=_("Is there anything else you want your therapist to know? (You can leave this empty.)"),
            required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class StaffScreenForm(ScreenForm):
    alone = forms.BooleanField(label=_("I am alone with this partner now, and asked these questions in private."),
                               required=False)
