"""`{{ number|is_demo_number }}`: True for a number reserved for fiction (see openipt/safety/demo_numbers.py)."""

from django import template

from openipt.safety.demo_numbers import is_fictional

register = template.Library()


@register.filter
def is_demo_number(number) -> bool:
    return is_fictional(number if isinstance(number, str) else "")
