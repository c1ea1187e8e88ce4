"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import QueryDict

from openipt.core.errors import ActionError, ConflictError


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """Return the form's choice field `name`, to set its choices when the form is made.

    django-stubs types `form.fields[name]` as a plain Field, which has no `choices`.
    """
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"the field {name!r} is not a choice field")
    return field


def set_data(form: forms.BaseForm, name: str, value: int | str) -> None:
    """Put `value` under `name` in a bound form's data, which is shown again when the page comes back.

    The data of a request (a QueryDict) cannot be changed in place, so the form gets a changed copy;
    what the person typed in the other fields stays. A form with a prefix keeps the value under its prefixed name.
    """
    data: QueryDict | dict[str, Any] = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    data[form.add_prefix(name)] = str(value)
    form.data = data


def apply_action_error(form: forms.Form, exc: ActionError) -> None:
    """Show an action's refusal beside the field it concerns, or above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def save_versioned(form: forms.Form, action: Callable[[], Any], *, version_if_gone: int = 0) -> bool:
    """Run `action()` for a form that carries a `version`; return True when it saved.

    A refusal is put beside its field. When someone else saved first, the form says so and takes
    the saved version, so that what this person typed stays in the form and a second press of
    Save (after reading what changed) goes through.
    """
    try:
        action()
    except ConflictError as exc:
        form.add_error(None, exc.message)
        set_data(form, "version", exc.current.version if exc.current is not None else version_if_gone)
        return False
    except ActionError as exc:
        apply_action_error(form, exc)
        return False
    return True


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
