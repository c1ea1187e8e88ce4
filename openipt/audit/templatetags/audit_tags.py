"""Audit events in words on any page: `{{ event.event_type|event_label }}`."""

from django import template

from openipt.audit import present

register = template.Library()


@register.filter
def event_label(code: str) -> str:
    return present.label(code)
