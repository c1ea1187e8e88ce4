"""Forms of the portal and of the staff pages about between-session work.

Forms check shapes (a date, a number from 0 to 10); the actions check meaning and limits, and
their refusals are shown beside the field with `apply_action_error`.
"""

from __future__ import annotations

from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.core.forms import DateInput, choice_field
from openipt.practice.worksheetdefs import WorksheetDef

MOOD_CHOICES = [(str(n), str(n)) for n in range(11)]


def _area(rows: int = 4, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), widget=_area(3),
                           error_messages={"required": _("Write your question first.")},
                           help_text=_("Your therapist will answer in writing, or talk about it at your next session."))


class LogForm(forms.Form):
    occurred_on = forms.DateField(label=_("When did it happen?"), widget=DateInput(),
                                  error_messages={"required": _("Enter the day it happened."),
                                                  "invalid": _("Enter a date, like 14/03/2027.")})
    who = forms.CharField(label=_("Who was it with?"), error_messages={"required": _("Write who it was with.")},
                          help_text=_("A name, or how they are linked to you, like “my brother”."))
    what_happened = forms.CharField(label=_("What happened?"), widget=_area(4),
                                    error_messages={"required": _("Write a few words about what happened.")})
    feeling = forms.CharField(label=_("How did you feel?"), widget=_area(3), required=False)
    mood = forms.TypedChoiceField(label=_("My mood afterwards, from 0 (very low) to 10 (very good)"), coerce=int,
                                  choices=MOOD_CHOICES, widget=forms.RadioSelect,
                                  error_messages={"required": _("Choose your mood from 0 to 10."),
                                                  "invalid_choice": _("Choose your mood from 0 to 10.")})
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)


class StartWorksheetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Which worksheet?"), widget=forms.RadioSelect,
                             error_messages={"required": _("Choose a worksheet."),
                                             "invalid_choice": _("Choose a worksheet from the list.")})

    def __init__(self, *args, definitions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [(d.id, d.title) for d in definitions]


class AssignWorksheetForm(StartWorksheetForm):
    note = forms.CharField(label=_("A note for the client"), widget=_area(2), required=False,
                           help_text=_("For example which conversation to look at."))


def worksheet_form(defn: WorksheetDef, data=None, initial=None) -> forms.Form:
    """Build the form for one worksheet definition (fields in order, with their guidance)."""
    fields: dict[str, forms.Field] = {
        "title": forms.CharField(label=_("A short name for this worksheet"), required=False,
                                 help_text=_("Only you and your therapist see it."),
                                 widget=forms.TextInput(attrs={"autocomplete": "off"})),
    }
    for f in defn.fields:
        if f.type == "scale":
            fields[f.id] = forms.ChoiceField(label=f.label, help_text=f.help, required=False,
                                             choices=[("", _("Not chosen")), *MOOD_CHOICES],
                                             widget=forms.Select())
        elif f.type == "text":
            fields[f.id] = forms.CharField(label=f.label, help_text=f.help, required=False, strip=False,
                                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
        else:
            fields[f.id] = forms.CharField(label=f.label, help_text=f.help, required=False, strip=False,
                                           widget=_area(4))
    fields["version"] = forms.IntegerField(widget=forms.HiddenInput(attrs={"data-version": "1"}))
    fields["editor"] = forms.CharField(widget=forms.HiddenInput(), required=False)
    form_class = type("WorksheetForm", (forms.Form,), fields)
    return form_class(data=data, initial=initial)


class AssignReadingForm(forms.Form):
    topic = forms.ChoiceField(label=_("Reading"), error_messages={"required": _("Choose a reading from the list."),
                                                                  "invalid_choice": _("Choose a reading from the list.")})

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "topic").choices = [("", _("Choose…"))] + [(t.id, t.title) for t in topics]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=_area(3),
                             error_messages={"required": _("Write your answer first.")})


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Write to the client"), widget=_area(4),
                           error_messages={"required": _("Write your answer first.")},
                           help_text=_("The client reads this beside their work."))


class StartRehearsalForm(forms.Form):
    scenario = forms.ChoiceField(label=_("Which conversation?"), widget=forms.RadioSelect,
                                 error_messages={"required": _("Choose a conversation to practise."),
                                                 "invalid_choice": _("Choose a conversation from the list.")})
    person = forms.ChoiceField(label=_("Someone from your list of people"), required=False)
    name = forms.CharField(label=_("Their name, or what you call them"), required=False,
                           help_text=_("You can leave this empty."))
    relationship = forms.CharField(label=_("Who they are to you"), required=False,
                                   help_text=_("For example my husband, my mum, a friend."))
    situation = forms.CharField(label=_("What it is about, in your own words"), required=False, widget=_area(2),
                                help_text=_("For example “the washing up” or “moving to a new city”."))

    def __init__(self, *args, scenarios=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "scenario").choices = [(s["id"], s["title"]) for s in scenarios]
        if people:
            choice_field(self, "person").choices = [("", _("Nobody from the list"))] + [
                (str(p.get("id")), f"{p.get('name')} ({p.get('relationship')})" if p.get("relationship") else str(p.get("name")))
                for p in people]
        else:
            del self.fields["person"]


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Your message"), widget=_area(3, autocomplete="off"), strip=False,
                           error_messages={"required": _("Write a message first. Even a few words are fine.")})
    steps = forms.IntegerField(widget=forms.HiddenInput(), required=False)


class RehearsalAccessForm(forms.Form):
    enabled = forms.TypedChoiceField(label=_("Practice conversations"), coerce=lambda v: v == "on",
                                     choices=[("on", _("On")), ("off", _("Off"))], widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Why (only the team sees this)"), required=False, widget=_area(2))


class ReminderForm(forms.Form):
    reminders_enabled = forms.BooleanField(label=_("Send me reminders"), required=False)
    reminder_email = forms.BooleanField(label=_("Also send them by e-mail"), required=False)
    reminder_time = forms.TimeField(label=_("What time of day?"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                    error_messages={"required": _("Choose a time of day, like 18:00."),
                                                    "invalid": _("Choose a time of day, like 18:00.")})
    session_days_before = forms.TypedChoiceField(
        label=_("Remind me of a session"), coerce=int,
        choices=[("0", _("on the day")), ("1", _("the day before")), ("2", _("two days before")),
                 ("3", _("three days before"))])

    @staticmethod
    def initial_for(settings) -> dict:
        return {"reminders_enabled": settings.reminders_enabled, "reminder_email": settings.reminder_email,
                "reminder_time": settings.reminder_time or time(18, 0),
                "session_days_before": str(settings.session_days_before)}


class PartnerSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Use a language model as the practice partner"), required=False,
                                 help_text=_("Off: clients practise with the scripted partner, which needs no network."))
    url = forms.CharField(label=_("Address of the chat endpoint"), required=False,
                          help_text=_("Any OpenAI-compatible endpoint, for example https://llm.example.org/v1"))
    model_name = forms.CharField(label=_("Model name"), required=False)
    api_key = forms.CharField(label=_("Key"), required=False, widget=forms.PasswordInput(render_value=False,
                                                                                         attrs={"autocomplete": "off"}),
                              help_text=_("Leave empty to keep the key already saved. It is never shown again."))
    clear_key = forms.BooleanField(label=_("Remove the saved key"), required=False)
    timeout_seconds = forms.IntegerField(label=_("Time limit in seconds"), min_value=1, max_value=60,
                                         help_text=_("If the model is slower, the scripted partner answers instead."),
                                         error_messages={"required": _("Choose from 1 to 60 seconds."),
                                                         "min_value": _("Choose from 1 to 60 seconds."),
                                                         "max_value": _("Choose from 1 to 60 seconds."),
                                                         "invalid": _("Choose from 1 to 60 seconds.")})
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)
