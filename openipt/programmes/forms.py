"""The dashboard's filters, the report form and the programme settings form."""

from __future__ import annotations

import html
from calendar import monthrange
from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from openipt.accounts.models import SiteKind
from openipt.programmes.actions import RANGES

ALL = ""

# Dates outside these years are refused: far-off years overflow date arithmetic and mean nothing here.
FIRST_YEAR, LAST_YEAR = 1900, 9000
YEARS_MESSAGE = gettext_lazy("Choose a date between the years 1900 and 9000.")


def last_day(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last three whole calendar months, this one included (to its last day)."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _ in range(2):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, last_day(today)


def _esc(value: object) -> str:
    """The text escaped as Django's `escape` does it (which is this), without its check for lazy strings: the
    filter lists escape a few hundred names per page."""
    return html.escape(str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """HTML attributes as Django's `django/forms/widgets/attrs.html` writes them."""
    return "".join(
        f" {_esc(name)}" if value is True else f' {_esc(name)}="{_esc(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """Django's select widget, drawn in Python instead of a template per option.

    The dashboard's filters list up to a few hundred facilitators and groups; drawing each option through its
    own template took about a third of a supervisor's dashboard (bench/results/latest-programme.md). The HTML is
    the same as `forms.Select` writes (tests/programmes/test_pages.py checks it option for option)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if any(isinstance(label, list | tuple) for _value, label in self.choices):
            return self._render_grouped(name, value, attrs)
        # the plain widget's context (name, attributes, chosen values) without one dict per option
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen, found = set(widget["value"]), False
        parts = [f'<select name="{_esc(widget["name"])}"{_attrs(widget["attrs"])}>']
        for option_value, label in self.choices:
            shown = "" if option_value is None else str(option_value)
            selected = not found and shown in chosen  # as Django's: only the first option with the value
            found = found or selected
            parts.append(f'\n  <option value="{_esc(shown)}"{" selected" if selected else ""}>{_esc(label)}</option>\n')
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

    def _render_grouped(self, name: str, value: Any, attrs: dict[str, Any] | None) -> SafeString:
        """Choices in option groups: drawn from Django's own context (the dashboard's lists have none)."""
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_esc(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_esc(group_name)}">')
            for option in options:
                parts.append(f'\n  <option value="{_esc(option["value"])}"{_attrs(option["attrs"])}>'
                             f'{_esc(option["label"])}</option>\n')  # the option template's own newline
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class FilterForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=gettext_lazy("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "Whole calendar months: the period runs from the first day of the first month to the last day of the last."
        ),
    )
    facilitator = forms.TypedChoiceField(
        label=gettext_lazy("Facilitator"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    group = forms.TypedChoiceField(label=gettext_lazy("Group"), required=False, coerce=int, empty_value=None,
                                   widget=QuickSelect)
    cohort = forms.TypedChoiceField(
        label=gettext_lazy("Group programme"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    site = forms.TypedChoiceField(label=gettext_lazy("Site"), required=False, coerce=int, empty_value=None,
                                  widget=QuickSelect)

    field_order = ["start", "end", "site", "facilitator", "group", "cohort"]

    def __init__(self, data: Any, *, options: dict[str, list[tuple[int, str]]]) -> None:
        start, end = default_period()
        values = {"start": start.isoformat(), "end": end.isoformat()}
        values.update(
            {k: v for k, v in (data or {}).items() if k in ("start", "end", "site", "facilitator", "group", "cohort")}
        )
        super().__init__(values)
        everyone = [(ALL, gettext_lazy("All"))]
        cast(forms.ChoiceField, self.fields["facilitator"]).choices = everyone + [
            (str(pk), name) for pk, name in options["facilitators"]
        ]
        cast(forms.ChoiceField, self.fields["group"]).choices = everyone + [
            (str(pk), name) for pk, name in options["groups"]
        ]
        cast(forms.ChoiceField, self.fields["cohort"]).choices = everyone + [
            (str(pk), name) for pk, name in options["cohorts"]
        ]
        cast(forms.ChoiceField, self.fields["site"]).choices = everyone + [
            (str(pk), name) for pk, name in options.get("sites", [])
        ]

    def _in_years(self, name: str) -> date:
        value: date = self.cleaned_data[name]
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(YEARS_MESSAGE)
        return value

    def clean_start(self) -> date:
        """Whole calendar months only: the start moves to the first day of its month."""
        start = self._in_years("start").replace(day=1)
        self.data = {**self.data, "start": start.isoformat()}
        return start

    def clean_end(self) -> date:
        """Whole calendar months only: the end moves to the last day of its month."""
        end = last_day(self._in_years("end"))
        self.data = {**self.data, "end": end.isoformat()}
        return end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", gettext_lazy("The end of the period comes before its start."))
            elif (end - start).days > 3 * 366:
                self.add_error("end", gettext_lazy("Choose a period of three years or less."))
        return data


class ReportForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
        help_text=gettext_lazy("Written year-month, for example 2026-11."),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("csv", gettext_lazy("CSV (a spreadsheet)")),
            ("dhis2", gettext_lazy("DHIS2 dataValueSet (JSON)")),
        ],
    )
    site = forms.TypedChoiceField(
        label=gettext_lazy("Site"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("One site's figures, sent under its own DHIS2 code; or the whole organisation."),
    )

    def __init__(self, data: Any = None, *, sites: list[tuple[int, str]] | None = None) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["site"]).choices = [(ALL, gettext_lazy("All sites"))] + [
            (str(pk), name) for pk, name in (sites or [])
        ]

    def clean_month(self) -> date:
        raw = self.cleaned_data["month"].strip()
        try:
            year, month = (int(part) for part in raw.split("-"))
            month_start = date(year, month, 1)
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(
                gettext_lazy("Write the month as year-month, for example 2026-11.")
            ) from error
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise forms.ValidationError(gettext_lazy("Choose a month between the years 1900 and 9000."))
        return month_start


class SettingsForm(forms.Form):
    min_sessions = forms.IntegerField(
        label=gettext_lazy("Group sessions that count as attending"),
        min_value=RANGES["min_sessions"][0],
        max_value=RANGES["min_sessions"][1],
        help_text=gettext_lazy(
            'A member counts in the cascade\'s "attended the minimum" step from this many '
            "sessions. The default, 2, is the NHS Talking Therapies rule for a finished course."
        ),
    )
    suppress_below = forms.IntegerField(
        label=gettext_lazy("Hide counts of people below"),
        min_value=RANGES["suppress_below"][0],
        max_value=RANGES["suppress_below"][1],
        error_messages={
            "min_value": gettext_lazy(
                "Hide counts below 3 at least: with a smaller number, counts of one or two people would show."
            )
        },
        help_text=gettext_lazy(
            'Counts from 1 up to this number less one show as "<5" (for 5), so no one can be '
            "recognised from a small number. At least 3; usually 5."
        ),
    )
    attendance_target = forms.IntegerField(
        label=gettext_lazy("Attendance target (%)"), min_value=0, max_value=100
    )
    fidelity_target = forms.IntegerField(
        label=gettext_lazy("Fidelity target (mean %)"), min_value=0, max_value=100
    )
    checks_missed_target = forms.IntegerField(
        label=gettext_lazy("Most questionnaires missed (%)"), min_value=0, max_value=100
    )
    ack_minutes_target = forms.IntegerField(
        label=gettext_lazy("Most minutes to acknowledge a risk alert (median)"), min_value=1, max_value=10080
    )
    dhis2_org_unit = forms.CharField(
        label=gettext_lazy("DHIS2 organisation unit code"), max_length=50, required=False
    )
    dhis2_data_set = forms.CharField(
        label=gettext_lazy("DHIS2 data set code (optional)"), max_length=50, required=False
    )
    dhis2_mapping = forms.CharField(
        label=gettext_lazy("DHIS2 data element codes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "One indicator a line: the indicator, =, the data element code, and optionally a colon "
            "and a category option combo code. For example: enrolled = IPT_ENROLLED"
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SiteForm(forms.Form):
    """A site's name, kind, time zone, report code and whether it is in use."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of place"), choices=SiteKind.choices)
    time_zone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        initial="UTC",
        help_text=gettext_lazy("A name such as Africa/Kampala. Groups set up in this site meet at their times here."),
    )
    report_code = forms.CharField(
        label=gettext_lazy("DHIS2 organisation unit code (optional)"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("The monthly DHIS2 report for this site is sent under this code."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PlaceStaffForm(forms.Form):
    staff = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Staff in this site"),
        coerce=int,
        required=False,
        help_text=gettext_lazy(
            "Those chosen see only this site's clients and groups (and those with no site). Those not chosen "
            "go back to no site. Admins are never limited."
        ),
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["staff"]).choices = choices


class PlaceGroupsForm(forms.Form):
    groups = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Groups in this site"), coerce=int, required=False,
        help_text=gettext_lazy("Those not chosen go back to no site."),
    )
    with_members = forms.BooleanField(
        label=gettext_lazy("Put these groups' members in this site too"), required=False, initial=True
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["groups"]).choices = choices


class PlaceClientsForm(forms.Form):
    record_numbers = forms.CharField(
        label=gettext_lazy("Record numbers of clients to put in this site"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=100_000,
        help_text=gettext_lazy("One or more record numbers, separated by spaces, commas or new lines."),
    )

    def numbers(self) -> list[str]:
        raw: str = self.cleaned_data["record_numbers"]
        return [part for part in raw.replace(",", " ").replace(";", " ").split() if part]
