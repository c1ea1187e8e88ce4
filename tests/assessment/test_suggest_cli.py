"""`openipt suggest-area`: JSON and text output, and one clear line with exit 2 on bad input."""

import io
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from openipt.assessment.cli import suggest_area_main

GRIEF_CASE = {
    "reference_date": "2026-07-01",
    "onset": {"date": "2026-05"},
    "inventory": [{"name": "Dad", "relationship": "father", "ring": "inner"}],
    "timeline": [{"date": "2026-03", "kind": "death", "people": ["Dad"], "mood_effect": "much_worse"}],
}


def run(argv, stdin_text=""):
    out, err = io.StringIO(), io.StringIO()
    code = suggest_area_main(argv, stdin=io.StringIO(stdin_text), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, data, name="case.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_a_case_file_prints_ranked_suggestions_as_json(tmp_path):
    code, out, err = run([write(tmp_path, GRIEF_CASE)])
    assert (code, err) == (0, "")
    payload = json.loads(out)
    [top] = payload["suggestions"]
    assert (top["rank"], top["area"], top["confidence"]) == (1, "grief", "high")
    assert top["evidence"][0]["people"] == [{"index": 0, "name": "Dad"}]
    assert top["evidence"][0]["sentence"].startswith("Death of Dad (father) in March 2026")
    assert payload["onset"] == "2026-05"


def test_stdin_is_read_when_the_file_is_a_dash():
    code, out, _ = run(["-"], json.dumps(GRIEF_CASE))
    assert code == 0 and json.loads(out)["suggestions"][0]["area"] == "grief"


def test_text_mode_is_readable_and_shows_the_evidence(tmp_path):
    code, out, _ = run(["--text", write(tmp_path, GRIEF_CASE)])
    assert code == 0
    assert "1. grief (primary): score 6.25, threshold 3, confidence high" in out
    assert "Death of Dad (father) in March 2026, about 2 months before symptoms began → grief" in out
    assert out.rstrip().endswith("not a decision.")


def test_a_missing_file_is_one_line_and_exit_2(tmp_path):
    code, out, err = run([str(tmp_path / "nope.json")])
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "no such file" in err


def test_malformed_json_names_line_and_column(tmp_path):
    code, _, err = run([write(tmp_path, '{\n  "reference_date": ,\n}')])
    assert code == 2
    assert err.startswith("suggest-area: ") and "is not valid JSON: line 2 column 21" in err
    assert err.count("\n") == 1


def test_an_invalid_case_names_the_field(tmp_path):
    bad = dict(GRIEF_CASE, timeline=[{"date": "soon", "kind": "death"}])
    code, _, err = run([write(tmp_path, bad)])
    assert code == 2
    assert "invalid case in" in err and "timeline[0].date: not a date" in err
    assert err.count("\n") == 1


def test_no_file_or_two_files_or_an_unknown_option_is_a_usage_error():
    for argv in ([], ["a.json", "b.json"], ["--fast", "a.json"], ["--rules"]):
        code, out, err = run(argv)
        assert (code, out) == (2, "")
        assert err.count("\n") == 1 and "usage: openipt suggest-area" in err


def test_help_goes_to_stdout_with_exit_0():
    code, out, err = run(["--help"])
    assert (code, err) == (0, "")
    assert out.startswith("usage: openipt suggest-area")


def test_a_broken_rules_file_is_exit_2_with_its_line(tmp_path):
    rules = write(tmp_path, "version: 1\nareas: [oops\n", "rules.yaml")
    code, _, err = run(["--rules", rules, write(tmp_path, GRIEF_CASE)])
    assert code == 2
    assert "bad rules file" in err and "rules.yaml:" in err and "not valid YAML" in err


def test_a_directory_is_refused(tmp_path):
    code, _, err = run([str(tmp_path)])
    assert code == 2 and "is a directory" in err


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"x": "\xe9"}')
    code, _, err = run([str(path)])
    assert code == 2 and "not UTF-8" in err


def test_deeply_nested_json_is_refused_without_a_traceback():
    code, _, err = run(["-"], "[" * 100_000 + "]" * 100_000)
    assert code == 2 and err.count("\n") == 1


@given(st.text(max_size=200))
def test_any_text_on_stdin_gives_a_clean_answer(text):
    code, out, err = run(["-"], text)
    assert code in (0, 2)
    if code == 2:
        assert out == "" and err.count("\n") == 1 and err.startswith("suggest-area: ")


def test_a_field_name_with_a_line_break_still_gives_one_line():
    code, _, err = run(["-"], json.dumps(dict(GRIEF_CASE, **{"bad\nkey": 1})))
    assert code == 2 and err.count("\n") == 1 and "'bad\\nkey': unknown field" in err


VIGNETTES = str(Path(__file__).parent / "vignettes")


def test_evaluate_prints_top1_and_top2_for_the_blind_and_development_vignettes():
    code, out, err = run(["--evaluate", VIGNETTES, "--glob", "h1[2-9]_*,h[23][0-9]_*,t5*"])
    assert (code, err) == (0, "")
    blind, development = out.splitlines()[1:3]
    assert blind.startswith("[blind] n=21  top1: ") and " top2: " in blind
    assert development.startswith("[development] n=2  top1: ")


def test_evaluate_refuses_a_missing_directory_an_empty_match_and_a_case_file(tmp_path):
    code, _, err = run(["--evaluate", str(tmp_path / "nowhere")])
    assert code == 2 and "not a directory" in err
    code, _, err = run(["--evaluate", VIGNETTES, "--glob", "zz*"])
    assert code == 2 and "no vignettes" in err
    code, _, err = run(["--evaluate", VIGNETTES, "case.json"])
    assert code == 2 and "takes a directory" in err and err.count("\n") == 1


def test_an_old_case_file_with_death_or_other_loss_still_reads_by_its_description(tmp_path):
    # given a case written before grief was kept for a death
    old = dict(GRIEF_CASE, timeline=[{"date": "2026-03", "kind": "death_loss", "description": "Lost my job",
                                      "mood_effect": "much_worse"}])
    code, out, _ = run([write(tmp_path, old)])
    # then the job loss is a role transition, not grief
    assert code == 0
    assert json.loads(out)["suggestions"][0]["area"] == "role_transition"
