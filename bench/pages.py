"""Issue 15's clinician pages, before and after a change, in interleaved rounds (bench/results/latest-pages.md).

    .venv/bin/python bench/pages.py build --clients 1000            # a kept database of synthetic clients
    .venv/bin/python bench/pages.py profile --page questionnaire    # cProfile and the SQL of one page
    .venv/bin/python bench/pages.py compare --base /tmp/base --rounds 6 --repeat 15 --out bench/results

`build` makes one database and keeps it (a SQLite file var/bench/pages-<clients>.sqlite3, or, when DATABASE_URL
names a PostgreSQL server, the database `openipt_pages_<clients>` there), so that two versions of the code can
be measured against the same data. `compare` measures the pages with the code in `--base` (another checkout,
e.g. `git archive main`) and with this checkout, alternating which goes first, each round in a fresh process,
and reports the median, p95 and CPU time per request of each side. `drop` removes the database.

The pages are those of issue 15's comparison with the peer (bench/peer.py): the questionnaire view, the
caseload (25 rows, as an admin, and a therapist's), the client record and the course's scores, requested with
Django's test Client in one process (no network), signed in as bench/harness.py does.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"


def _database_url(clients: int) -> tuple[str, str]:
    """The kept database's URL and engine."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.run import _postgres_url
    from openipt.core.config import parse_database_url

    config = parse_database_url(os.environ.get("DATABASE_URL"), BENCH_VAR / "unused.sqlite3")
    if config.engine == "postgresql":
        return _postgres_url(config, f"openipt_pages_{clients}"), "postgresql"
    return f"sqlite:///{BENCH_VAR / f'pages-{clients}.sqlite3'}", "sqlite"


def _environment(url: str, code_root: Path) -> dict[str, str]:
    return dict(
        os.environ, DJANGO_SETTINGS_MODULE="openipt.settings", OPENIPT_MODE="development", OPENIPT_DEBUG="0",
        DATABASE_URL=url, OPENIPT_VAR_DIR=str(BENCH_VAR), OPENIPT_SECRET_KEY="pages-bench-" + "k" * 50,
        OPENIPT_ALLOWED_HOSTS="testserver", PYTHONPATH=str(code_root), OPENIPT_PAGES_CODE=str(code_root),
    )


def _setup(code_root: Path) -> None:
    sys.path.insert(0, str(code_root))
    import django

    django.setup()


# ------------------------------------------------------------ inside the measuring process


def plan() -> list[tuple[str, object, str]]:
    """(name, membership, path) for each page, chosen the same way whatever the code's version."""
    from django.db.models import Count, Q

    from openipt.accounts.models import Membership
    from openipt.clients.models import Client
    from openipt.courses.models import Course
    from openipt.measures.models import Administration

    org_staff = Membership.objects.filter(organisation__slug__startswith="synth-", is_active=True).order_by("pk")
    admin = org_staff.filter(role="admin").first()
    therapist = org_staff.filter(role="therapist").first()
    course = (Course.objects.filter(status="active", therapist=therapist)
              .annotate(scores=Count("measure_administrations",
                                     filter=Q(measure_administrations__status="completed")))
              .order_by("-scores", "pk").first())
    latest = (Administration.objects.filter(course=course, status="completed").order_by("-completed_at", "-pk")
              .first())
    own = Client.objects.filter(assignments__staff=therapist).order_by("pk").first()
    return [
        ("questionnaire view", therapist, f"/measures/answers/{latest.uuid}/"),
        ("caseload, admin, 25 rows", admin, "/clients/"),
        ("caseload, therapist", therapist, "/clients/"),
        ("client record", therapist, f"/clients/{course.client_id}/"),
        ("client record, own first", therapist, f"/clients/{own.pk}/"),
        ("course scores", therapist, f"/measures/course/{course.pk}/"),
        ("course page", therapist, f"/courses/{course.pk}/"),
    ]


def _browser(membership):
    from django.test import Client

    sys.path.insert(0, str(ROOT))  # tests.support of this checkout signs in the way the harness does
    from tests.support.people import login

    browser = Client()
    login(browser, membership)
    return browser


def _get(browser, path: str) -> int:
    response = browser.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return len(response.content)


def measure(repeat: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = {}
    for name, membership, path in plan():
        browser = _browser(membership)
        for _ in range(warmup):
            _get(browser, path)
        with CaptureQueriesContext(connection) as queries:
            size = _get(browser, path)
        # Counted now: the next request's request_started signal empties the connection's query log.
        query_count = len(queries.captured_queries)
        wall, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            _get(browser, path)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        pages[name] = {"path": path, "queries": query_count, "bytes": size, "wall": wall,
                       "cpu": cpu}
    return pages


def profile(page: str, count: int, top: int) -> None:
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chosen = [p for p in plan() if page.lower() in p[0]]
    if not chosen:
        raise SystemExit(f"no page called {page!r}")
    name, membership, path = chosen[0]
    browser = _browser(membership)
    for _ in range(3):
        _get(browser, path)
    with CaptureQueriesContext(connection) as queries:
        _get(browser, path)
    print(f"== {name}: {path}: {len(queries.captured_queries)} queries")
    for q in queries.captured_queries:
        print(f"  {q['time']}s  {q['sql'][:300]}")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        _get(browser, path)
    profiler.disable()
    print(f"== {count} requests, {(time.perf_counter() - started) * 1000 / count:.2f} ms each under the profiler")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top // 2)


# ------------------------------------------------------------ the driver


def summary(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    position = (len(ordered) - 1) * 0.95
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return statistics.median(ordered), ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def compare(args) -> int:
    url, engine = _database_url(args.clients)
    sides = {"before": Path(args.base).resolve(), "after": ROOT}
    collected: dict[str, dict[str, dict]] = {side: {} for side in sides}
    loads = [os.getloadavg()]
    for round_no in range(args.rounds):
        order = ["before", "after"] if round_no % 2 == 0 else ["after", "before"]
        for side in order:
            out = BENCH_VAR / f"pages-{side}-{os.getpid()}.json"
            command = [sys.executable, str(Path(__file__).resolve()), "worker", "--json", str(out),
                       "--repeat", str(args.repeat), "--warmup", str(args.warmup)]
            if subprocess.run(command, env=_environment(url, sides[side]), cwd=sides[side], check=False).returncode:
                print(f"the {side} process failed", file=sys.stderr)
                return 1
            for name, page in json.loads(out.read_text(encoding="utf-8")).items():
                into = collected[side].setdefault(name, {"wall": [], "cpu": [], "queries": set(), "path": page["path"]})
                into["wall"] += page["wall"]
                into["cpu"] += page["cpu"]
                into["queries"].add(page["queries"])
            out.unlink()
        loads.append(os.getloadavg())
        print(f"round {round_no + 1}/{args.rounds} done, load {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
    rows = []
    for name in collected["after"]:
        b, a = collected["before"][name], collected["after"][name]
        bm, bp = summary(b["wall"])
        am, ap = summary(a["wall"])
        rows.append({"page": name, "path": a["path"], "before_median": bm, "before_p95": bp, "after_median": am,
                     "after_p95": ap, "before_cpu": statistics.median(b["cpu"]),
                     "after_cpu": statistics.median(a["cpu"]), "before_queries": sorted(b["queries"]),
                     "after_queries": sorted(a["queries"])})
    result = {"engine": engine, "clients": args.clients, "rounds": args.rounds, "repeat": args.repeat,
              "warmup": args.warmup, "date": datetime.date.today().isoformat(), "load": loads, "rows": rows,
              "cpus": os.cpu_count()}
    text = json.dumps(result, indent=1)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(render(result))
    return 0


def render(result: dict) -> str:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[result["engine"]]
    loads = result["load"]
    lines = [
        f"### {label}, {result['clients']:,} clients, {result['rounds']} rounds × {result['repeat']} requests a page "
        f"and side ({result['date']})",
        "",
        f"Load average (1 min) from {loads[0][0]:.2f} to {loads[-1][0]:.2f}, highest {max(x[0] for x in loads):.2f} "
        f"({result['cpus']} CPUs).",
        "",
        "| page | before median ms | p95 | CPU ms | queries | after median ms | p95 | CPU ms | queries | median ÷ |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['page']} | {r['before_median']:.1f} | {r['before_p95']:.1f} | {r['before_cpu']:.1f} | "
            f"{'/'.join(map(str, r['before_queries']))} | {r['after_median']:.1f} | {r['after_p95']:.1f} | "
            f"{r['after_cpu']:.1f} | {'/'.join(map(str, r['after_queries']))} | "
            f"{r['before_median'] / r['after_median']:.2f}× |")
    return "\n".join(lines) + "\n"


def _postgres(statements: list[str]) -> None:
    from bench.run import _postgres_admin
    from openipt.core.config import parse_database_url

    config = parse_database_url(os.environ["DATABASE_URL"], BENCH_VAR / "unused.sqlite3")
    with _postgres_admin(config) as admin:
        for statement in statements:
            admin.execute(statement)


def drop(args) -> int:
    """Remove the kept database of this size (PostgreSQL database or SQLite file with its WAL files)."""
    _url, engine = _database_url(args.clients)
    if engine == "postgresql":
        _postgres([f'DROP DATABASE IF EXISTS "openipt_pages_{args.clients}" WITH (FORCE)'])
    else:
        path = BENCH_VAR / f"pages-{args.clients}.sqlite3"
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            file.unlink(missing_ok=True)
    return 0


def build(args) -> int:
    url, engine = _database_url(args.clients)
    drop(args)
    if engine == "postgresql":
        _postgres([f'CREATE DATABASE "openipt_pages_{args.clients}"'])
    (BENCH_VAR / "static").mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "worker-build", "--clients", str(args.clients)]
    return subprocess.run(command, env=_environment(url, ROOT), cwd=ROOT, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/pages.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "drop", "profile", "compare", "worker", "worker-build", "worker-profile"):
        p = sub.add_parser(name)
        p.add_argument("--clients", type=int, default=1000)
        p.add_argument("--repeat", type=int, default=15)
        p.add_argument("--warmup", type=int, default=3)
        p.add_argument("--rounds", type=int, default=6)
        p.add_argument("--base", default="")
        p.add_argument("--out", default="")
        p.add_argument("--json", default="")
        p.add_argument("--page", default="questionnaire")
        p.add_argument("--count", type=int, default=30)
        p.add_argument("--top", type=int, default=60)
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(args)
    if args.command == "drop":
        return drop(args)
    if args.command == "compare":
        return compare(args)
    if args.command == "profile":
        url, _engine = _database_url(args.clients)
        env = _environment(url, ROOT)
        command = [sys.executable, str(Path(__file__).resolve()), "worker-profile", "--page", args.page,
                   "--count", str(args.count), "--top", str(args.top)]
        return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode
    _setup(Path(os.environ.get("OPENIPT_PAGES_CODE", ROOT)))
    if args.command == "worker-build":
        from django.core.management import call_command

        from bench.harness import settle_statistics
        from openipt.seed.synth import generate

        call_command("migrate", interactive=False, verbosity=0)
        generate(args.clients, seed=1)
        settle_statistics()
        return 0
    if args.command == "worker":
        Path(args.json).write_text(json.dumps(measure(args.repeat, args.warmup)), encoding="utf-8")
        return 0
    profile(args.page, args.count, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
