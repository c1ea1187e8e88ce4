"""Server time of one tablet sync after two group sessions run without a connection.

    .venv/bin/python bench/offline_sync.py [--runs 20] [--out bench/results]

Makes a fresh database as bench/run.py does (SQLite under var/bench/, or a new PostgreSQL database
when DATABASE_URL names a server), then in one Python process, for each run: a new facilitator with a
14-member group that began two weeks ago, their tablet enrolled and its snapshot taken, and the two
sessions the tablet ran offline (sessions 2 and 3: attendance, what each member will try, a quick
PHQ-2 with question 9 for everyone, one of them worrying, notes, steps ticked and the session
report: 90 changes) sent in ONE signed request to POST /offline/sync/ through Django's full request
handling (middleware included, no network). Timed: that request, from the handler's call to its
answer (the answer carries a fresh snapshot). Results: `<out>/offline-<db>-<date>.json` and
`<out>/latest-offline.md` (one section per database; a run on the other database keeps its section).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import LABELS, measure_in_fresh_database  # noqa: E402

MEMBERS = 14
GOAL_SECONDS = 1.0


def _changes(grp, members, step_ids: dict[int, list[str]], entered: str) -> list[dict]:
    changes = []
    for number in (2, 3):
        def add(kind, data, base=None, *, n=number):
            changes.append({"key": f"bench-{grp.pk}-{n}-{len(changes)}", "group": grp.pk, "session": n, "kind": kind,
                            "data": data, "base": base or {}, "entered_at": entered})
        for i, m in enumerate(members):
            add("mark", {"member": m.pk, "presence": "present" if i % 5 else "absent"}, {"presence": ""})
            add("will_try", {"member": m.pk, "text": "Ask my sister to walk with me on Sunday"}, {"will_try": ""})
            add("check", {"member": m.pk, "answers": {"q1": i % 4, "q2": (i + 1) % 4, "q9": 1 if i == 3 else 0}})
        add("notes", {"text": "We talked about the fights at home and how to start a calm talk."}, {"version": 1})
        add("steps", {"done": step_ids[number]}, {"done": []})
        add("report", {"went_well": "Everyone spoke at least once.", "was_hard": "Two came late.", "concerns": "",
                       "help_wanted": "How to end on time."})
    return changes


def measure(runs: int) -> dict:
    """Inside the measuring process: build each run's group and tablet, then time its one sync request."""
    from datetime import time as clock
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from openipt.accounts.models import Role
    from openipt.groups import actions as group_actions
    from openipt.groups.views.session import known_steps
    from openipt.offline import actions as offline_actions
    from openipt.offline import signing
    from tests.support.groups import programme, screen
    from tests.support.people import actor, make_client, make_member, make_world

    load_before = os.getloadavg()[0]
    call_command("migrate", interactive=False, verbosity=0)
    world = make_world()
    prog = programme(world, name="Bench programme")
    timings, cpu, queries, statuses, counts = [], [], [], {}, []
    for run in range(runs):
        fac = make_member(world.org, Role.FACILITATOR)
        start = timezone.localdate() - timedelta(weeks=2)
        grp = group_actions.create_group(
            actor(world.m["admin"]), programme_id=prog.pk, name=f"Bench group {run}", facilitator_id=fac.pk,
            co_facilitator_id=None, supervisor_id=world.m["supervisor"].pk, weekday=start.weekday(),
            start_time=clock(10, 0), start_date=start, language="English", location="Community hall")
        members = [group_actions.add_member(actor(world.m["admin"]), grp.pk,
                                            make_client(world.m["admin"], assign_to=fac, given_name=f"B{run}m{i}").pk)
                   for i in range(MEMBERS)]
        world.m["bench"] = fac  # the screening before the group is recorded by the member's own facilitator
        screen(world, *members, who="bench")
        group_actions.set_status(actor(world.m["admin"]), grp.pk, "running")
        enrolled = offline_actions.enrol(actor(fac), "Bench tablet")
        device, secret = str(enrolled.device.uuid), enrolled.secret
        steps = {n: sorted(known_steps(grp.sessions.get(number=n)))[:3] for n in (2, 3)}
        web = Client()

        def signed(method: str, path: str, seq: int, body: bytes, _device=device, _secret=secret) -> dict:
            return {"HTTP_X_OPENIPT_DEVICE": _device, "HTTP_X_OPENIPT_SEQ": str(seq),
                    "HTTP_X_OPENIPT_SIGNATURE": signing.sign(_secret, method, path, seq, body)}

        assert web.get("/offline/snapshot/", **signed("GET", "/offline/snapshot/", 1, b"")).status_code == 200
        entered = (timezone.now() - timedelta(hours=2)).isoformat()
        changes = _changes(grp, members, steps, entered)
        body = json.dumps({"seq": 2, "changes": changes}).encode()
        headers = signed("POST", "/offline/sync/", 2, body)
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = web.post("/offline/sync/", body, content_type="application/json", **headers)
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        if response.status_code != 200:
            raise SystemExit(f"sync answered {response.status_code}: {response.content[:300]!r}")
        for result in response.json()["results"]:
            statuses[result["status"]] = statuses.get(result["status"], 0) + 1
        timings.append(seconds)
        cpu.append(cpu_seconds)
        queries.append(len(captured))
        counts.append(len(changes))
        print(f"  run {run + 1}: {len(changes)} changes in {seconds * 1000:.0f} ms ({cpu_seconds * 1000:.0f} ms of CPU), "
              f"{len(captured)} queries",
              file=sys.stderr, flush=True)
    return {"runs": runs, "changes": counts[0], "members": MEMBERS, "p50_ms": _ms(statistics.median(timings)),
            "p95_ms": _ms(_p95(timings)), "max_ms": _ms(max(timings)), "cpu_p50_ms": _ms(statistics.median(cpu)),
            "cpu_p95_ms": _ms(_p95(cpu)),
            "queries_median": int(statistics.median(queries)), "statuses": statuses,
            "python": sys.version.split()[0], "load": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def render_section(report: dict) -> str:
    verdict = "under" if report["p95_ms"] < GOAL_SECONDS * 1000 else "OVER"
    return "\n".join([
        f"## {report['database_label']}, {report['date']}",
        "",
        f"Command: `{report['command']}`.",
        "",
        "| runs | changes per request | members | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms "
        "| SQL queries (median) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {report['runs']} | {report['changes']} | {report['members']} | {report['p50_ms']} | {report['p95_ms']} "
        f"| {report['max_ms']} | {report['cpu_p50_ms']} | {report['cpu_p95_ms']} | {report['queries_median']} |",
        "",
        f"Answers over all runs: {', '.join(f'{k} {v}' for k, v in sorted(report['statuses'].items()))}. "
        f"p95 (wall clock) is {verdict} the goal of {GOAL_SECONDS:.0f} s. Load average (1 min) before and after: "
        f"{report['load'][0]} and {report['load'][1]} on {os.cpu_count()} cores. The CPU columns are the server "
        "process's own processor time for the request, close to what the wall clock shows on an idle machine"
        + (" (SQLite runs in the process, so its work is included)." if report["database"] == "sqlite" else
           " (the PostgreSQL server's own processor time is not included)."),
        "",
    ])


def write_markdown(results: Path, report: dict) -> str:
    path = results / "latest-offline.md"
    sections: dict[str, str] = {}
    if path.exists():
        for chunk in path.read_text(encoding="utf-8").split("\n## ")[1:]:
            sections[chunk.split(",", 1)[0].strip()] = "## " + chunk.rstrip() + "\n"
    sections[report["database_label"]] = render_section(report)
    text = ("# Offline sync: one request after two sessions run without a connection\n\n"
            "Each run: a new 14-member group and its facilitator's tablet; sessions 2 and 3 run offline "
            "(attendance, will-try, a quick PHQ-2 with question 9 for every member, one worrying answer, notes, "
            "steps, the session report) and sent in one signed POST /offline/sync/. Server time is the request "
            "through Django's whole handler, in process (no network); the answer includes a fresh snapshot. "
            "Made by `bench/offline_sync.py`.\n\n"
            + "\n".join(sections[k] for k in sorted(sections)))
    path.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/offline_sync.py", description="Offline tablet sync server time.")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--render", help=argparse.SUPPRESS)  # rewrite the Markdown section from a saved JSON report
    args = parser.parse_args(argv)
    if args.render:
        print(write_markdown(Path(args.out), json.loads(Path(args.render).read_text(encoding="utf-8"))))
        return 0
    if args.worker:
        import django

        django.setup()
        Path(args.json).write_text(json.dumps(measure(args.runs)), encoding="utf-8")
        return 0
    code, measured, engine = measure_in_fresh_database(
        "bench/offline_sync.py", f"offline sync: {args.runs} runs", args.runs, ["--runs", str(args.runs)])
    if code:
        return code
    shown = " ".join(argv if argv is not None else sys.argv[1:])
    prefix = "DATABASE_URL=postgresql://... " if engine == "postgresql" else ""
    report = {**measured, "database": engine, "database_label": LABELS[engine],
              "date": datetime.date.today().isoformat(),
              "command": f"{prefix}.venv/bin/python bench/offline_sync.py {shown}".rstrip()}
    results = Path(args.out)
    results.mkdir(parents=True, exist_ok=True)
    (results / f"offline-{engine}-{report['date']}.json").write_text(json.dumps(report, indent=1) + "\n",
                                                                           encoding="utf-8")
    print(write_markdown(results, report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
