"""Measure OpenIPT's pages inside one process, against one freshly built database.

bench/run.py starts one process per data size and calls `build_and_measure`
there. This module also holds what both sides share: the `Scenario` that the
modules in bench/scenarios/ return, the statistics, and the Markdown report.

A page is requested with Django's test Client in the same process: no network
and no web server, so the time is the server's own work (middleware, queries,
templates). For each scenario: warm-up requests, then one request that counts
SQL queries, one that measures peak Python memory with tracemalloc, then
`repeat` timed requests whose median and 95th percentile are reported. A scenario that downloads the whole
organisation's data (`download=True`: the CSV and NDJSON exports, tens of seconds each at 100,000 clients) gets no
warm-up and at most DOWNLOAD_REPEAT timed requests: its figure is a rate, not a page time, and 35 requests of each
export were most of a 100,000-client run's 40 minutes.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass

SCENARIO_PACKAGE = "bench.scenarios"
CLINICIAN_ROLES = ("therapist", "supervisor", "facilitator")
DOWNLOAD_REPEAT = 3  # timed requests of a whole-organisation download (see the module's docstring)
P95_TARGET_MS = 50.0  # quality.md: clinician pages p95 <= 50 ms
DATABASE_NOTES = {
    "postgresql": "A fresh database per size on the server named by DATABASE_URL; `VACUUM ANALYZE` after "
    "generating the data, as autovacuum would do shortly after a bulk load.",
    "sqlite": "A fresh SQLite file per size under var/bench/ (WAL mode, as in production); no `ANALYZE`, "
    "because nothing in OpenIPT runs it, so the query planner has no statistics.",
}


@dataclass(frozen=True)
class Scenario:
    """One page or operation to measure, requested as one membership."""

    name: str
    membership: object
    path: str
    method: str = "GET"
    data: dict | None = None
    headers: dict | None = None  # sent with every request, e.g. an API token's Authorization
    download: bool = False  # the whole organisation's data: no warm-up, at most DOWNLOAD_REPEAT timed requests


class UnexpectedAnswer(Exception):
    """A scenario's page did not answer the way a working page does."""


def percentile(values: list[float], fraction: float) -> float:
    """Return the value at `fraction` (0 to 1) of the sorted values, interpolating between neighbours."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def discover(world, package: str = SCENARIO_PACKAGE, only: tuple[str, ...] = ()) -> tuple[list[tuple[str, Scenario]], list[str]]:
    """Import every scenario module (or those named in `only`) and collect (module, scenario) pairs.

    Problems are listed, not raised."""
    found: list[tuple[str, Scenario]] = []
    problems: list[str] = []
    names: set[str] = set()
    root = importlib.import_module(package)
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or (only and info.name not in only):
            continue
        module_name = f"{package}.{info.name}"
        try:
            module = importlib.import_module(module_name)
            made = list(module.scenarios(world))
        except Exception as exc:  # noqa: BLE001 - one broken module must not hide the others' figures
            problems.append(f"{module_name}: {type(exc).__name__}: {exc}")
            continue
        for scenario in made:
            if not isinstance(scenario, Scenario):
                problems.append(f"{module_name}: returned {scenario!r}, not a bench.harness.Scenario")
            elif scenario.name in names:
                problems.append(f"{module_name}: the scenario name {scenario.name!r} is already used")
            else:
                names.add(scenario.name)
                found.append((info.name, scenario))
    return found, problems


def _send(browser, scenario: Scenario):
    method = scenario.method.upper()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (scenario.headers or {}).items()}
    if method == "GET":
        response = browser.get(scenario.path, scenario.data or {}, **extra)
    else:
        response = getattr(browser, method.lower())(scenario.path, scenario.data or {}, **extra)
    # Reading a streamed body is part of the work the server does for the request.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if (method == "GET" and response.status_code != 200) or response.status_code >= 400:
        where = f" to {response['Location']}" if response.has_header("Location") else ""
        raise UnexpectedAnswer(f"answered {response.status_code}{where}")
    return response, len(body)


def measure(scenario: Scenario, *, repeat: int, warmup: int) -> dict:
    """Request one scenario and return its timings, query count, sizes and peak memory."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.support.people import login

    membership = scenario.membership
    result = {
        "name": scenario.name,
        "role": str(getattr(membership, "role", "")),
        "user": membership.user.username,
        "method": scenario.method.upper(),
        "path": scenario.path,
    }
    if scenario.download:
        warmup, repeat = 0, min(repeat, DOWNLOAD_REPEAT)
    result["timed"] = repeat
    browser = Client()
    login(browser, membership)
    try:
        for _ in range(warmup):
            _send(browser, scenario)
        with CaptureQueriesContext(connection) as queries:
            response, size = _send(browser, scenario)
        result.update(status=response.status_code, queries=len(queries.captured_queries), bytes=size)
        tracemalloc.start()
        try:
            _send(browser, scenario)
            result["peak_memory_kib"] = round(tracemalloc.get_traced_memory()[1] / 1024, 1)
        finally:
            tracemalloc.stop()
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            _send(browser, scenario)
            timings.append((time.perf_counter() - started) * 1000)
    except Exception as exc:  # noqa: BLE001 - reported in the results and the exit code
        result["error"] = f"{type(exc).__name__}: {exc}"
        return result
    result.update(
        median_ms=round(percentile(timings, 0.5), 2),
        p95_ms=round(percentile(timings, 0.95), 2),
        min_ms=round(min(timings), 2),
        max_ms=round(max(timings), 2),
    )
    return result


def environment() -> dict:
    """Describe the machine, Python, Django and database the figures come from."""
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        database = f"PostgreSQL {version}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    return {
        "database": database,
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
    }


def settle_statistics() -> None:
    """Give the query planner the statistics of freshly generated data, as a settled server would have them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        # autovacuum vacuums and analyses freshly loaded tables within a minute or so (PostgreSQL 13+
        # also after inserts); do it now so the figures are those of a settled server.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        # `openipt synth` and `openipt serve` refresh SQLite's statistics the same way.
        from openipt.core.db import refresh_statistics

        refresh_statistics()


def build_and_measure(size: int, *, seed: int, repeat: int, warmup: int, log=None, only: tuple[str, ...] = ()) -> dict:
    """Migrate the (empty) configured database, generate `size` clients, and measure every scenario."""
    from django.core.management import call_command

    from openipt.seed.synth import generate

    log = log or (lambda text: print(text, file=sys.stderr, flush=True))
    load_before = os.getloadavg()
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_seconds = time.perf_counter() - started
    log(f"  {size:,} clients: migrated in {migrate_seconds:.1f} s, generating data")
    started = time.perf_counter()
    world = generate(size, seed=seed)
    synth_seconds = time.perf_counter() - started
    settle_statistics()
    log(f"  {size:,} clients: generated in {synth_seconds:.1f} s, measuring")
    found, problems = discover(world, only=only)
    pages = []
    for module, scenario in found:
        outcome = measure(scenario, repeat=repeat, warmup=warmup)
        outcome["module"] = module
        pages.append(outcome)
        shown = outcome.get("error") or f"p95 {outcome['p95_ms']} ms, {outcome['queries']} queries"
        log(f"    {scenario.name}: {shown}")
    return {
        "clients": size,
        "staff": sum(len(members) for members in world.staff.values()),
        "migrate_seconds": round(migrate_seconds, 2),
        "synth_seconds": round(synth_seconds, 2),
        "synth_clients_per_second": round(size / synth_seconds) if synth_seconds else None,
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": [round(v, 2) for v in (*load_before, *os.getloadavg())],
        "environment": environment(),
        "scenarios": pages,
        "problems": problems,
    }


# ---------------------------------------------------------------- report


def flags(report: dict) -> list[str]:
    """List what needs a person's attention: growing query counts, slow clinician pages, failures."""
    out: list[str] = [f"a size failed: {failure}" for failure in report.get("failures", [])]
    sizes = report["sizes"]
    for size in sizes:
        out += [f"scenario module problem at {size['clients']:,} clients: {p}" for p in size["problems"]]
        out += [
            f"`{page['name']}` failed at {size['clients']:,} clients: {page['error']}"
            for page in size["scenarios"]
            if "error" in page
        ]
    counts: dict[str, list[tuple[int, int]]] = {}
    for size in sizes:
        for page in size["scenarios"]:
            if "queries" in page:
                counts.setdefault(page["name"], []).append((size["clients"], page["queries"]))
    for name, pairs in counts.items():
        if len({q for _, q in pairs}) > 1:
            shown = ", ".join(f"{q} at {n:,} clients" for n, q in pairs)
            out.append(f"`{name}`: the query count changes with the amount of data ({shown})")
    for size in sizes:
        for page in size["scenarios"]:
            if page.get("p95_ms", 0) > P95_TARGET_MS:
                kind = "clinician page over the 50 ms p95 target" if page["role"] in CLINICIAN_ROLES else (
                    "over 50 ms p95 (not a clinician page, so no target applies)"
                )
                out.append(f"`{page['name']}` ({page['role']}) at {size['clients']:,} clients: p95 {page['p95_ms']} ms, {kind}")
    return out


def _row_flag(page: dict, grows: set[str]) -> str:
    if "error" in page:
        return "FAILED"
    marks = []
    if page["name"] in grows:
        marks.append("queries grow")
    if page["p95_ms"] > P95_TARGET_MS:
        marks.append("over target" if page["role"] in CLINICIAN_ROLES else "over 50 ms")
    return ", ".join(marks)


def render_markdown(report: dict) -> str:
    """Return the report as Markdown: data generation, one row per page and size, and flags."""
    sizes = report["sizes"]
    env = sizes[0]["environment"] if sizes else {}
    lines = [
        f"# OpenIPT benchmark: {report['database_label']}, {report['date']}",
        "",
        f"Command: `{report['command']}`",
        "",
        f"{env.get('database', '?')} · Python {env.get('python', '?')} · Django {env.get('django', '?')} · "
        f"{env.get('platform', '?')}, {env.get('cpus', '?')} CPUs. Each page: {report['warmup']} warm-up requests, "
        f"1 request counting SQL queries, 1 measuring peak Python memory (tracemalloc), then {report['repeat']} "
        "timed requests (a download of the whole organisation's data, the CSV and NDJSON exports: no warm-up and at "
        f"most {DOWNLOAD_REPEAT} timed requests). Times are server time in one process (Django test Client, no "
        "network); on a shared machine the minimum shows the page's cost with the least interference.",
        "",
        DATABASE_NOTES.get(report["database"], ""),
        "",
        "## Synthetic data (`openipt.seed.synth.generate`)",
        "",
        "| clients | staff | migrate s | synth s | clients/s | load average (1/5/15 min, before → after) |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for size in sizes:
        load = size["load_average"]
        rate = f"{size['synth_clients_per_second']:,}" if size["synth_clients_per_second"] else "–"
        lines.append(
            f"| {size['clients']:,} | {size['staff']:,} | {size['migrate_seconds']} | {size['synth_seconds']} | "
            f"{rate} | {load[0]}/{load[1]}/{load[2]} → {load[3]}/{load[4]}/{load[5]} |"
        )
    grows = {f.split("`")[1] for f in flags(report) if "query count changes" in f}
    lines += [
        "",
        "## Pages",
        "",
        "| page | as | clients | min ms | median ms | p95 ms | queries | response KiB | peak memory KiB | flag |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    order: list[str] = []
    for size in sizes:
        order += [p["name"] for p in size["scenarios"] if p["name"] not in order]
    for name in order:
        first = True
        for size in sizes:
            page = next((p for p in size["scenarios"] if p["name"] == name), None)
            if page is None:
                continue
            label = (f"`{name}`", page["role"]) if first else ("", "")
            first = False
            if "error" in page:
                lines.append(f"| {label[0]} | {label[1]} | {size['clients']:,} | – | – | – | – | – | – | FAILED |")
                continue
            lines.append(
                f"| {label[0]} | {label[1]} | {size['clients']:,} | {page['min_ms']} | {page['median_ms']} | {page['p95_ms']} | "
                f"{page['queries']} | {page['bytes'] / 1024:.1f} | {page['peak_memory_kib']:,.0f} | {_row_flag(page, grows)} |"
            )
    api_rows = [(name, size["clients"], page) for name in order for size in sizes
                for page in size["scenarios"] if page["name"] == name and name.startswith("api.") and "error" not in page]
    if api_rows:
        lines += ["", "## REST API: requests per second", "",
                  "One process, one request at a time: 1000 / median ms (and 1000 / min ms, the least interference). "
                  "Each request carries a bearer token and passes the API's whole path: token, rate window, audit "
                  "event, access filter, page of records, ETag.", "",
                  "| request | clients | requests/s (median) | requests/s (best) | queries |", "|---|---:|---:|---:|---:|"]
        for name, clients, page in api_rows:
            lines.append(f"| `{name}` | {clients:,} | {1000 / page['median_ms']:.0f} | {1000 / page['min_ms']:.0f} | "
                         f"{page['queries']} |")
    lines += ["", "## Flags", ""]
    found = flags(report)
    lines += [f"- {f}" for f in found] if found else ["None: every query count is constant and every clinician page is within target."]
    if sizes:
        last = sizes[-1]
        lines += ["", f"## What each page requests (at {last['clients']:,} clients)", "", "| page | module | as | request |", "|---|---|---|---|"]
        for page in last["scenarios"]:
            lines.append(f"| `{page['name']}` | {page.get('module', '')} | {page['user']} ({page['role']}) | `{page['method']} {page['path']}` |")
    return "\n".join(lines) + "\n"
