"""The `openipt score` command: JSON out on success, one line and exit 2 on bad input."""

import io
import json
from pathlib import Path

import pytest

from openipt.measures.cli import score_main

DATA = Path(__file__).parent / "data"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = score_main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_scores_the_phq9_example_as_json():
    code, out, err = run("phq9", "1", "2", "0", "3", "1", "0", "2", "1", "0")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["total"] == 10 and data["band"]["id"] == "moderate"
    assert data["prorated"] is False and data["flags"] == []
    assert data["item_scores"] == {"q1": 1, "q2": 2, "q3": 0, "q4": 3, "q5": 1, "q6": 0, "q7": 2, "q8": 1, "q9": 0}


def test_dash_is_a_missing_answer_and_item_nine_flags():
    code, out, _ = run("phq9", "2", "2", "2", "2", "2", "2", "2", "-", "-")
    data = json.loads(out)
    assert (code, data["total"], data["prorated"]) == (0, 18, True)
    code, out, _ = run("phq9", "0", "0", "0", "0", "0", "0", "0", "0", "2")
    assert json.loads(out)["flags"][0]["item"] == "q9"


def test_the_unscored_difficulty_answer_may_be_given_too():
    code, out, _ = run("phq9", "1", "1", "1", "1", "1", "1", "1", "1", "1", "2")
    data = json.loads(out)
    assert (code, data["total"], data["unscored_answers"]) == (0, 9, {"difficulty": 2})


def test_sex_sets_the_auditc_cut_off():
    assert json.loads(run("auditc", "--sex", "male", "1", "1", "1")[1])["screen"]["positive"] is False
    assert json.loads(run("auditc", "--sex=female", "1", "1", "1")[1])["screen"]["positive"] is True
    unknown = json.loads(run("auditc", "1", "1", "1")[1])["screen"]
    assert (unknown["positive"], unknown["basis"]) == (True, "sex_unknown")


def test_list_shows_every_instrument():
    code, out, _ = run("--list")
    codes = [line.split()[0] for line in out.splitlines()]
    assert code == 0
    assert codes == sorted(["auditc", "gad7", "hamd17", "ipt_goal", "phq2", "phq9", "session_feedback"])


def test_a_site_directory_adds_its_instrument():
    code, out, _ = run("--dir", str(DATA), "example_perinatal", *["0"] * 10)
    data = json.loads(out)
    assert (code, data["total"], data["band"]["id"]) == (0, 21, "likely")
    assert "example_perinatal" in run("--dir", str(DATA), "--list")[1]


@pytest.mark.parametrize(("argv", "message"), [
    (["epds", "1"], "unknown instrument 'epds'"),
    (["phq9", "1", "2"], "phq9 needs 9 answers (10 with the unscored item), got 2"),
    (["phq9", "1", "2", "0", "3", "1", "0", "2", "1", "4"], "item q9: 4 is not one of the answer values"),
    (["phq9", "1", "2", "0", "3", "1", "0", "2", "1", "-1"], "item q9: -1 is not one of the answer values"),
    (["phq9", "1", "two", "0", "3", "1", "0", "2", "1", "0"], "answer 2 (phq9 item q2): 'two' is not a whole number"),
    (["phq9", "1", "1.5", "0", "3", "1", "0", "2", "1", "0"], "'1.5' is not a whole number"),
    (["auditc", "--sex", "unknown", "1", "1", "1"], "--sex must be female or male"),
    (["auditc", "--sex"], "--sex needs a value"),
    (["phq9", "--verbose"], "unknown option --verbose"),
    ([], "give an instrument code"),
    (["--list", "phq9"], "--list takes no instrument"),
    (["--dir", "/nonexistent/openipt", "--list"], "instrument directory not found"),
])
def test_bad_input_exits_2_with_one_clear_line(argv, message):
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_a_broken_site_file_is_reported_on_one_line(tmp_path):
    (tmp_path / "bad.yaml").write_text((DATA / "example_perinatal.yaml").read_text().replace("cutoff: 13", "cutoff: 99")
                                       .replace("threshold: 1\n", "threshold: 9\n"))
    code, _, err = run("--dir", str(tmp_path), "--list")
    assert code == 2 and err.count("\n") == 1
    assert "bad.yaml:" in err and "(and 1 more problem)" in err


def test_help_prints_usage():
    code, out, _ = run("--help")
    assert code == 0 and out.startswith("usage: openipt score")
