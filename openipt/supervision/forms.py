"""Forms of the supervision pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.core.forms import DateInput, choice_field
from openipt.supervision.models import Competency, Overall
from openipt.supervision.scoring import ANSWERS

ANSWER_LABELS = {"yes": _("Yes"), "partly": _("Partly"), "no": _("No"), "na": _("Not applicable")}


class RatingForm(forms.Form):
    """One radio group per checklist item (field item_<id>), a comment, and the version seen."""

    comment = forms.CharField(label=_("Comment to the clinician"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("What went well and one thing to try next time. The clinician reads this."))
    overall = forms.TypedChoiceField(label=_("Overall, how well was IPT done in this session?"), required=False,
                                     coerce=int, empty_value=None, choices=[("", "—"), *Overall.choices],
                                     help_text=_("Your overall view, beside the checklist score."))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.id}"] = forms.ChoiceField(
                label=item.text, choices=[(a, ANSWER_LABELS[a]) for a in ANSWERS], required=False,
                widget=forms.RadioSelect)
        self.fields["answers"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def answers(self) -> dict:
        data = self.cleaned_data
        return {item.id: data.get(f"item_{item.id}") or "" for item in self.items}

    def rows(self):
        for item in self.items:
            bound = self[f"item_{item.id}"]
            value = bound.value() or ""
            options = [{"value": a, "label": ANSWER_LABELS[a], "id": f"i-{item.id}-{a}", "checked": value == a}
                       for a in ANSWERS]
            yield {"item": item, "field": bound, "options": options}


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply (optional, once)"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class SignOffForm(forms.Form):
    membership = forms.TypedChoiceField(label=_("Clinician"), coerce=int)
    competency = forms.ChoiceField(label=_("Competency"), choices=Competency.choices)
    signed_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What you observed, for example the sessions you rated."))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "membership").choices = [("", _("Choose a person"))] + [(m.pk, str(m.user)) for m in members]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is it withdrawn?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
