"""Carry out a form submission once, however many times it is sent.

Forms that create something carry a random key (the `{% submission_key %}`
tag). The first request with a key does the work and remembers where it led;
a repeat (a double click, a resend after a dropped connection) is sent to the
same place instead of doing the work again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from openipt.core.models import Submission

FIELD = "submission_key"
T = TypeVar("T")


def previous_result(request: HttpRequest) -> str | None:
    """Return where an earlier identical submission led, if there was one."""
    key = (request.POST.get(FIELD) or "")[:64]
    if not key or not request.user.is_authenticated:
        return None
    return Submission.objects.filter(user_id=request.user.pk, key=key).values_list("redirect_to", flat=True).first()


def run_once(request: HttpRequest, work: Callable[[], tuple[T, str]]) -> tuple[T | None, str | None]:
    """Run `work` (returning a result and the address to go to) unless this submission already ran.

    Returns (result, None) the first time and (None, address) for a repeat.
    """
    earlier = previous_result(request)
    if earlier is not None:
        return None, earlier
    key = (request.POST.get(FIELD) or "")[:64]
    try:
        with transaction.atomic():
            result, address = work()
            if key and request.user.is_authenticated:
                with transaction.atomic():
                    Submission.objects.create(user_id=request.user.pk, key=key, redirect_to=address[:300])
    except IntegrityError:
        earlier = previous_result(request)
        if earlier is None:
            raise
        return None, earlier
    return result, None
