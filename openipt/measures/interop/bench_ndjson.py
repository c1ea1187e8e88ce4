"""Measure how fast the bulk NDJSON (and tidy CSV) export runs on synthetic records.

The quality bar asks for at least 5,000 FHIR resources per second in a bulk export. This
script builds synthetic clients and administrations in memory first (not timed), then times
the export alone and prints one JSON object with the figures. Run it with
`.venv/bin/python -m openipt.measures.interop.bench_ndjson --clients 10000`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from openipt.measures.engine import load_instruments, score

from .csv_export import write_tidy_csv
from .fhir_export import FhirExporter
from .ndjson import BulkNdjsonWriter
from .records import AdministrationRecord, ExportSettings, PatientRecord


def synthetic(n_clients: int, sessions: int = 8, seed: int = 1
              ) -> tuple[list[PatientRecord], list[AdministrationRecord]]:
    """Return synthetic clients with a PHQ-9 every session and a GAD-7 every fourth."""
    rng = random.Random(seed)
    reg = load_instruments()
    phq9, gad7 = reg.get("phq9"), reg.get("gad7")
    patients, admins = [], []
    start = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
    n = 0
    for c in range(1, n_clients + 1):
        patients.append(PatientRecord(id=c, record_number=f"C{c:06d}", given_name="Test", family_name=f"Client{c}",
                                      birth_date=dt.date(1960 + c % 40, 1 + c % 12, 1 + c % 28),
                                      sex=rng.choice(["female", "male", ""]), language="en"))
        level = rng.randint(1, 3)
        for s in range(1, sessions + 1):
            plan = [phq9] + ([gad7] if s % 4 == 1 else [])
            for inst in plan:
                n += 1
                answers: dict[str, int | None] = {it.id: min(it.max_value, max(0, level - (s // 3) + rng.randint(-1, 1)))
                           for it in inst.items}
                if rng.random() < 0.05:
                    answers[inst.scored_items[0].id] = None
                result = score(inst, answers)
                admins.append(AdministrationRecord(
                    id=n, uuid=uuid.UUID(int=rng.getrandbits(128), version=4), client_id=c,
                    instrument_code=inst.code, authored=start + dt.timedelta(days=7 * s, minutes=c % 600),
                    answers=answers, total=result.total, band=result.band.id if result.band else None,
                    instrument_version=inst.version, session_number=s, course_id=c, entered_by_role="client"))
    return patients, admins


def run(n_clients: int, per_item: bool, out_dir: Path) -> dict:
    """Export the synthetic organisation to out_dir and return the timings."""
    t0 = time.perf_counter()
    patients, admins = synthetic(n_clients)
    build_s = time.perf_counter() - t0
    reg = load_instruments()
    settings = ExportSettings(organisation="bench")
    exporter = FhirExporter(reg, settings)
    t0 = time.perf_counter()
    with BulkNdjsonWriter(exporter, out_dir, per_item=per_item) as writer:
        writer.write_patients(iter(patients))
        writer.write_administrations(iter(admins))
    ndjson_s = time.perf_counter() - t0
    by_id = {p.id: p for p in patients}
    t0 = time.perf_counter()
    with open(out_dir / "measures.csv", "w", encoding="utf-8", newline="") as f:
        rows = write_tidy_csv(f, iter(admins), by_id, reg, settings)
    csv_s = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in out_dir.glob("*.ndjson"))
    return {
        "clients": n_clients, "administrations": len(admins), "per_item": per_item,
        "synthetic_build_seconds": round(build_s, 2),
        "ndjson": {"resources": writer.total, "by_type": writer.counts, "seconds": round(ndjson_s, 3),
                   "resources_per_second": round(writer.total / ndjson_s), "bytes": size},
        "csv": {"rows": rows, "seconds": round(csv_s, 3), "rows_per_second": round(rows / csv_s)},
        "python": sys.version.split()[0],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures as JSON."""
    parser = argparse.ArgumentParser(prog="bench_ndjson", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--per-item", action="store_true", help="also export one Observation per answer")
    parser.add_argument("--out", type=Path, default=None, help="keep the files in this directory")
    args = parser.parse_args(argv)
    if args.clients < 1:
        print("bench_ndjson: --clients must be at least 1", file=sys.stderr)
        return 2
    if args.out is not None:
        result = run(args.clients, args.per_item, args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(args.clients, args.per_item, Path(tmp))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
