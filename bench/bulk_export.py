"""`make bench` (second part): FHIR bulk export ($export) throughput on a synthetic organisation.

    .venv/bin/python bench/bulk_export.py [--clients 10000] [--seed 1] [--repeat 2] [--out bench/results]

Makes a fresh database as bench/run.py does (SQLite under var/bench/, or a new PostgreSQL database
when DATABASE_URL names a server), then in one Python process: migrates it, generates the clients
with `openipt.seed.synth.generate`, makes an API client for the organisation, and times the worker's
job (`bulk_actions.run_export`) for two exports: every type, and the three types the project's
file export writes (Patient, QuestionnaireResponse, Observation). Each export's SQL queries are
counted (by `connection.execute_wrapper`: CaptureQueriesContext would also format every statement with its
parameters, the files' megabytes of content included, which the worker never does). The same process then runs the NDJSON file export's own benchmark
(`openipt.measures.interop.bench_ndjson`, records in memory, no database) at the same size, and the
ratio of the two is reported. Results: `<out>/bulk-<db>-<date>.json` and `<out>/latest-bulk-<db>.md`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import settle_statistics  # noqa: E402
from bench.run import LABELS, measure_in_fresh_database  # noqa: E402
from openipt.measures.interop import bench_ndjson  # noqa: E402

SAME_AS_FILES = ["Patient", "QuestionnaireResponse", "Observation"]


def measure(clients: int, seed: int, repeat: int = 2) -> dict:
    """Inside the measuring process: build the data, then time the exports."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from openipt.accounts.actor import Actor
    from openipt.api import actions as api_actions
    from openipt.api.auth import ApiActor
    from openipt.api.fhir import bulk_actions
    from openipt.api.models import BulkFile
    from openipt.api.scopes import scopes_for
    from openipt.seed.synth import generate

    load_before = os.getloadavg()[0]
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    world = generate(clients, seed=seed)
    synth_seconds = time.perf_counter() - started
    settle_statistics()
    admin = world.staff["admin"][0]
    token, _secret = api_actions.create_client(Actor(admin), name="bench", scopes=list(scopes_for("client")),
                                               expires_on=timezone.localdate() + timedelta(days=30))
    as_token = ApiActor(token.membership, token=token, scopes=frozenset(token.scopes))
    def timed(label: str, types: list[str]) -> dict:
        export = bulk_actions.start_export(as_token, types=types, since=None, request_url="bench")
        queries: list[str] = []

        def counted(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        # counted by a wrapper, not CaptureQueriesContext: that one also formats each statement with its parameters
        # (the files' whole content, megabytes of it) for its log, work the worker never does
        with connection.execute_wrapper(counted):
            started, cpu = time.perf_counter(), time.process_time()
            result = bulk_actions.run_export(export.pk)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        by_type: dict[str, int] = {}
        for kind, count in BulkFile.objects.filter(export=export, is_error=False).values_list("resource_type", "count"):
            by_type[kind] = by_type.get(kind, 0) + count
        print(f"  {label}: {result['written']:,} resources in {seconds:.1f} s, {len(queries)} queries",
              file=sys.stderr, flush=True)
        return {"types": label, "resources": result["written"], "errors": result["errors"],
                "seconds": round(seconds, 2), "resources_per_second": round(result["written"] / seconds),
                "cpu_seconds": round(cpu, 2), "resources_per_cpu_second": round(result["written"] / cpu),
                "queries": len(queries), "by_type": by_type}

    every = timed("every type", bulk_actions.offered_types())
    # The ratio's two sides run in turn, `repeat` times each, and the fastest of each counts: on a shared machine
    # the load changes from one minute to the next, and taking turns gives both sides the same chances.
    same_runs, file_runs = [], []
    for _ in range(repeat):
        same_runs.append(timed("Patient, QuestionnaireResponse, Observation", SAME_AS_FILES))
        with tempfile.TemporaryDirectory() as scratch:
            file_runs.append(bench_ndjson.run(clients, False, Path(scratch))["ndjson"])
        file_runs[-1]["cpu_seconds"] = file_cpu_seconds(clients)
        file_runs[-1]["resources_per_cpu_second"] = round(file_runs[-1]["resources"] / file_runs[-1]["cpu_seconds"])
        print(f"  file export: {file_runs[-1]['resources_per_second']:,} resources per second", file=sys.stderr,
              flush=True)
    exports = [every, min(same_runs, key=lambda e: e["seconds"])]
    files = min(file_runs, key=lambda f: f["seconds"])
    return {"clients": clients, "synth_seconds": round(synth_seconds, 1), "exports": exports, "repeat": repeat,
            "runs": {"same_types": [e["resources_per_second"] for e in same_runs],
                     "file_export": [f["resources_per_second"] for f in file_runs]},
            "file_export": files, "chunk": bulk_actions.CHUNK, "python": sys.version.split()[0],
            "load": [round(load_before, 2), round(os.getloadavg()[0], 2)]}



def file_cpu_seconds(clients: int) -> float:
    """The processor time of the file export's timed part (`bench_ndjson.run`: the same records, writer and
    calls), which its own benchmark does not report. On a shared machine the wall-clock time mostly says how
    much of a processor the process was given; the processor time says how much work it did. (With PostgreSQL
    the database server's own work is in another process, so the bulk export's processor time leaves it out.)"""
    from openipt.measures.engine import load_instruments
    from openipt.measures.interop.fhir_export import FhirExporter
    from openipt.measures.interop.ndjson import BulkNdjsonWriter
    from openipt.measures.interop.records import ExportSettings

    patients, admins = bench_ndjson.synthetic(clients)
    exporter = FhirExporter(load_instruments(), ExportSettings(organisation="bench"))
    with tempfile.TemporaryDirectory() as scratch:
        started = time.process_time()
        with BulkNdjsonWriter(exporter, Path(scratch), per_item=False) as writer:
            writer.write_patients(iter(patients))
            writer.write_administrations(iter(admins))
        return round(time.process_time() - started, 2)


def render(report: dict) -> str:
    same = next(e for e in report["exports"] if e["types"].startswith("Patient"))
    files = report["file_export"]
    ratio = same["resources_per_second"] / files["resources_per_second"]
    lines = [
        f"# FHIR bulk export ($export) throughput: {report['database_label']}, {report['date']}",
        "",
        f"Command: `{report['command']}`. {report['clients']:,} synthetic clients (`openipt.seed.synth`, seed "
        f"{report['seed']}); the worker's job (`bulk_actions.run_export`) timed in one process, reading through the "
        "access filters as an API client (organisation-wide) and writing NDJSON files into the database.",
        "",
        "| export | resources | seconds | resources per second | SQL queries |",
        "|---|---:|---:|---:|---:|",
    ]
    for e in report["exports"]:
        lines.append(f"| {e['types']} | {e['resources']:,} | {e['seconds']} | {e['resources_per_second']:,} "
                     f"| {e['queries']:,} |")
    lines += [
        f"| NDJSON file export (`bench_ndjson`, records in memory, no database) | {files['resources']:,} "
        f"| {files['seconds']} | {files['resources_per_second']:,} | 0 |",
        "",
        f"Ratio, same three types: the bulk export writes {ratio:.2f} times the resources per second of the file "
        "export's own benchmark. The file benchmark builds its records in memory before timing and reads no "
        "database; the bulk export reads every row through the access filters (one query per type, in id order, "
        f"fetched {report['chunk']} rows at a time, as plain rows of the columns its builders read; the responses "
        "and their scores from one read) and saves its files in the database. SQL queries are counted by a wrapper "
        "round each statement. Resources by type (every type): "
        + ", ".join(f"{k} {v:,}" for k, v in report["exports"][0]["by_type"].items()) + ".",
        "",
    ]
    if "resources_per_cpu_second" in same and "resources_per_cpu_second" in files:
        cpu_ratio = same["resources_per_cpu_second"] / files["resources_per_cpu_second"]
        lines += [f"Processor time, same runs: the bulk export {same['cpu_seconds']} s "
                  f"({same['resources_per_cpu_second']:,} resources per processor second), the file export "
                  f"{files['cpu_seconds']} s ({files['resources_per_cpu_second']:,}): a ratio of {cpu_ratio:.2f}. On a "
                  "shared machine the wall-clock time mostly says how much of a processor each run was given; the "
                  "processor time says how much work it did"
                  + (" (with PostgreSQL, leaving out the database server's own work, done in another process)."
                     if report.get("database") == "postgresql" else ", the database included (SQLite runs in the "
                     "same process)."), ""]
    if report.get("runs"):
        lines += [f"The ratio's two sides ran {report['repeat']} times each, in turn, and the fastest of each is in the "
                  "table (resources per second, every run: bulk export "
                  + ", ".join(f"{r:,}" for r in report["runs"]["same_types"]) + "; file export "
                  + ", ".join(f"{r:,}" for r in report["runs"]["file_export"]) + ").", ""]
    if report.get("load"):
        lines += [f"Load average (1 min) before and after: {report['load'][0]} and {report['load'][1]}.", ""]
    if report.get("note"):
        lines += [report["note"], ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/bulk_export.py", description="FHIR bulk export throughput.")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each side of the ratio (the fastest counts)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--render", help=argparse.SUPPRESS)  # rewrite the table from a saved JSON report
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render:
        report = json.loads(Path(args.render).read_text(encoding="utf-8"))
        (Path(args.out) / f"latest-bulk-{report['database']}.md").write_text(render(report), encoding="utf-8")
        return 0
    if args.worker:
        import django

        django.setup()
        Path(args.json).write_text(json.dumps(measure(args.clients, args.seed, args.repeat)), encoding="utf-8")
        return 0
    code, measured, engine = measure_in_fresh_database(
        "bench/bulk_export.py", f"bulk export: {args.clients:,} clients", args.clients,
        ["--clients", str(args.clients), "--seed", str(args.seed), "--repeat", str(args.repeat)])
    if code:
        return code
    shown = " ".join(argv if argv is not None else sys.argv[1:])
    report = {**measured, "database": engine, "database_label": LABELS[engine], "seed": args.seed,
              "date": datetime.date.today().isoformat(),
              "command": f".venv/bin/python bench/bulk_export.py {shown}".rstrip()}
    results = Path(args.out)
    results.mkdir(parents=True, exist_ok=True)
    (results / f"bulk-{engine}-{report['date']}.json").write_text(json.dumps(report, indent=1) + "\n",
                                                                        encoding="utf-8")
    markdown = render(report)
    (results / f"latest-bulk-{engine}.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
