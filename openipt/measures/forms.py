"""Forms of the measures pages: questionnaires, schedules, paper entry, settings, import and export."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openipt.core.forms import DateInput, choice_field
from openipt.measures import instruments
from openipt.measures.actions import AnswersError
from openipt.measures.models import Rule

BLANK = "blank"
SAFETY_BLANK = "safety_blank_confirmed"


class AnswersForm(forms.Form):
    """One radio group per item of an instrument.

    Clients must answer every scored item (the unscored PHQ-9/GAD-7 difficulty question is
    optional). Staff entering a paper form choose an answer or "Left blank" for every item.
    """

    def __init__(self, instrument, *args, staff: bool = False, initial_answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.staff = staff
        initial_answers = initial_answers or {}
        safety = {s.item for s in instrument.safety_items}
        self.item_choices: dict[str, list[tuple[str, str]]] = {}  # each item's radio options, as its field has them
        for item in instrument.items:
            choices = [(str(o.value), o.label) for o in item.options]
            if staff:
                choices.append((BLANK, _("Left blank")))
            self.item_choices[item.id] = choices
            required = staff or item.scored or item.id in safety
            self.fields[item.id] = forms.ChoiceField(
                label=item.text, choices=choices, required=required, widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer.") if not staff else
                                _("Choose an answer, or \"Left blank\" if there is none on the form."),
                                "invalid_choice": _("Choose one of the answers shown.")})
            value = initial_answers.get(item.id)
            if value is not None:
                self.initial[item.id] = str(value)
        if staff and safety:
            # Shown beside a safety question marked "Left blank", after the form asked for it again (HAZ-022).
            self.fields[SAFETY_BLANK] = forms.BooleanField(
                label=_("It really was left blank. Make me a task to ask the client about it."), required=False)

    def safety_blank_confirmed(self) -> bool:
        return bool(self.staff and self.cleaned_data.get(SAFETY_BLANK))

    def answers(self) -> dict[str, int | None]:
        """Return the answers as item id -> value (None for "left blank" or an unanswered optional item)."""
        out: dict[str, int | None] = {}
        for item in self.instrument.items:
            raw = self.cleaned_data.get(item.id)
            out[item.id] = None if raw in (None, "", BLANK) else int(raw)
        return out

    def partial_answers(self) -> dict[str, int]:
        """Return the answers present in the raw data that are valid options (for saving as the client goes)."""
        out = {}
        for item in self.instrument.items:
            raw = self.data.get(item.id)
            allowed = {str(o.value) for o in item.options}
            if raw in allowed:
                out[item.id] = int(raw)
        return out

    def apply(self, exc: AnswersError) -> None:
        for item_id, message in exc.errors.items():
            if item_id in self.fields:
                self.add_error(item_id, message)
            else:
                self.add_error(None, message)

    def rows(self):
        """Return what the template draws: each item with its radio options and errors."""
        total = len(self.instrument.items)
        safety = {s.item for s in self.instrument.safety_items}
        out = []
        for n, item in enumerate(self.instrument.items, start=1):
            bound = self[item.id]
            current = str(bound.value()) if bound.value() not in (None, "") else ""
            options = [{"value": value, "label": label, "checked": value == current,
                        "id": f"id_{item.id}_{i}"} for i, (value, label) in enumerate(self.item_choices[item.id])]
            confirm = self[SAFETY_BLANK] if item.id in safety and self.staff and current == BLANK else None
            out.append({"item": item, "field": bound, "options": options, "number": n, "total": total,
                        "optional": not bound.field.required, "safety": item.id in safety, "confirm": confirm})
        return out


def _parse_dates(text: str) -> list[date]:
    found = []
    for n, line in enumerate((text or "").replace(",", "\n").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            found.append(date.fromisoformat(line))
        except ValueError:
            raise forms.ValidationError(
                _("Line %(n)d, \"%(text)s\", is not a date. Write dates like 2026-03-14, one per line.")
                % {"n": n, "text": line[:20]}) from None
    return found


class ScheduleForm(forms.Form):
    instrument_code = forms.ChoiceField(label=gettext_lazy("Questionnaire"))
    rule = forms.ChoiceField(label=gettext_lazy("When"), choices=Rule.choices, widget=forms.RadioSelect,
                             initial=Rule.EVERY_SESSION)
    every_n = forms.IntegerField(label=gettext_lazy("Every how many sessions"), required=False, min_value=2,
                                 max_value=52, help_text=gettext_lazy("For \"Every few sessions\": 4 means sessions 4, 8, 12…"))
    at_start = forms.BooleanField(label=gettext_lazy("Also at session 1"), required=False)
    at_end = forms.BooleanField(label=gettext_lazy("Also at the last session of the contract"), required=False)
    dates = forms.CharField(label=gettext_lazy("Dates"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=gettext_lazy("For \"On set dates\": one date per line, like 2026-03-14."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "instrument_code").choices = [(i.code, f"{i.short_name} — {i.name}") for i in instruments.usable()]

    def clean_dates(self):
        return _parse_dates(self.cleaned_data.get("dates", ""))


class EnterForm(forms.Form):
    """The first part of a paper entry: which questionnaire, which session and when it was filled in."""

    instrument_code = forms.ChoiceField(label=gettext_lazy("Questionnaire"))
    session_number = forms.TypedChoiceField(label=gettext_lazy("Session"), coerce=int, empty_value=None, required=False)
    completed_on = forms.DateField(label=gettext_lazy("Date it was filled in"), widget=DateInput())

    def __init__(self, *args, sessions=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(partners) > 1:  # a couples course: whose form is this?
            self.fields["partner"] = forms.TypedChoiceField(
                label=gettext_lazy("Whose form is it?"), coerce=int, widget=forms.RadioSelect,
                choices=[(str(p.pk), p.display_name) for p in partners],
                error_messages={"required": gettext_lazy("Choose which partner filled in this form.")})
            self.order_fields(["partner"])
        choice_field(self, "instrument_code").choices = [
            (i.code, f"{i.short_name}{' ' + _('(clinician-rated)') if i.kind == 'clinician' else ''}")
            for i in instruments.usable()]
        choice_field(self, "session_number").choices = [("", _("Not tied to a session"))] + [
            (str(s.number), _("Session %(n)d (%(date)s)") % {
                "n": s.number, "date": formats.date_format(timezone.localtime(s.scheduled_start), "j M Y")})
            for s in sessions]


class SettingsForm(forms.Form):
    wait_sessions = forms.IntegerField(label=gettext_lazy("Sessions to wait before a not-on-track signal"),
                                       min_value=1, max_value=20,
                                       help_text=gettext_lazy("Some people improve only after several sessions. No amber "
                                                              "or red from the expected path shows before this session; "
                                                              "a reliable rise shows at once. Usually 4."))
    use_own_trajectories = forms.BooleanField(
        label=gettext_lazy("Use our own completed courses for the expected path when there are enough"), required=False)
    link_days = forms.IntegerField(label=gettext_lazy("Days a questionnaire link stays valid"), min_value=1, max_value=30)
    phq9_case_cutoff = forms.IntegerField(
        label=gettext_lazy("PHQ-9 score that counts as a case at the start"), min_value=5, max_value=20, required=False,
        help_text=gettext_lazy("Response, remission and recovery are only given for people who were a case at the "
                               "start. The usual cut-off is 10 (leave empty to keep the saved value)."))
    gad7_case_cutoff = forms.IntegerField(
        label=gettext_lazy("GAD-7 score that counts as a case at the start"), min_value=5, max_value=15, required=False,
        help_text=gettext_lazy("The usual cut-off is 8, as NHS Talking Therapies uses (leave empty to keep the saved value)."))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), required=False,
                           help_text=gettext_lazy("A FHIR R4 QuestionnaireResponse in JSON, a Bundle of them, or NDJSON "
                                                  "(one response per line). Up to 20 MB."))
    text = forms.CharField(label=gettext_lazy("Or paste the JSON"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file, or paste the JSON."))
        return data

    def content(self) -> bytes | str:
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read(20 * 1024 * 1024 + 1)
        return self.cleaned_data["text"]


class IdentifiableForm(forms.Form):
    """Asked before an export with names and dates of birth: a reason, recorded in the audit log."""

    reason = forms.CharField(label=gettext_lazy("Why names and dates of birth are needed"), max_length=300,
                             help_text=gettext_lazy("Recorded in the audit log with the export."))
    confirm = forms.BooleanField(label=gettext_lazy("I need identifiable data and will keep the file safe"))


class VersionForm(forms.Form):
    """A site's validated questionnaire translation, as a file (docs/guides/languages.md)."""

    file = forms.FileField(label=gettext_lazy("Translation file (YAML)"), help_text=gettext_lazy(
        "The file your licence holder's translation is written in, with its source, licence and validation study. "
        "Up to 1 MB."))
    replace = forms.BooleanField(label=gettext_lazy("Replace the version of this language already installed"),
                                 required=False)

    def text(self) -> str | None:
        """The file's words, or None (with the error on the field) when it is too big or not UTF-8."""
        raw = self.cleaned_data["file"].read(1024 * 1024 + 1)
        if len(raw) > 1024 * 1024:
            self.add_error("file", _("The file is bigger than 1 MB."))
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.add_error("file", _("The file is not UTF-8 text."))
            return None
