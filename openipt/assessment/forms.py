"""Forms of the assessment pages. Checks that need the database or the dates of today are in the actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from openipt.assessment.actions import MAX_TEXT
from openipt.assessment.choices import (
    AREA_NAMES,
    INTAKE_QUESTIONS,
    MONTHS,
    STAGE_HELP,
    STAGE_NAMES,
    AgeBand,
    Contact,
    Ending,
    EventKind,
    Hope,
    Match,
    MoodEffect,
    Ring,
    SnapshotKind,
    Support,
    Talking,
)
from openipt.core.forms import DateInput, choice_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def text_area(label, help_text="", rows=3):
    return forms.CharField(label=label, help_text=help_text, required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": rows}))


def month_field(label=None):
    return forms.TypedChoiceField(label=label or _("Month"), required=False, coerce=int, empty_value=None,
                                  choices=[("", _("Not sure")), *MONTHS])


# (staff label, client label, staff help, client help)
# Each field's label and help: (staff label, client label, staff help, client help).
PERSON_WORDS: dict[str, tuple[StrOrPromise, StrOrPromise, StrOrPromise, StrOrPromise]] = {
    "name": (_("Name or alias"), _("Their name, or a nickname"),
             _("A first name, a nickname or initials is enough."), _("A first name, a nickname or initials is fine.")),
    "relationship": (_("Relationship to the client"), _("Who are they to you?"),
                     _("For example: mother, partner, friend, boss."), _("For example: mum, partner, friend, boss.")),
    "ring": (_("How close"), _("How close are you?"), "", ""),
    "age_band": (_("Age"), _("How old are they?"), "", ""),
    "contact": (_("How often in touch"), _("How often are you in touch?"), "", ""),
    "support_received": (_("Support the client gets from them"), _("How much do they help you?"), "", ""),
    "support_given": (_("Support the client gives them"), _("How much do you help them?"), "", ""),
    "satisfying": (_("What is good in the relationship"), _("What is good about this relationship?"),
                   _("One point per line."), _("Write one thing on each line.")),
    "unsatisfying": (_("What is hard or missing"), _("What is hard about it, or missing?"),
                     _("One point per line."), _("Write one thing on each line.")),
    "expects_of_other": (_("What the client expects of them"), _("What do you hope for from them?"), "", ""),
    "expected_by_other": (_("What they expect of the client"), _("What do they want from you?"), "", ""),
    "expectations_match": (_("Do these expectations match?"), _("Do you both want the same things?"), "", ""),
    "conflicts": (_("Disagreements or conflicts"), _("Do you disagree about something? What about?"),
                  _("One topic per line. People outside the inner ring count too: a boss, a colleague, an "
                    "in-law. How close someone is and how much a disagreement matters are different things."),
                  _("Write one thing on each line.")),
    "conflict_talking": (_("Are they still negotiating?"), _("Are you still talking about it, or arguing about it?"),
                         _("Still talking it over or arguing points to renegotiation. Talking has stopped and "
                           "resentment smoulders points to an impasse."), ""),
    "conflict_hope": (_("Does the client hope it can change?"), _("Do you hope it can get better?"), "", ""),
    "conflict_ending": (_("Does either of them want to end the relationship?"),
                        _("Do you, or they, want to end this relationship?"),
                        _("When one or both want to end it, the dispute is at the stage of dissolution."), ""),
    "conflict_mood_effect": (_("How does the disagreement affect the client's mood?"),
                             _("How does this disagreement affect your mood?"),
                             _("Weighed the same way as a life event's effect on mood when a problem area is "
                               "suggested."), ""),
    "recent_changes": (_("Recent changes"), _("What has changed lately?"), _("One point per line."), _("Write one thing on each line.")),
    "changes_wanted": (_("Changes the client would like"), _("What would you like to change?"), _("One point per line."),
                       _("Write one thing on each line.")),
}


class PersonForm(forms.Form):
    """One entry of the interpersonal inventory; `for_client` uses the portal's plainer questions."""

    name = forms.CharField(max_length=200, required=True)
    relationship = forms.CharField(max_length=200, required=True)
    ring = forms.ChoiceField(choices=Ring.choices, widget=forms.RadioSelect, initial="middle")
    age_band = forms.ChoiceField(choices=AgeBand.choices, required=False)
    contact = forms.ChoiceField(choices=Contact.choices, required=False)
    support_received = forms.ChoiceField(choices=Support.choices, required=False)
    support_given = forms.ChoiceField(choices=Support.choices, required=False)
    satisfying = text_area("")
    unsatisfying = text_area("")
    expects_of_other = text_area("", rows=2)
    expected_by_other = text_area("", rows=2)
    expectations_match = forms.ChoiceField(choices=Match.choices, required=False, initial="unknown")
    conflicts = text_area("")
    conflict_talking = forms.ChoiceField(choices=Talking.choices, required=False, initial="unknown")
    conflict_hope = forms.ChoiceField(choices=Hope.choices, required=False, initial="unknown")
    conflict_ending = forms.ChoiceField(choices=Ending.choices, required=False, initial="unknown")
    conflict_mood_effect = forms.ChoiceField(choices=MoodEffect.choices, required=False, initial="unknown")
    recent_changes = text_area("")
    changes_wanted = text_area("")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    GROUPS = (
        (_("Who"), ("name", "relationship", "ring", "age_band", "contact")),
        (_("Support"), ("support_received", "support_given", "satisfying", "unsatisfying")),
        (_("Expectations"), ("expects_of_other", "expected_by_other", "expectations_match")),
        (_("Disagreements"), ("conflicts", "conflict_talking", "conflict_hope", "conflict_ending", "conflict_mood_effect")),
        (_("Changes"), ("recent_changes", "changes_wanted")),
    )
    CLIENT_GROUPS = (
        (_("Who"), ("name", "relationship", "ring", "contact")),
        (_("Good and hard"), ("support_received", "support_given", "satisfying", "unsatisfying")),
        (_("What you want from each other"), ("expects_of_other", "expected_by_other", "expectations_match")),
        (_("Disagreements"), ("conflicts", "conflict_talking", "conflict_hope", "conflict_ending", "conflict_mood_effect")),
        (_("Changes"), ("recent_changes", "changes_wanted")),
    )

    def __init__(self, *args, for_client: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_client = for_client
        for name, (staff, client, staff_help, client_help) in PERSON_WORDS.items():
            self.fields[name].label = client if for_client else staff
            self.fields[name].help_text = client_help if for_client else staff_help
        self.fields["name"].error_messages["required"] = _(
            "Give this person a name or an alias. A first name, a nickname or initials is enough.")
        self.fields["relationship"].error_messages["required"] = _("Say who this person is, for example mother, friend or boss.")
        self.fields["ring"].error_messages["required"] = _("Choose how close this person is: inner, middle or outer ring.")
        if for_client:
            choice_field(self, "ring").choices = [("inner", _("Very close")), ("middle", _("Close")), ("outer", _("Not so close"))]
            del self.fields["age_band"]

    def groups(self):
        for legend, names in (self.CLIENT_GROUPS if self.for_client else self.GROUPS):
            yield legend, [self[n] for n in names if n in self.fields]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class SnapshotForm(forms.Form):
    kind = forms.ChoiceField(label=_("Which moment"), choices=SnapshotKind.choices, initial="other")
    label = forms.CharField(label=_("Label"), required=False, max_length=200,
                            help_text=_("For example: after session 8."))


class WhenFields(forms.Form):
    """An exact or approximate date: the year, and the month and day when known."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=0, max_value=99999)
    month = month_field()
    day = forms.IntegerField(label=_("Day"), required=False, min_value=1, max_value=31,
                             help_text=_("Leave empty if you know only the month or the year."))


class EventForm(WhenFields):
    kind = forms.ChoiceField(label=_("What kind of event"), choices=EventKind.choices,
                             help_text=_("Grief is for a death, including a pregnancy loss or the death of a baby. "
                                         "Other losses, such as a job, a divorce, a move or health, are life "
                                         "changes (role transitions)."))
    description = text_area(_("What happened"), _("In plain words; it appears on the timeline and may be used in the "
                                                  "formulation draft."), rows=3)
    main_person = forms.ChoiceField(label=_("Who it is mainly about"), required=False,
                                    help_text=_("For a death, choose the person who died."))
    people = forms.MultipleChoiceField(label=_("Others involved"), required=False, widget=forms.CheckboxSelectMultiple)
    mood_effect = forms.ChoiceField(label=_("How it affected the mood"), choices=MoodEffect.choices, initial="unknown")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = [(str(p.pk), f"{p.name} ({p.relationship})") for p in people]
        choice_field(self, "main_person").choices = [("", _("No one in particular")), *options]
        choice_field(self, "people").choices = options
        self.fields["year"].error_messages["required"] = _("Enter the year, even if you are not sure of the month or day.")


YES_NO = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]


class IntakeForm(forms.Form):
    onset_year = forms.IntegerField(label=_("Year"), required=False, min_value=0, max_value=99999)
    onset_month = month_field()
    onset_day = forms.IntegerField(label=_("Day"), required=False, min_value=1, max_value=31)
    onset_note = text_area(_("What the symptoms were"), _("For example: poor sleep, guilt, no interest in things. Used "
                                                          "in the formulation draft when there is no PHQ-9 score."), rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in INTAKE_QUESTIONS.items():
            if key == "close_confidants":
                self.fields[key] = forms.IntegerField(label=question, required=False, min_value=0, max_value=1000)
            else:
                self.fields[key] = forms.ChoiceField(label=question, required=False, choices=YES_NO,
                                                     widget=forms.RadioSelect)

    def question_fields(self):
        return [self[k] for k in INTAKE_QUESTIONS]

    def answers(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in INTAKE_QUESTIONS}


def area_choices():
    return [(k, v) for k, v in AREA_NAMES.items()]


def stage_choices():
    return [("", _("Not a dispute"))] + [
        (k, format_lazy("{}: {}", STAGE_NAMES[k], STAGE_HELP[k])) for k in ("renegotiation", "impasse", "dissolution")]


class ChooseAreaForm(forms.Form):
    area = forms.ChoiceField(label=_("Problem area"), choices=area_choices, widget=forms.RadioSelect,
                             help_text=_("Grief is for a death (and pregnancy or baby loss); other losses are role "
                                         "transitions. A role dispute can be with anyone who matters, at home or "
                                         "at work. Interpersonal sensitivity is the modern name for interpersonal "
                                         "deficits."))
    stage = forms.ChoiceField(label=_("Stage of the dispute"), required=False, choices=stage_choices,
                              help_text=_("Only for a role dispute."))
    rationale = forms.CharField(label=_("Why this area, in your words"), max_length=20000,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("What links the low mood to this area? Check it with the client."))
    confirm_deficits = forms.BooleanField(label=_("I have checked: no other area fits, so deficits is right"),
                                          required=False)
    secondary_area = forms.ChoiceField(label=_("Second area"), required=False,
                                       choices=lambda: [("", _("None"))] + area_choices())
    secondary_rationale = forms.CharField(label=_("Why the second area"), required=False, max_length=20000,
                                          widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].error_messages["required"] = _("Choose one of the four problem areas.")
        self.fields["rationale"].error_messages["required"] = _(
            "Say in your own words why this area fits: what links the low mood to it?")


class FormulationForm(forms.Form):
    text = forms.CharField(label=_("Formulation for the client"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("Plain words the client can read. It saves itself while you type; "
                                       "“Save as a new version” keeps a copy for ever."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AgreementForm(forms.Form):
    agreed_on = forms.DateField(label=_("Date the client agreed"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].error_messages["required"] = _("Enter the date the client agreed.")
        self.fields["agreed_on"].error_messages["invalid"] = _("Enter the date as day, month and year.")


class GoalsForm(forms.Form):
    goals = forms.MultipleChoiceField(label=_("Suggested goals for this area"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    own_goal = forms.CharField(label=_("Or write a goal in the client's words"), required=False, max_length=1000)

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "goals").choices = [(t, t) for t in suggestions]

    def texts(self) -> list[str]:
        return list(self.cleaned_data.get("goals") or []) + ([self.cleaned_data["own_goal"]] if self.cleaned_data.get("own_goal") else [])
