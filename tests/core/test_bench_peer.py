"""`make bench-peer`'s arithmetic and its report: what a reader of bench/results/latest-peer.md relies on.

The benchmark itself needs the peer (CamCOPS) running and is never run here; these tests touch no
database and no network.
"""

from __future__ import annotations

import json
import random

import pytest

from bench import peer


def _report(**changes) -> dict:
    report = {
        "database": "sqlite",
        "database_label": "SQLite",
        "date": "2026-12-07",
        "command": ".venv/bin/python bench/peer.py --repeat 3",
        "repeat": 3,
        "warmup": 1,
        "workers": 2,
        "cpus": 2,
        "load_before": [1.0, 1.0, 1.0],
        "load_after": [2.0, 1.5, 1.0],
        "openipt": {"shape": "1,000 synthetic clients"},
        "peer": {"url": "http://127.0.0.1:8088", "shape": "CamCOPS"},
        "pairs": [
            {"name": "questionnaire view", "openipt_path": "/measures/answers/x/", "peer_path": "/task",
             "openipt": peer.summary([10.0, 12.0, 14.0]), "peer": peer.summary([120.0, 130.0, 140.0]),
             "ratio": peer.ratio(130.0, 12.0), "openipt_server_median_ms": 9.0},
            {"name": "caseload, 25 rows", "openipt_path": "/clients/", "peer_path": "/view_tasks",
             "openipt": peer.summary([40.0, 40.0, 40.0]), "peer": peer.summary([100.0, 100.0, 100.0]),
             "ratio": peer.ratio(100.0, 40.0)},
            {"name": "client overview", "openipt_path": "/clients/1/", "peer_path": "/ctv",
             "error": "RuntimeError: peer /ctv answered 500"},
        ],
        "pdf_fresh": {**peer.summary([150.0, 160.0, 170.0]), "server_median_ms": 90.0},
        "ingest": {
            "rounds": 2, "batch": 500,
            "openipt": {"how": "REST batch", "stored": 1000, "median_ms": 250.0,
                        "per_second": peer.throughput([500, 500], [0.25, 0.25])},
            "peer": {"how": "tablet API", "stored": 1000, "median_ms": 2500.0,
                     "per_second": peer.throughput([500, 500], [2.5, 2.5])},
        },
        "notes": ["A note for the reader."],
    }
    report.update(changes)
    return report


def test_the_summary_gives_the_median_and_95th_percentile_of_the_timings():
    # given twenty timings of 1 to 20 ms
    figures = peer.summary([float(n) for n in range(20, 0, -1)])
    # then the median lies between the two middle values and p95 near the top
    assert figures == {"n": 20, "median_ms": 10.5, "p95_ms": 19.1, "min_ms": 1.0, "max_ms": 20.0}


def test_a_summary_of_no_timings_is_refused():
    with pytest.raises(ValueError, match="no timings"):
        peer.summary([])


def test_the_ratio_says_how_many_times_faster_openipt_was_and_nothing_when_a_side_has_no_time():
    assert peer.ratio(250.0, 50.0) == 5.0
    assert peer.ratio(40.0, 80.0) == 0.5
    assert peer.ratio(250.0, 0.0) is None
    assert peer.ratio(0.0, 10.0) is None


def test_throughput_counts_every_questionnaire_over_the_time_of_all_requests():
    # given two requests of 500, taking 0.2 s and 0.3 s
    assert peer.throughput([500, 500], [0.2, 0.3]) == 2000.0
    assert peer.throughput([], []) == 0.0


def test_each_target_is_met_or_missed_by_the_figure_measured():
    verdicts = {v["target"]: v for v in peer.verdicts(_report())}
    # a page 10.8 times faster meets "at least 5×"; one 2.5 times faster misses it; a failed pair misses it
    assert verdicts["questionnaire view: at least 5× faster than the peer"]["met"] is True
    assert verdicts["caseload, 25 rows: at least 5× faster than the peer"]["met"] is False
    assert verdicts["client overview: at least 5× faster than the peer"]["measured"] == "failed"
    assert verdicts["client overview: at least 5× faster than the peer"]["met"] is False
    # the PDF is judged by the server's own time (90 ms), not the client's (160 ms)
    pdf = verdicts["end-of-treatment PDF made afresh ≤ 100 ms at median"]
    assert pdf["met"] is True and pdf["measured"].startswith("90 ms server time")
    # 2,000 a second misses 3,000; ten times the peer's 200 a second is met
    assert verdicts["bulk ingest ≥ 3,000 questionnaires a second"]["met"] is False
    assert verdicts["bulk ingest ≥ 10× the peer's"] == {
        "target": "bulk ingest ≥ 10× the peer's", "measured": "10× (peer 200 a second)", "met": True}


def test_without_a_server_time_the_pdf_is_judged_by_the_clients_time():
    report = _report(pdf_fresh={**peer.summary([150.0, 160.0, 170.0]), "server_median_ms": None})
    pdf = [v for v in peer.verdicts(report) if v["target"].startswith("end-of-treatment PDF")][0]
    assert pdf["met"] is False and "client time" in pdf["measured"]


def test_the_results_are_written_as_json_and_as_the_latest_table(tmp_path):
    # when the results of a run are written
    written = peer.write_results(_report(), tmp_path / "results")
    # then the JSON holds the whole report and the table shows each pair's figures and verdict
    assert [p.name for p in written] == ["peer-sqlite-2026-12-07.json", "latest-peer.md"]
    assert json.loads(written[0].read_text(encoding="utf-8"))["pairs"][0]["ratio"] == 10.8
    table = written[1].read_text(encoding="utf-8")
    assert "| questionnaire view | `/measures/answers/x/` | `/task` | 12.0 | 13.8 | 9.0 | 130.0 | 139.0 | 10.8× | met |" in table
    assert "| caseload, 25 rows |" in table and "| 2.5× | **missed** |" in table
    assert "- client overview: RuntimeError: peer /ctv answered 500" in table
    assert "| OpenIPT | REST batch | 1,000 | 250.0 | 2,000 |" in table
    assert "before: [1.0, 1.0, 1.0]; after: [2.0, 1.5, 1.0]" in table
    assert "- A note for the reader." in table


def test_the_report_never_shows_the_peers_password():
    assert peer.hide_password(["--peer-password", "s3cret", "--repeat", "5"]) == ["--peer-password", "…", "--repeat", "5"]
    assert peer.hide_password(["--peer-password=s3cret"]) == ["--peer-password=…"]


def test_made_up_nhs_numbers_are_in_the_test_range_with_a_right_check_digit():
    rng = random.Random(3)
    for _ in range(50):
        digits = [int(d) for d in str(peer.nhs_test_number(rng))]
        assert len(digits) == 10 and digits[:3] == [9, 9, 9]
        check = (11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11) % 11
        assert check == digits[9]


def test_values_are_written_as_the_peers_tablet_writes_them():
    assert [peer.camcops_literal(v) for v in (None, True, 3, 1.5, "O'Neil")] == ["NULL", "1", "3", "1.5", "'O''Neil'"]


def test_the_latest_table_shows_the_latest_run_on_each_database(tmp_path):
    # given an older and a newer SQLite run, and a PostgreSQL run
    peer.write_results(_report(date="2026-12-06", command="old sqlite run"), tmp_path)
    peer.write_results(_report(database="postgresql", database_label="PostgreSQL", command="postgres run"), tmp_path)
    # when the newer SQLite run is written
    written = peer.write_results(_report(command="new sqlite run"), tmp_path)
    # then the latest table holds the newer SQLite run and the PostgreSQL run, SQLite first
    table = written[1].read_text(encoding="utf-8")
    assert "old sqlite run" not in table
    assert table.index("new sqlite run") < table.index("postgres run")
    assert table.count("# OpenIPT against the peer") == 2
