"""Log records as JSON lines, each carrying the id of the request (or task, or runner round) it belongs to.

`RequestIdFilter` puts `request_id` on every record ("-" outside a request) and `JsonFormatter` writes one
JSON object per line: time, level, logger, message, request id, any `extra=` fields and a traceback. The
settings use them for every handler (`OPENIPT_LOG_FORMAT=json`, the default in production; `plain` writes
the same fields as text). This module imports no models: logging is set up before Django's apps are.

Log lines never carry clinical data: messages name records by their number, never by their content, and
the formatter writes only the record's own fields (no request body, no query string, no form value).
"""

from __future__ import annotations

import contextvars
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("openipt_request_id", default=None)


def new_id() -> str:
    """A fresh request id: 32 hexadecimal characters."""
    return uuid.uuid4().hex


def current() -> str | None:
    """The id of the request (or task, or runner round) being handled, if any."""
    return _current.get()


def set_current(value: str | None) -> contextvars.Token[str | None]:
    """Set the id and return the token that puts the previous one back (`reset`)."""
    return _current.set(value)


def reset(token: contextvars.Token[str | None]) -> None:
    """Put back the id that was current before `set_current` returned `token`."""
    _current.reset(token)


@contextmanager
def bound(request_id: str | None) -> Iterator[str]:
    """Set the id for the code inside (a new one when None is given), and put the previous one back after."""
    value = request_id or new_id()
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Add `request_id` to every record ("-" when no request, task or round is being handled)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get() or "-"
        return True


# Attributes every LogRecord has; anything else on a record was passed with `extra=` and is written too.
_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _current.get() or "-",
        }
        for key, value in vars(record).items():
            # Plain values only: an object's repr can carry what the log must not (Django's `request`
            # extra shows the query string, where a search may hold a name).
            if key not in _STANDARD and key not in entry and isinstance(value, str | int | float | bool | None):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
