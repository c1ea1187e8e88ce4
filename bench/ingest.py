"""`make bench`: bulk ingest of questionnaire responses (issue 15: at least 3,000 a second), and the PDF report.

    .venv/bin/python bench/ingest.py [--clients 1000] [--rounds 5] [--pdfs 15]

Makes a fresh database as bench/run.py does (SQLite under var/bench/, or a new PostgreSQL database when
DATABASE_URL names a server), then in one Python process: migrates it, generates `--clients` synthetic
clients, and measures

- the REST batch (`POST /api/v1/administrations/batch`) and the FHIR batch Bundle (`POST /fhir/`) over
  HTTP, to a real server on localhost in this process (`wsgiref`, one thread), in batches of 100 and
  500 PHQ-9s: `--rounds` batches each, every response new (a new key), so each is scored, risk-checked,
  stored and audited. The client's encoding of the body is outside the timing; the server's parsing is in;
- the same batches in-process (`batch_actions.enter_many`, no HTTP), and the SQL queries of one batch;
- the end-of-treatment PDF made afresh: before each request a goal is added to the course, so the data
  changed and the PDF cannot come from the cache; then the same request repeated (served from the cache).

Wall time and the process's CPU time are both reported: the machine is shared, so CPU time says more.
Results: `<out>/ingest-<db>-<date>.json` and `<out>/latest-ingest.md` (SQLite and PostgreSQL side by side).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import settle_statistics  # noqa: E402
from bench.run import LABELS, measure_in_fresh_database  # noqa: E402

RISKY_EVERY = 50  # one response in 50 answers question 9 above 0, so alerts are raised as they would be


def _answers(n: int) -> dict:
    values = [(n + i) % 4 for i in range(8)] + [1 if n % RISKY_EVERY == 0 else 0]
    return {**{f"q{i + 1}": v for i, v in enumerate(values)}, "difficulty": 0}


def _timed(run) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def worker(args: argparse.Namespace) -> dict:
    from datetime import timedelta

    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from openipt.accounts.actor import Actor
    from openipt.api import actions as api_actions
    from openipt.courses import goal_actions
    from openipt.courses.models import OPEN_STATUSES, Course
    from openipt.measures import access, batch_actions
    from openipt.measures import report as pdf_report
    from openipt.seed.synth import generate
    from tests.support.people import login

    load_before = os.getloadavg()[0]
    call_command("migrate", interactive=False, verbosity=0)
    world = generate(args.clients, seed=args.seed)
    settle_statistics()
    therapist = max(
        world.staff["therapist"],
        key=lambda m: Course.objects.filter(therapist=m, status__in=[s.value for s in OPEN_STATUSES]).count(),
    )
    actor = Actor(therapist)
    courses = [
        c
        for c in access.with_viewer_assignment(
            access.staff_courses(actor)
            .filter(status__in=[s.value for s in OPEN_STATUSES])
            .select_related("client"),
            actor,
        )
        if c.viewer_assigned
    ]
    _token, secret = api_actions.create_personal(
        actor,
        name="bench",
        scopes=["measures:read", "measures:write"],
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    today = timezone.localdate()
    counter = iter(range(10**9))

    def rest_entries(n: int) -> list[dict]:
        out = []
        for _ in range(n):
            k = next(counter)
            out.append(
                {
                    "key": f"bench-{k}",
                    "course_id": courses[k % len(courses)].pk,
                    "instrument_code": "phq9",
                    "completed_on": today.isoformat(),
                    "answers": _answers(k),
                }
            )
        return out

    def fhir_bundle(n: int) -> dict:
        entries = []
        for _ in range(n):
            k = next(counter)
            answers = _answers(k)
            entries.append(
                {
                    "request": {"method": "POST", "url": "QuestionnaireResponse"},
                    "resource": {
                        "resourceType": "QuestionnaireResponse",
                        "status": "completed",
                        "identifier": {"system": "urn:bench", "value": str(k)},
                        "questionnaire": "https://openipt.org/fhir/Questionnaire/phq9",
                        "subject": {"reference": f"Patient/{courses[k % len(courses)].client.record_number}"},
                        "authored": timezone.now().replace(microsecond=0).isoformat(),
                        "item": [
                            {
                                "linkId": item,
                                "answer": [
                                    {
                                        "valueCoding": {
                                            "system": "https://openipt.org/fhir/CodeSystem/phq9-answer",
                                            "code": str(v),
                                        }
                                    }
                                ],
                            }
                            for item, v in answers.items()
                        ],
                    },
                }
            )
        return {"resourceType": "Bundle", "type": "batch", "entry": entries}

    # A real HTTP server on localhost, in this process (one thread, as one worker of `openipt serve`).
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, *a):  # noqa: ANN002 - the standard handler's signature
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"

    def post(path: str, body: bytes, content_type: str) -> dict:
        request = urllib.request.Request(
            base + path,
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {secret}", "Content-Type": content_type, "Host": "testserver"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310 - localhost
            return json.loads(response.read())

    ingest = []
    for way in ("REST over HTTP", "FHIR Bundle over HTTP", "in-process (enter_many)"):
        for size in (100, 500):
            walls, cpus, stored = [], [], 0
            for _ in range(args.rounds):
                if way == "REST over HTTP":
                    body = json.dumps({"responses": rest_entries(size)}).encode()
                    wall, cpu, answer = _timed(
                        lambda b=body: post("/api/v1/administrations/batch", b, "application/json")
                    )
                    stored += answer["stored"]  # type: ignore[index]
                elif way == "FHIR Bundle over HTTP":
                    body = json.dumps(fhir_bundle(size)).encode()
                    wall, cpu, answer = _timed(lambda b=body: post("/fhir/", b, "application/fhir+json"))
                    stored += sum(e["response"]["status"].startswith("201") for e in answer["entry"])  # type: ignore[index]
                else:
                    entries = [
                        batch_actions.PaperEntry(
                            key=e["key"],
                            course_id=e["course_id"],
                            instrument_code="phq9",
                            completed_on=today,
                            answers=e["answers"],
                        )
                        for e in rest_entries(size)
                    ]
                    wall, cpu, results = _timed(lambda es=entries: batch_actions.enter_many(actor, es))
                    stored += sum(r.status == 201 for r in results)  # type: ignore[attr-defined]
                    refused = [r for r in results if r.status >= 400]  # type: ignore[attr-defined]
                    if refused:
                        print(f"  refused: {refused[0]}", file=sys.stderr, flush=True)
                walls.append(wall)
                cpus.append(cpu)
            per_second = size * len(walls) / sum(walls)
            ingest.append(
                {
                    "way": way,
                    "batch": size,
                    "rounds": len(walls),
                    "stored": stored,
                    "median_ms": round(statistics.median(walls) * 1000, 1),
                    "cpu_median_ms": round(statistics.median(cpus) * 1000, 1),
                    "per_second": round(per_second),
                    "per_cpu_second": round(size * len(cpus) / sum(cpus)),
                }
            )
            print(f"  {way}, batches of {size}: {per_second:.0f} responses/s", file=sys.stderr, flush=True)
    server.shutdown()
    connections.close_all()
    counts = {}
    for size in (100, 500):
        entries = [
            batch_actions.PaperEntry(
                key=e["key"],
                course_id=e["course_id"],
                instrument_code="phq9",
                completed_on=today,
                answers=e["answers"],
            )
            for e in rest_entries(size)
        ]
        with CaptureQueriesContext(connection) as captured:
            batch_actions.enter_many(actor, entries)
        counts[size] = len(captured)

    # The PDF: made afresh after each change, then repeated.
    course = courses[0]
    browser = Client()
    login(browser, therapist)
    path = f"/measures/course/{course.pk}/report.pdf"
    browser.get(path)
    fresh_w, fresh_c, again_w, again_c = [], [], [], []
    for n in range(args.pdfs):
        goal_actions.add_goal(actor, course.pk, text=f"Bench goal {n}")
        made = pdf_report.STATS["made"]
        wall, cpu, response = _timed(lambda: browser.get(path))
        assert response.status_code == 200 and pdf_report.STATS["made"] == made + 1  # type: ignore[attr-defined]
        fresh_w.append(wall)
        fresh_c.append(cpu)
        wall, cpu, response = _timed(lambda: browser.get(path))
        again_w.append(wall)
        again_c.append(cpu)
    ms = lambda xs: round(statistics.median(xs) * 1000, 1)  # noqa: E731
    pdf = {
        "fresh_median_ms": ms(fresh_w),
        "fresh_cpu_median_ms": ms(fresh_c),
        "repeat_median_ms": ms(again_w),
        "repeat_cpu_median_ms": ms(again_c),
        "requests": args.pdfs,
        "goals_at_end": args.pdfs,
    }
    return {
        "ingest": ingest,
        "queries_per_batch": counts,
        "pdf": pdf,
        "courses": len(courses),
        "python": sys.version.split()[0],
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def render_one(report: dict) -> list[str]:
    lines = [
        f"## {report['database_label']}, {report['date']}",
        "",
        f"Command: `{report['command']}`. {report['clients']:,} synthetic clients; one therapist's "
        f"{report['measured']['courses']} open courses receive the PHQ-9s (one in {RISKY_EVERY} answers "
        "question 9 above 0 and raises an alert).",
        "",
        "| way | batch | batches | stored | median ms a batch | CPU ms a batch | responses a second | "
        "a CPU second | target ≥ 3,000/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in report["measured"]["ingest"]:
        met = "met" if row["per_second"] >= 3000 else "**missed**"
        lines.append(
            f"| {row['way']} | {row['batch']} | {row['rounds']} | {row['stored']} | {row['median_ms']} | "
            f"{row['cpu_median_ms']} | {row['per_second']:,} | {row['per_cpu_second']:,} | {met} |"
        )
    q = report["measured"]["queries_per_batch"]
    p = report["measured"]["pdf"]
    lines += [
        "",
        f"SQL statements of one batch (in-process): {q.get('100', q.get(100))} for 100 responses, "
        f"{q.get('500', q.get(500))} for 500.",
        "",
        f"End-of-treatment PDF (staff version, {p['requests']} requests): made afresh after a change "
        f"**{p['fresh_median_ms']} ms** median ({p['fresh_cpu_median_ms']} ms CPU), target ≤ 100 ms: "
        f"{'met' if p['fresh_median_ms'] <= 100 else '**missed**'}; the same request repeated (cached) "
        f"{p['repeat_median_ms']} ms ({p['repeat_cpu_median_ms']} ms CPU).",
        "",
        f"Load average (1 min) before and after: {report['measured']['load'][0]} and "
        f"{report['measured']['load'][1]} (a shared 2-core machine).",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/ingest.py", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pdfs", type=int, default=15)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        os.environ["OPENIPT_API_CALLS_PER_MINUTE"] = (
            "100000"  # the rate window would stop a benchmark, not a clinic
        )
        import django

        django.setup()
        Path(args.json).write_text(json.dumps(worker(args)), encoding="utf-8")
        return 0
    shown = " ".join(argv if argv is not None else sys.argv[1:])
    code, measured, engine = measure_in_fresh_database(
        "bench/ingest.py",
        "bulk ingest and the PDF report",
        args.clients,
        list(argv if argv is not None else sys.argv[1:]),
    )
    if code:
        return code
    prefix = "DATABASE_URL=postgresql://… " if engine == "postgresql" else ""
    report = {
        "measured": measured,
        "database": engine,
        "database_label": LABELS[engine],
        "clients": args.clients,
        "date": datetime.date.today().isoformat(),
        "command": f"{prefix}.venv/bin/python bench/ingest.py {shown}".rstrip(),
    }
    results = Path(args.out)
    results.mkdir(parents=True, exist_ok=True)
    (results / f"ingest-{engine}-{report['date']}.json").write_text(
        json.dumps(report, indent=1) + "\n", encoding="utf-8"
    )
    tables = {}
    for kind in ("sqlite", "postgresql"):
        saved = sorted(results.glob(f"ingest-{kind}-*.json"))
        if saved:
            tables[kind] = render_one(json.loads(saved[-1].read_text(encoding="utf-8")))
    markdown = "\n".join(
        [
            "# Bulk ingest of questionnaires, and the end-of-treatment PDF (issue 15)",
            "",
            *tables.get("sqlite", []),
            *tables.get("postgresql", []),
            *NOTES,
        ]
    )
    (results / "latest-ingest.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


NOTES = [
    "## Notes",
    "",
    "- **Both targets are still missed**, measured this time on a nearly quiet machine (load 1.3 to 1.6), so wall "
    "and CPU times are close: in batches of 500, about 1,800 responses a second over REST on SQLite and 1,350 on "
    "PostgreSQL, 1,160 to 1,230 as a FHIR Bundle, against the 3,000 asked for; the PDF made afresh takes 245 to 270 "
    "ms against 100.",
    "- Tonight's ingest changes (branch `ingest-speed`): the audit events of a batch's alerts (raised, escalated, "
    "paused) are appended with the batch's own in one go (`audit.appended_together`, the hash chain unchanged, "
    "nothing appended when the block fails); each alert's history events and e-mail deliveries are stored together "
    "at the end of the batch, its webhooks in one call, the alerted clients locked and read at once with their "
    "assigned staff, and their open alerts counted in one query (about 12 statements an alert, from about 20); on "
    "PostgreSQL the rows go in as one array a column (UNNEST, as Django's bulk_create does); an item's allowed "
    "answers are worked out once; a REST entry is checked once. Statements a batch: 94 to 63 for 100 responses, 352 "
    "to 159 for 500. Alternating the code before and after on one database at load 3 to 4, smallest CPU of 5 or 6 "
    "batches of 500: in-process 286-358 to 206-270 ms on SQLite and 388 to 218 ms on PostgreSQL; REST 305-429 to "
    "262-340 and 392 to 272; FHIR Bundle 329-439 to 237-314 and 526 to 293. What is left: about 12 statements an "
    "alert (6 of them each client's signal set one at a time), the not-on-track refresh reading every earlier score "
    "of a course (thousands here, as the benchmark sends every batch to the same 43 courses), and on PostgreSQL "
    "about 40 ms a batch turning the column arrays into text.",
    "- Tonight's PDF changes (branch `pdf-speed`): the chart goes in as an image of the same SVG (its hundred "
    "elements are no longer parsed, styled and boxed as HTML), about 15 to 20 ms of CPU less a fresh PDF (in-process, "
    "90 requests each side alternating: median 226 to 209 and 245 to 226 ms). WeasyPrint's own layout of this "
    "three-page report is about 60 ms of CPU at best, and styling, boxes, drawing and writing add 45 to 55 ms, so "
    "100 ms is not reachable with it for this report; the chart's SVG text, drawn a letter at a time, is the largest "
    "single part left.",
    "- Earlier rounds (for the record):",
    "- Same-load comparison of the code before and after the ingest changes (branch `ingest`), interleaved runs on one "
    "copy of a 300-client SQLite database, batches of 500 PHQ-9s with 10 alerts, load 11 to 14, smallest CPU ms a batch "
    "of 4 or 5 (scratch scripts, not in the repository): in-process `enter_many` 331 and 395 before, 303 and 324 after "
    "(SQL statements 445 to 343); REST through Django's test client 558 and 471 before, 471 and 388 after; FHIR Bundle "
    "867 and 682 before, 636 and 438 after. So about a fifth less CPU a batch (a quarter or more for FHIR), about "
    "1,500 to 1,650 responses a CPU second in-process: half of the 3,000 a second asked for, before HTTP.",
    "- What changed: the responses and their audit events are inserted by `core.bulk.insert_many` (one multi-row "
    "INSERT ... RETURNING a statement, values prepared once per column kind instead of through the ORM compiler; it "
    "stores exactly what `bulk_create` stores, tests/core/test_bulk_insert.py); a batch's alerts are raised inside "
    "`safety_api.raising_together` (the rules read once instead of twice an alert, each client's safety signal set "
    "once, one follow-up run booked for all); the JSON depth check counts brackets after a regular expression "
    "removes the strings instead of a Python step a character, and a body without an escaped NUL skips the NUL walk "
    "(the FHIR Bundle's parsing was about a quarter of its request).",
    "- Where a batch's CPU goes now (timing of each step, 500 PHQ-9s in-process, load 5, about 210 to 300 ms): the 10 "
    "alerts about a third (7 to 8 ms of CPU and about 20 statements each: the client's lock, the alert and its "
    "event, its audit link, the webhook look-up, the recipients, a delivery each, the notified event); the "
    "not-on-track refresh about a sixth, and it grows with every batch here because the benchmark sends every "
    "batch to the same 43 courses (thousands of earlier scores read and their times parsed; a real course holds "
    "about 20); the response and audit inserts about a quarter; checking and scoring the answers (each response's "
    "answers are checked twice, by `clean_answers` and by `score`) and building the rows the rest.",
    "- Next steps, not done: the alerts' own audit events written with the batch's (`record_many`) and their "
    "recipients and webhooks read once per client and batch; the signal refresh reading only the scores it needs; "
    "the answers checked once. Even then the target needs a quiet machine to be measured, or more than one worker.",
    "- HTTP figures are a real server on localhost in the measuring process (`wsgiref`, one thread): the client's "
    "encoding of the body is outside the timing, its reading of the answer inside. The CPU time is the whole "
    "process's (server and client).",
    "- The API's rate window (120 calls a minute a token by default, `OPENIPT_API_CALLS_PER_MINUTE`) is raised for "
    "the benchmark: at the default, one token sends at most 120 batches a minute (2,000 responses a second in "
    "batches of 1,000).",
    "- The PDF made afresh costs about 190 ms of CPU at a quieter time (the course has a goal more each time and the synthetic course many scores); in the test's smaller course it took about 200 ms of CPU before the fixed table layout and 130 to 145 ms after (measured at load 3), and WeasyPrint's layout, drawing the chart's SVG and writing the PDF are each about a third of what is left. The repeat is served from the cache (the request's own reads and audit event remain). Nothing in it changed in this round.",
    "- Each response of a client with a not-on-track signal, or one whose signal changes, costs a few more "
    "statements (the signal is set as for a single response, so the courses app can offer a review).",
    "",
]

if __name__ == "__main__":
    sys.exit(main())
