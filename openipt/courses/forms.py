"""Forms for courses and sessions. Checks that need the database or the protocol rules are in actions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openipt.core.forms import DateInput, choice_field
from openipt.courses.models import Attendance, Frequency, RiskLevel, SessionMode
from openipt.courses.present import protocol

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

TEXT_LIMIT = 20000


def format_choices():
    return [(f.id, f.name) for f in protocol().formats() if not f.is_group]


def area_choices(blank_label):
    return [("", blank_label)] + [(a.id, a.name) for a in protocol().areas()]


def stage_choices():
    choices: list[tuple[str, str | StrPromise]] = [("", _("Not a dispute, or not decided"))]
    for area in protocol().areas():
        choices += [(s.id, s.name) for s in area.stages]
    return choices


def technique_choices():
    return [(t.id, t.name) for t in protocol().techniques()]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def long_text(label, help_text="", rows=4, required=False):
    return forms.CharField(label=label, help_text=help_text, required=required, max_length=TEXT_LIMIT,
                           widget=forms.Textarea(attrs={"rows": rows}))


class StartCourseForm(forms.Form):
    format_id = forms.ChoiceField(label=_("Format"), choices=())
    start_date = forms.DateField(label=_("Start date"), widget=DateInput(),
                                 help_text=_("The date of session 1. A course starting later is shown as planned."))
    sessions_planned = forms.IntegerField(label=_("Number of sessions"), required=False, min_value=1, max_value=200,
                                          help_text=_("Leave empty for the format's usual number."))
    frequency = forms.ChoiceField(label=_("How often"), required=False,
                                  choices=[("", _("The format's usual frequency")), *Frequency.choices])
    initial_sessions = forms.IntegerField(label=_("Sessions in the initial phase"), required=False, min_value=1, max_value=10,
                                          help_text=_("Leave empty for the format's usual number."))
    first_session_time = forms.TimeField(label=_("Time of session 1"), required=False, widget=TimeInput(),
                                         help_text=_("Fill in to schedule session 1 on the start date now."))
    duration = forms.IntegerField(label=_("Length of session 1 in minutes"), required=False, min_value=5, max_value=240)
    mode = forms.ChoiceField(label=_("Session 1 takes place"), choices=SessionMode.choices, initial=SessionMode.IN_PERSON)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "format_id").choices = format_choices()

    def first_session(self):
        data = self.cleaned_data
        if not data.get("first_session_time"):
            return None
        return timezone.make_aware(datetime.combine(data["start_date"], data["first_session_time"]))


class ContractForm(forms.Form):
    sessions_planned = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=200)
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    initial_sessions = forms.IntegerField(label=_("Sessions in the initial phase"), required=False, min_value=1, max_value=10,
                                          help_text=_("Leave empty for the format's usual number."))
    agreed_on = forms.DateField(label=_("Date the client agreed the contract"), required=False, widget=DateInput(),
                                help_text=_("Leave empty until the client agrees."))
    version = forms.IntegerField(widget=forms.HiddenInput())


class RenegotiateForm(forms.Form):
    sessions_planned = forms.IntegerField(label=_("New number of sessions"), min_value=1, max_value=200)
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    reason = forms.CharField(label=_("Why the contract changes"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    agreed_on = forms.DateField(label=_("Date the client agreed the new contract"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput())


class FocusForm(forms.Form):
    primary_area = forms.ChoiceField(label=_("Problem area"), required=False, choices=())
    dispute_stage = forms.ChoiceField(label=_("Stage of the dispute"), required=False, choices=(),
                                      help_text=_("Only for a role dispute."))
    primary_rationale = long_text(_("Why this area"), _("In a sentence or two: what links the depression to this area?"), rows=3)
    secondary_area = forms.ChoiceField(label=_("Second problem area"), required=False, choices=(),
                                       help_text=_("Optional. Keep to one area when time is short."))
    secondary_rationale = long_text(_("Why the second area"), rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "primary_area").choices = area_choices(_("Not chosen yet"))
        choice_field(self, "secondary_area").choices = area_choices(_("None"))
        choice_field(self, "dispute_stage").choices = stage_choices()


class EndingForm(forms.Form):
    warning_signs = long_text(_("Warning signs"), _("Signs that depression may be coming back, in the client's words."), rows=3)
    what_helps = long_text(_("What helps"), _("What the client can do, and who and what helps."), rows=3)
    contacts = long_text(_("Who to contact"), _("People and services to contact, with how to reach them."), rows=3)
    end_review = long_text(_("End review"), _("What changed, what the client did to change it, and what comes next."), rows=5)
    version = forms.IntegerField(widget=forms.HiddenInput())


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    maintenance_sessions = forms.IntegerField(label=_("Maintenance sessions to add"), required=False, min_value=1, max_value=24)
    maintenance_frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices, initial=Frequency.MONTHLY, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput())


class GoalForm(forms.Form):
    text = forms.CharField(label=_("Goal"), max_length=1000, help_text=_("In the client's words, something they can notice."))
    area = forms.ChoiceField(label=_("Problem area"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "area").choices = area_choices(_("Any"))


class GoalEditForm(GoalForm):
    order = forms.IntegerField(label=_("Position"), min_value=1, max_value=999)
    active = forms.BooleanField(label=_("Still working on this goal"), required=False)


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())
    duration = forms.IntegerField(label=_("Length in minutes"), min_value=5, max_value=240)
    mode = forms.ChoiceField(label=_("Takes place"), choices=SessionMode.choices)

    def when(self):
        return timezone.make_aware(datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


class RescheduleForm(SessionForm):
    version = forms.IntegerField(widget=forms.HiddenInput())


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("Attendance"), choices=Attendance.choices)


RISK_REVIEWED_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


class NoteForm(forms.Form):
    mood = long_text(_("Mood since the last session"), rows=2)
    events = long_text(_("Events since the last session"), rows=3)
    people = long_text(_("Who was involved"), rows=2)
    strategy_work = long_text(_("Work on the strategies"), _("What you worked on in the problem area, and how it went."), rows=5)
    techniques = forms.MultipleChoiceField(label=_("Techniques used"), required=False, choices=(),
                                           widget=forms.CheckboxSelectMultiple)
    client_will_try = long_text(_("What the client will try before next time"), _("One thing per line."), rows=3)
    risk_reviewed = forms.ChoiceField(label=_("Risk reviewed in this session"), required=False,
                                      choices=RISK_REVIEWED_CHOICES, widget=forms.RadioSelect)
    risk_level = forms.ChoiceField(label=_("Level of risk concern"), choices=RiskLevel.choices, initial=RiskLevel.NONE)
    risk_text = long_text(_("Risk concern and what was done"), rows=3)
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"data-note-version": "1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "techniques").choices = technique_choices()

    def note_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in (
            "mood", "events", "people", "strategy_work", "techniques", "client_will_try", "risk_level", "risk_text")}
        data["risk_reviewed"] = {"yes": True, "no": False}.get(self.cleaned_data.get("risk_reviewed") or "")
        return data


def note_initial(note) -> dict:
    if note is None:
        return {"version": 0, "risk_level": RiskLevel.NONE}
    return {
        "mood": note.mood, "events": note.events, "people": note.people, "strategy_work": note.strategy_work,
        "techniques": note.techniques, "client_will_try": note.client_will_try,
        "risk_reviewed": {True: "yes", False: "no"}.get(note.risk_reviewed, ""),
        "risk_level": note.risk_level, "risk_text": note.risk_text, "version": note.version,
    }


class AddendumForm(forms.Form):
    text = long_text(_("Addendum"), _("A dated correction or addition. The signed note stays as it was."), rows=4, required=True)


RATING_CHOICES = [("", _("Not rated"))] + [(str(i), str(i)) for i in range(11)]


class RatingsForm(forms.Form):
    """One 0–10 rating and an optional comment per goal."""

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"rating_{goal.pk}"] = forms.ChoiceField(label=goal.text, required=False, choices=RATING_CHOICES)
            self.fields[f"comment_{goal.pk}"] = forms.CharField(label=_("Comment"), required=False, max_length=500)

    def rows(self):
        return [(goal, self[f"rating_{goal.pk}"], self[f"comment_{goal.pk}"]) for goal in self.goals]

    def ratings(self) -> dict:
        result = {}
        for goal in self.goals:
            raw = self.cleaned_data.get(f"rating_{goal.pk}") or ""
            result[goal.pk] = (int(raw) if raw != "" else None, self.cleaned_data.get(f"comment_{goal.pk}", ""))
        return result
