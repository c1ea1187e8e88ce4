"""Working hours in words, for the move page and the Settings page."""

from __future__ import annotations

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openipt.today.queries import Hours

DAY_NAMES = tuple(
    gettext_lazy(name)
    for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
)


def _day_name(day: int) -> str:
    return str(DAY_NAMES[day])


def days_words(days: frozenset[int]) -> str:
    """ "Monday to Friday", "every day", or "Monday, Wednesday and Friday"."""
    ordered = sorted(days)
    if len(ordered) == 7:
        return _("every day")
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return _("%(first)s to %(last)s") % {"first": _day_name(ordered[0]), "last": _day_name(ordered[-1])}
    return str(get_text_list([_day_name(d) for d in ordered], _("and")))


def hours_words(hours: Hours) -> str:
    """ "Monday to Friday, 08:00 to 18:00"."""
    return _("%(days)s, %(start)s to %(end)s") % {
        "days": days_words(hours.days),
        "start": f"{hours.start_hour:02d}:00",
        "end": f"{hours.end_hour:02d}:00",
    }
