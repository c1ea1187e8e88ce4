"""The form that moves a session to a free slot of the week, or to another day and time."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from openipt.core.forms import DateInput
from openipt.courses.forms import TimeInput

OTHER = "other"


def slot_choices(slots) -> list:
    """Free slots grouped by day: [("Monday 7 December", [(iso, "08:00"), ...]), ...]."""
    days: dict[str, list] = {}
    for start in slots:
        local = timezone.localtime(start)
        days.setdefault(formats.date_format(local, "l j F"), []).append((start.isoformat(), f"{local:%H:%M}"))
    return list(days.items())


def parse_slot(value: str) -> datetime | None:
    try:
        start = datetime.fromisoformat(str(value)[:40])
    except ValueError:
        return None
    return start if timezone.is_aware(start) else None


class SlotField(forms.ChoiceField):
    """A free slot: one of those listed, or any other exact time sent back (the action checks it)."""

    default_error_messages = {"invalid_choice": _("Choose one of the free times, or another day and time.")}

    def valid_value(self, value):
        return value == OTHER or parse_slot(value) is not None


class MoveForm(forms.Form):
    slot = SlotField(label=_("New time"), widget=forms.RadioSelect)
    date = forms.DateField(label=_("Another day"), required=False, widget=DateInput())
    time = forms.TimeField(label=_("Another time"), required=False, widget=TimeInput())
    version = forms.IntegerField(widget=forms.HiddenInput())

    def __init__(self, *args, slots=(), hours_words: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        choices = slot_choices(slots)
        slot_field = self.fields["slot"]
        assert isinstance(slot_field, forms.ChoiceField)
        slot_field.choices = [*choices, (OTHER, _("Another day and time (fill in below)"))]
        self.fields["slot"].help_text = (
            _("Free times this week for a session of the same length, within working hours (%(hours)s).")
            % {"hours": hours_words}
            if choices else _("No free time is left this week within working hours (%(hours)s): choose another day "
                              "and time.") % {"hours": hours_words})

    def clean(self):
        data = super().clean() or {}
        if data.get("slot") == OTHER and not self.errors and not (data.get("date") and data.get("time")):
            self.add_error("date", _("Choose a day and a time, or pick one of the free times above."))
        return data

    def when(self) -> datetime:
        slot = self.cleaned_data["slot"]
        if slot != OTHER:
            parsed = parse_slot(slot)
            if parsed is not None:  # always: the field accepts only the listed slots
                return parsed
            raise ValueError(f"not a slot: {slot!r}")
        return timezone.make_aware(datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


HOUR_ERRORS = {"required": _("Choose an hour from the list."), "invalid_choice": _("Choose an hour from the list.")}


class WorkingHoursForm(forms.Form):
    """The days and hours the week calendar offers free slots in, for the whole organisation."""

    days = forms.TypedMultipleChoiceField(
        label=_("Working days"), coerce=int, widget=forms.CheckboxSelectMultiple,
        choices=[(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
                 (5, _("Saturday")), (6, _("Sunday"))],
        error_messages={"required": _("Choose at least one working day."),
                        "invalid_choice": _("Choose days from the list.")})
    start_hour = forms.TypedChoiceField(label=_("First session starts at"), coerce=int,
                                        choices=[(h, f"{h:02d}:00") for h in range(24)], error_messages=HOUR_ERRORS)
    end_hour = forms.TypedChoiceField(label=_("Last session ends by"), coerce=int,
                                      choices=[(h, f"{h:02d}:00") for h in range(1, 25)], error_messages=HOUR_ERRORS,
                                      help_text=_("A free time is offered only if the whole session fits before "
                                                  "this hour."))
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)
