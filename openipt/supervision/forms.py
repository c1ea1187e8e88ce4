"""Forms of the supervision pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.core.forms import DateInput, choice_field
from openipt.supervision.competency.tool import Tool
from openipt.supervision.models import Competency, ObservationSource, Overall
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


# ---- competency assessments


class LevelsForm(forms.Form):
    """One radio group per item of a competency tool (field item_<id>, levels 1 to 4), and notes."""

    notes = forms.CharField(label=_("Notes (optional)"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("What you saw that led to your levels. The trainee's supervisors read this."))

    def __init__(self, *args, tool=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tool = tool
        for item in tool.items if tool else ():
            self.fields[f"item_{item.id}"] = forms.ChoiceField(
                label=item.title, choices=[(str(n), str(n)) for n in item.levels], required=False,
                widget=forms.RadioSelect)

    def levels(self) -> dict[str, str]:
        return {item.id: self.cleaned_data.get(f"item_{item.id}") or "" for item in self.tool.items}

    def rows(self):
        for item in self.tool.items:
            bound = self[f"item_{item.id}"]
            value = str(bound.value() or "")
            options = [{"value": str(n), "name": self.tool.levels.get(n, ""), "seen": seen,
                        "id": f"lv-{item.id}-{n}", "checked": value == str(n)} for n, seen in item.levels.items()]
            yield {"item": item, "field": bound, "options": options}


class AssessForm(LevelsForm):
    source = forms.ChoiceField(label=_("How did you observe them?"), choices=ObservationSource.choices,
                               widget=forms.RadioSelect)
    observed_on = forms.DateField(label=_("Date observed"), widget=DateInput())
    second_rater = forms.TypedChoiceField(
        label=_("Second rater (optional)"), required=False, coerce=int, empty_value=None,
        help_text=_("To check that raters agree: they rate the same observation on their own and see your levels "
                    "only after saving theirs."))

    def __init__(self, *args, raters=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "second_rater").choices = [("", _("No second rater"))] + [(m.pk, str(m.user)) for m in raters]


class FlagActionForm(forms.Form):
    action = forms.CharField(label=_("What was done?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("What was done?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class RuleForm(forms.Form):
    tool_id = forms.ChoiceField(label=_("Competency tool"))
    required = forms.BooleanField(label=_("Signing someone off to lead a group alone needs a competency assessment"),
                                  required=False)
    no_harmful = forms.BooleanField(label=_("No item may be at level 1 (potentially harmful) in the latest assessment"),
                                    required=False)
    min_level = forms.TypedChoiceField(label=_("Every item at this level or above"), coerce=int,
                                       choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, tools: Iterable[Tool] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "tool_id").choices = [(t.id, f"{t.title} ({t.version})") for t in tools]
