"""Forms for the structured review, outreach, early ending, ending letter and booster offer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.core.forms import choice_field
from openipt.courses.forms import long_text
from openipt.courses.review_actions import AREAS, FINDING_WORDS, FINDINGS
from openipt.courses.steps_models import (
    BoosterOffer,
    EndingKind,
    OutreachMethod,
    OutreachResult,
    ReviewOutcome,
)


class ReviewForm(forms.Form):
    """One answer and a note for each review area, what will happen next, and the plan."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for area_id, heading, prompt in AREAS:
            self.fields[f"{area_id}_finding"] = forms.ChoiceField(
                label=heading, help_text=prompt, widget=forms.RadioSelect, required=False,
                choices=[(f, FINDING_WORDS[f]) for f in FINDINGS])
            self.fields[f"{area_id}_note"] = forms.CharField(
                label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["outcomes"] = forms.MultipleChoiceField(
            label=_("What happens next"), choices=ReviewOutcome.choices, required=False,
            widget=forms.CheckboxSelectMultiple, help_text=_("Tick everything that applies."))
        self.fields["plan"] = long_text(_("What will change, and when"),
                                        _("For example: refocus on the dispute with her mother from next session; "
                                          "ask the GP for a medication review this week."), rows=3)

    def findings(self) -> dict:
        d = self.cleaned_data
        return {a: {"finding": d.get(f"{a}_finding") or "", "note": d.get(f"{a}_note") or ""} for a, _h, _p in AREAS}


class OutreachForm(forms.Form):
    method = forms.ChoiceField(label=_("How you tried to reach them"), choices=OutreachMethod.choices)
    result = forms.ChoiceField(label=_("What happened"), choices=OutreachResult.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EndEarlyForm(forms.Form):
    kind = forms.ChoiceField(label=_("How the course is ending"), choices=EndingKind.choices, widget=forms.RadioSelect)
    ending_session = forms.TypedChoiceField(label=_("Ending session"), coerce=int, required=False, empty_value=None,
                                            help_text=_("Only for an ending agreed in a session."))
    reason = long_text(_("Why the course is ending early"), rows=3)

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "ending_session").choices = [("", "—")] + [(s, _("Session %(n)d") % {"n": s}) for s in sessions]


class LetterForm(forms.Form):
    letter = forms.CharField(label=_("Ending letter"), max_length=20000, widget=forms.Textarea(attrs={"rows": 24}),
                             help_text=_("Edit the draft in plain words; the client keeps this letter."))


class BoosterForm(forms.Form):
    booster = forms.ChoiceField(label=_("Booster or maintenance sessions"),
                                choices=[c for c in BoosterOffer.choices if c[0]])
    booster_sessions = forms.IntegerField(label=_("How many sessions"), required=False, min_value=1, max_value=12)
    booster_note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
