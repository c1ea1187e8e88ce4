"""Small template helpers used across apps."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """Return the current query string with some parameters replaced."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], column: str) -> str:
    """Return the query string that sorts by a column, toggling direction."""
    current = context.get("order", "")
    target = f"-{column}" if current == column else column
    params: QueryDict = context["request"].GET.copy()
    params["sort"] = target
    params.pop("page", None)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def sort_state(context: dict[str, Any], column: str) -> str:
    """Return the aria-sort value for a column header."""
    current = context.get("order", "")
    if current == column:
        return "ascending"
    if current == f"-{column}":
        return "descending"
    return "none"


@register.simple_tag
def submission_key() -> SafeString:
    """Render the hidden field that makes a form's submission happen once."""
    import uuid

    from django.utils.html import format_html

    from openipt.core.submissions import FIELD

    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4().hex)


@register.filter
def language_name(code: str) -> str:
    """The name of a client language ("English" for "en"); an unknown code is shown as it is."""
    from openipt.core.languages import LANGUAGE_NAMES

    return str(LANGUAGE_NAMES.get(code, code))
