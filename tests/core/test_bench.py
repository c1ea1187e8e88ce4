"""`make bench` works: it builds a fresh database, measures every page, and flags what needs attention.

The smoke test runs the real harness (a separate process on its own fresh
database, on SQLite or on the PostgreSQL server named by DATABASE_URL) on a
tiny organisation. No timing is asserted beyond "it was measured".
"""

from __future__ import annotations

import json
import os

import pytest

from bench import harness, run

CORE_PAGES = {
    "caseload.therapist": "therapist",
    "caseload.supervisor": "supervisor",
    "caseload.admin.first-page": "admin",
    "caseload.admin.middle-page": "admin",
    "client.record.therapist": "therapist",
    "search.therapist.family-name": "therapist",
    "search.admin.name": "admin",
    "search.admin.record-number": "admin",
    "audit.log.admin": "admin",
    "people.admin": "admin",
}


def _engine() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def _leftover_databases() -> list[str]:
    tag = f"openipt_bench_30_{os.getpid()}"
    if _engine() == "sqlite":
        return [p.name for p in run.BENCH_VAR.glob(f"bench-30_{os.getpid()}*")]
    config = run.parse_database_url(os.environ["DATABASE_URL"], run.BENCH_VAR / "unused")
    with run._postgres_admin(config) as admin:
        return [row[0] for row in admin.execute("SELECT datname FROM pg_database WHERE datname = %s", [tag])]


def test_the_benchmark_measures_every_page_on_a_tiny_organisation_and_removes_its_database(tmp_path):
    # given a tiny organisation and four timed requests per page
    argv = ["--sizes", "30", "--repeat", "4", "--warmup", "0", "--out", str(tmp_path)]
    # when the benchmark runs
    code = run.main(argv)
    # then it succeeds and writes the JSON, the Markdown table and the latest table
    assert code == 0
    engine = _engine()
    [json_file] = tmp_path.glob(f"{engine}-*.json")
    assert (tmp_path / f"latest-{engine}.md").read_text() == json_file.with_suffix(".md").read_text()
    report = json.loads(json_file.read_text())
    [size] = report["sizes"]
    assert size["clients"] == 30 and size["synth_seconds"] > 0 and size["problems"] == []
    pages = {page["name"]: page for page in size["scenarios"]}
    assert CORE_PAGES.keys() <= pages.keys()
    for name, page in pages.items():
        assert "error" not in page, f"{name}: {page.get('error')}"
        assert page["median_ms"] > 0 and page["p95_ms"] >= page["median_ms"], name
        assert page["queries"] > 0 and page["bytes"] > 0 and page["peak_memory_kib"] > 0, name
    assert {name: pages[name]["role"] for name in CORE_PAGES} == CORE_PAGES
    # a whole-organisation download is timed at most DOWNLOAD_REPEAT times; every page as often as asked
    downloads = {name for name in pages if ".export-" in name}
    assert downloads and all(pages[name]["timed"] == harness.DOWNLOAD_REPEAT == 3 for name in downloads)
    assert all(page["timed"] == 4 for name, page in pages.items() if name not in downloads)
    assert "`caseload.therapist`" in (tmp_path / f"latest-{engine}.md").read_text()
    # and the database it built is gone
    assert _leftover_databases() == []


def test_a_query_count_that_changes_with_the_data_and_a_slow_clinician_page_are_flagged():
    # given results where the therapist's caseload runs one more query with more data and is slow there
    def page(name, role, queries, p95):
        return {"name": name, "role": role, "queries": queries, "median_ms": p95 / 2, "p95_ms": p95}

    report = {"failures": [], "sizes": [
        {"clients": 1000, "problems": [], "scenarios": [page("caseload.therapist", "therapist", 11, 20.0),
                                                        page("people.admin", "admin", 7, 20.0)]},
        {"clients": 10000, "problems": [], "scenarios": [page("caseload.therapist", "therapist", 12, 61.0),
                                                         page("people.admin", "admin", 7, 75.0)]},
    ]}
    # when the flags are worked out
    found = harness.flags(report)
    # then the growing count, the clinician page over 50 ms and the slow admin page are each named once
    assert found == [
        "`caseload.therapist`: the query count changes with the amount of data (11 at 1,000 clients, 12 at 10,000 clients)",
        "`caseload.therapist` (therapist) at 10,000 clients: p95 61.0 ms, clinician page over the 50 ms p95 target",
        "`people.admin` (admin) at 10,000 clients: p95 75.0 ms, over 50 ms p95 (not a clinician page, so no target applies)",
    ]


def test_the_95th_percentile_interpolates_between_the_two_nearest_timings():
    # given the timings 1 to 20 ms, the 95th percentile sits 5% of the way from the 19th to the 20th
    assert harness.percentile([float(v) for v in range(20, 0, -1)], 0.95) == pytest.approx(19.05)
    assert harness.percentile([4.0, 1.0, 3.0, 2.0], 0.5) == pytest.approx(2.5)


@pytest.mark.parametrize("sizes", ["abc", "0", "", "10,-5"])
def test_sizes_that_are_not_positive_whole_numbers_are_refused(sizes, capsys):
    with pytest.raises(SystemExit) as stopped:
        run.main(["--sizes", sizes])
    assert stopped.value.code == 2
    assert "argument --sizes" in capsys.readouterr().err


def test_only_the_named_scenario_modules_are_measured_and_the_latest_figures_are_left_alone(tmp_path):
    # given a tiny organisation, measured for the courses scenarios only
    argv = ["--sizes", "30", "--repeat", "1", "--warmup", "0", "--out", str(tmp_path), "--only", "courses"]
    assert run.main(argv) == 0
    engine = _engine()
    [json_file] = tmp_path.glob(f"{engine}-*-courses.json")
    [size] = json.loads(json_file.read_text())["sizes"]
    # then every page measured is a courses page, and no "latest" table was written
    assert size["scenarios"] and {page["module"] for page in size["scenarios"]} == {"courses"}
    assert not (tmp_path / f"latest-{engine}.md").exists()
