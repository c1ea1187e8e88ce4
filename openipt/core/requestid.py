"""The request id: one short token that ties together every log line a request causes.

`RequestIdMiddleware` (first in the middleware list) takes the id a proxy sent in `X-Request-ID` when it
is safe (1 to 64 letters, digits, `-`, `_` or `.`), or makes a new one, keeps it for the request
(`openipt.core.logs`, which puts it on every log record), and returns it in the response's `X-Request-ID`.

Tasks: when a request (or a runner round) queues a task on a backend that runs it later (the database
queue), the id is stored beside the task's id (`core.TaskRequest`), and the worker sets it again when it
starts the task, so the worker's log lines carry the id of the request that caused them. A backend that
runs the task at once (tests) runs it inside the request, where the id is already set.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django_tasks.signals import task_enqueued, task_finished, task_started

from openipt.core import logs
from openipt.core.models import TaskRequest

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
MAX_LENGTH = 64
SAFE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def accepted(value: object) -> str | None:
    """The id a client or proxy sent, if it is safe to log and repeat; None otherwise."""
    if not isinstance(value, str) or len(value) > MAX_LENGTH:
        return None
    return value if SAFE.fullmatch(value) else None


class RequestIdMiddleware:
    """Give every request an id, return it in `X-Request-ID` and put it on every log line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with logs.bound(accepted(request.META.get(META_KEY))) as request_id:
            request.request_id = request_id  # type: ignore[attr-defined]  # for views that report it
            response = self.get_response(request)
            response[HEADER] = request_id
            return response


def remember_for_task(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """On enqueue: keep the current id beside a task that will run later, in another process."""
    request_id = logs.current()
    if request_id is None or not getattr(sender, "supports_defer", False):
        return
    TaskRequest.objects.bulk_create(
        [TaskRequest(task_id=str(task_result.id)[:64], request_id=request_id)], ignore_conflicts=True
    )


_task_tokens: dict[str, contextvars.Token[str | None]] = {}


def restore_for_task(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """On start: a task run later by the worker takes the id of the request that queued it (or a new one)."""
    if logs.current() is not None:  # run at once, inside the request that queued it
        return
    task_id = str(task_result.id)[:64]
    stored = TaskRequest.objects.filter(task_id=task_id).values_list("request_id", flat=True).first()
    _task_tokens[task_id] = logs.set_current(stored or logs.new_id())


def forget_for_task(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """On finish: the worker's next task starts without this one's id."""
    token = _task_tokens.pop(str(task_result.id)[:64], None)
    if token is not None:
        logs.reset(token)


def connect_task_signals() -> None:
    """Connect the three handlers above to django-tasks' signals (called once, from CoreConfig.ready)."""
    task_enqueued.connect(remember_for_task, dispatch_uid="openipt-request-id-enqueued")
    task_started.connect(restore_for_task, dispatch_uid="openipt-request-id-started")
    task_finished.connect(forget_for_task, dispatch_uid="openipt-request-id-finished")
