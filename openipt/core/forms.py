"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms

from openipt.core.errors import ActionError


def apply_action_error(form: forms.Form, exc: ActionError) -> None:
    """Show an action's refusal beside the field it concerns, or above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
