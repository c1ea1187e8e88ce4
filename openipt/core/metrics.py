"""Metrics an operator can scrape: `/metrics` in the Prometheus text format.

What is measured:

- `openipt_request_seconds`: a histogram of how long each request took, per route name (the URL pattern's
  name, never the address itself, so no record number appears) and method. Counted in each worker process
  since it started; the `process` label tells the processes apart (see docs/operations/production.md).
- gauges read from the database when scraped: registered with `add_gauge` by the app that owns the data
  (core: the task queue's depth and its oldest waiting task, the escalation runner's heartbeat; safety: how
  late the most overdue escalation step is). A gauge that fails to read is left out of that scrape and
  counted in `openipt_metrics_gauge_errors`.

Who may read it: a scraper that sends `Authorization: Bearer <OPENIPT_METRICS_TOKEN>`, or one whose own
address (the connection's, never a forwarded header) is in `OPENIPT_METRICS_ALLOWED_IPS`. With neither
set, `/metrics` is switched off and answers 404. No metric carries a name, a record number or any words
a person wrote.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponseBase
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from openipt.core import events, heartbeat

log = logging.getLogger("openipt.metrics")

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

Labels = tuple[tuple[str, str], ...]
GaugeValue = float | None | list[tuple[dict[str, str], float]]


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    read: Callable[[], GaugeValue]


GAUGES: dict[str, Gauge] = {}


def add_gauge(name: str, help_text: str, read: Callable[[], GaugeValue]) -> None:
    """Register a gauge read at each scrape: a number, None (left out), or [(labels, number), ...]."""
    GAUGES[name] = Gauge(name, help_text, read)


class Histogram:
    """A thread-safe latency histogram keyed by labels, kept in this process."""

    def __init__(self, buckets: tuple[float, ...] = BUCKETS) -> None:
        self.buckets = buckets
        self._lock = threading.Lock()
        self._series: dict[Labels, list[float]] = {}  # bucket counts..., +Inf count, sum

    def observe(self, labels: Labels, seconds: float) -> None:
        with self._lock:
            series = self._series.get(labels)
            if series is None:
                series = self._series[labels] = [0.0] * (len(self.buckets) + 2)
            for i, bound in enumerate(self.buckets):
                if seconds <= bound:
                    series[i] += 1
            series[-2] += 1
            series[-1] += seconds

    def snapshot(self) -> dict[Labels, list[float]]:
        with self._lock:
            return {labels: list(values) for labels, values in self._series.items()}

    def clear(self) -> None:
        with self._lock:
            self._series.clear()


REQUESTS = Histogram()


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(pairs: Labels | list[tuple[str, str]]) -> str:
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in pairs) + "}" if pairs else ""


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def render() -> str:
    """The exposition text: the request histogram, then every registered gauge."""
    process = str(os.getpid())
    lines = [
        "# HELP openipt_request_seconds Time to answer a request, per route name and method, in this process.",
        "# TYPE openipt_request_seconds histogram",
    ]
    for labels, values in sorted(REQUESTS.snapshot().items()):
        base = [*labels, ("process", process)]
        for bound, count in zip((*REQUESTS.buckets, math.inf), values[:-1], strict=True):
            lines.append(
                f"openipt_request_seconds_bucket{_labels([*base, ('le', _number(bound))])} {_number(count)}"
            )
        lines.append(f"openipt_request_seconds_count{_labels(base)} {_number(values[-2])}")
        lines.append(f"openipt_request_seconds_sum{_labels(base)} {_number(values[-1])}")
    errors = 0
    for gauge in sorted(GAUGES.values(), key=lambda g: g.name):
        try:
            value = gauge.read()
        except Exception:  # noqa: BLE001 - one broken gauge must not hide the others
            log.exception("metrics: the gauge %s could not be read", gauge.name)
            errors += 1
            continue
        if value is None:
            continue
        lines += [f"# HELP {gauge.name} {gauge.help}", f"# TYPE {gauge.name} gauge"]
        if isinstance(value, list):
            lines += [f"{gauge.name}{_labels(sorted(labels.items()))} {_number(v)}" for labels, v in value]
        else:
            lines.append(f"{gauge.name} {_number(value)}")
    lines += [
        "# HELP openipt_metrics_gauge_errors Gauges that could not be read in this scrape.",
        "# TYPE openipt_metrics_gauge_errors gauge",
        f"openipt_metrics_gauge_errors {errors}",
    ]
    return "\n".join(lines) + "\n"


class MetricsMiddleware:
    """Time every request and count it under its route name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.view_name or "unnamed") if match is not None else "unmatched"
        method = (
            request.method if request.method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD") else "other"
        )
        REQUESTS.observe((("method", method), ("route", route[:100])), time.perf_counter() - started)
        return response


def enabled() -> bool:
    """Whether an operator set a token or addresses for /metrics."""
    return bool(getattr(settings, "METRICS_TOKEN", "") or getattr(settings, "METRICS_ALLOWED_IPS", ()))


def allowed(request: HttpRequest) -> bool:
    """Whether this request may read the metrics: the right bearer token, or a connection from an allowed address."""
    token = str(getattr(settings, "METRICS_TOKEN", "") or "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and isinstance(header, str) and header.startswith("Bearer "):
        if hmac.compare_digest(header[7:].strip().encode("utf-8", "replace"), token.encode("utf-8")):
            return True
    networks = getattr(settings, "METRICS_ALLOWED_IPS", ()) or ()
    try:
        remote = ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")).strip())
    except ValueError:
        return False
    for network in networks:
        try:
            if remote in ipaddress.ip_network(network, strict=False):
                return True
        except (ValueError, TypeError):
            continue
    return False


def _queue_depth() -> GaugeValue:
    counts = {"waiting": 0, "running": 0}
    for status, n in (
        DBTaskResult.objects.filter(status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING))
        .values_list("status")
        .annotate(n=Count("id"))
    ):
        counts["waiting" if status == TaskResultStatus.READY else "running"] = n
    return [({"state": state}, float(n)) for state, n in counts.items()]


def _escalation_heartbeat_age() -> GaugeValue:
    return heartbeat.age_seconds(heartbeat.ESCALATION)


def register_core_gauges() -> None:
    """The gauges core owns (called from CoreConfig.ready)."""
    add_gauge(
        "openipt_task_queue_depth",
        "Tasks in the database queue, waiting (due now or later) or running.",
        _queue_depth,
    )
    add_gauge(
        "openipt_event_listener_failures",
        "Errors in event listeners (such as recording a webhook message) since this process started; the "
        "action that emitted went on.",
        lambda: float(events.FAILURES["count"]),
    )
    add_gauge(
        "openipt_escalation_heartbeat_age_seconds",
        "Seconds since the escalation runner last finished a round (absent if it never has).",
        _escalation_heartbeat_age,
    )
