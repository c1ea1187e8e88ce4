"""Forms for client records."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from openipt.clients.models import ClientStatus, Sex
from openipt.core.forms import DateInput, choice_field
from openipt.core.languages import CLIENT_LANGUAGES


class ClientForm(forms.Form):
    """A client's details."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    preferred_name = forms.CharField(
        label=_("Preferred name"), max_length=100, required=False, help_text=_("What they like to be called.")
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, required=False,
        help_text=_("Only used where a questionnaire has different cut-offs by sex."),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=CLIENT_LANGUAGES, initial="en")
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and (value > date.today() or value.year < 1900):
            raise forms.ValidationError(_("Enter a real date of birth in the past."))
        return value

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        if value and not all(ch.isdigit() or ch in " +-()." for ch in value):
            raise forms.ValidationError(_("Use digits, spaces and + - ( ) only."))
        return value


class NewClientForm(ClientForm):
    """A new client's details, with an optional record number."""

    record_number = forms.CharField(
        label=_("Record number"), max_length=20, required=False,
        help_text=_("Leave blank to get a new pseudonymous number."),
    )
    field_order = ["given_name", "family_name", "preferred_name", "record_number"]

    def clean_record_number(self):
        value = self.cleaned_data.get("record_number", "").strip().upper()
        if value and not all(ch.isalnum() or ch in "-_/" for ch in value):
            raise forms.ValidationError(_("Use letters, digits and - _ / only."))
        return value


class EditClientForm(ClientForm):
    """Existing details, with the version they were read at (to detect a second editor)."""

    version = forms.IntegerField(widget=forms.HiddenInput())


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ClientStatus.choices)


class AssignForm(forms.Form):
    staff = forms.TypedChoiceField(label=_("Add a member of staff"), coerce=int)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "staff").choices = [(m.pk, f"{m.user} ({m.get_role_display()})") for m in staff]


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name, record number, e-mail or phone"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ClientStatus.choices]
    )


class ImportUploadForm(forms.Form):
    """Choose what a spreadsheet holds and upload it."""

    kind = forms.ChoiceField(
        label=_("What is in the file?"), widget=forms.RadioSelect,
        choices=[("clients", _("Clients: one client in each row")),
                 ("staff", _("Staff: one person to invite in each row"))],
    )
    file = forms.FileField(
        label=_("CSV file"), help_text=_("Save your spreadsheet as CSV (UTF-8 is best). Up to 500 rows and 1 MB."),
        error_messages={"required": _("Choose the CSV file to upload."),
                        "empty": _("This file is empty. Choose the CSV file with your rows.")},
    )


class RecordExportForm(forms.Form):
    """Used with prefix "export": the record page shows it beside the erase form, and both have a reason."""

    reason = forms.CharField(
        label=_("Why is the whole record being exported?"), max_length=500,
        help_text=_("For the audit log. For example: the client asked for a copy of their record."),
    )


class RecordEraseForm(forms.Form):
    """Used with prefix "erase" (see RecordExportForm)."""

    confirm_name = forms.CharField(
        label=_("Type the client's full name"), max_length=210,
        help_text=_("This makes sure you are erasing the right record."),
    )
    reason = forms.CharField(
        label=_("Why is the record being erased?"), max_length=500,
        help_text=_("Kept with the erasure notice on this record, not in the audit log. Do not name the "
                    "client or anyone else here: write why, for example \"retention period passed\"."),
    )


class RetentionForm(forms.Form):
    years = forms.IntegerField(
        label=_("Years to keep a record after the last contact"), min_value=1, max_value=100, required=False,
        help_text=_("Leave empty to keep every record."),
    )
