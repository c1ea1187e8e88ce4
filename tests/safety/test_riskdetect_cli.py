"""`openipt risk scan`: one JSON object per input line, and no crash on any input."""

import io
import json

from openipt.safety.cli import risk_scan_main
from openipt.safety.riskdetect.patternset import PATTERN_DIR

SHIPPED = (PATTERN_DIR / "en.yaml").read_text(encoding="utf-8")


def run(argv, data):
    stdin = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    out, err = io.StringIO(), io.StringIO()
    code = risk_scan_main(argv, stdin=stdin, stdout=out, stderr=err)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, records, err.getvalue()


def test_each_line_gives_one_json_object_with_flag_severity_rules_and_spans():
    # given three lines, one risky, one blank, one an idiom
    code, records, err = run(["scan"], "I want to die\n\nthis traffic is killing me\n")
    # then three objects come back, in order
    assert code == 0 and err == ""
    assert [r["line"] for r in records] == [1, 2, 3]
    first = records[0]
    assert (first["flag"], first["severity"]) == (True, "high")
    match = first["matches"][0]
    assert match["rule"] == "suicidal.want_to_die"
    assert first["text"][match["start"] : match["end"]] == "want to die"
    assert match["why"]


def test_a_blank_line_gives_a_no_flag_object():
    code, records, _ = run(["scan"], "\n")
    assert code == 0
    assert records == [
        {
            "line": 1,
            "text": "",
            "flag": False,
            "severity": None,
            "kinds": {},
            "version": records[0]["version"],
            "matches": [],
            "set_aside": [],
        }
    ]


def test_invalid_utf8_is_replaced_not_fatal():
    code, records, _ = run(["scan"], b"\xff\xfe I want to kill myself\r\nok\n")
    assert code == 0
    assert records[0]["text"] == "\ufffd\ufffd I want to kill myself"
    assert records[0]["severity"] == "high"
    assert records[1]["text"] == "ok"


def test_control_characters_and_emoji_are_fine():
    code, records, _ = run(["scan"], "\x00\x07 😭😭 i wanna die \u202e\n")
    assert code == 0
    assert records[0]["flag"] is True


def test_bad_arguments_give_one_clear_error_line_and_code_2():
    for argv in ([], ["sacn"], ["scan", "--bogus"], ["scan", "--patterns"]):
        code, records, err = run(argv, "I want to die\n")
        assert code == 2
        assert records == []
        assert len(err.strip().splitlines()) == 1
        assert err.startswith("openipt risk: ")


def test_a_broken_pattern_file_gives_one_error_line_and_code_1(tmp_path):
    bad = tmp_path / "mine.yaml"
    assert "pattern: 'kms'" in SHIPPED
    bad.write_text(SHIPPED.replace("pattern: 'kms'", "pattern: 'km.*s'"), encoding="utf-8")
    code, records, err = run(["scan", "--patterns", str(bad)], "kms\n")
    assert code == 1
    assert records == []
    assert len(err.strip().splitlines()) == 1
    line = next(i for i, text in enumerate(SHIPPED.splitlines(), start=1) if "pattern: 'kms'" in text)
    assert f"mine.yaml:{line}: rules[" in err and "unbounded repeats" in err


def test_a_clinic_can_try_its_own_pattern_file(tmp_path):
    # given a clinic's copy of the patterns with one extra local phrase
    extra = "  - id: local.catch_the_train\n    family: plan_or_means\n    severity: high\n    explanation: Local slang.\n    pattern: 'catch the last train for good'\n"
    mine = tmp_path / "clinic.yaml"
    mine.write_text(SHIPPED.replace('version: "', 'version: "clinic-') + extra, encoding="utf-8")
    # when its phrases are scanned with that file
    code, records, _ = run(["scan", f"--patterns={mine}"], "I'll catch the last train for good\n")
    # then its own rule is used
    assert code == 0
    assert records[0]["version"].startswith("en-clinic-")
    assert records[0]["matches"][0]["rule"] == "local.catch_the_train"


def test_help_and_summary():
    out = io.StringIO()
    assert risk_scan_main(["scan", "--help"], stdin=io.StringIO(""), stdout=out, stderr=io.StringIO()) == 0
    assert out.getvalue().startswith("usage: openipt risk scan")
    out = io.StringIO()
    err = io.StringIO()
    assert (
        risk_scan_main(
            ["scan", "--summary"], stdin=io.StringIO("I want to die\nhello\n"), stdout=out, stderr=err
        )
        == 0
    )
    assert err.getvalue().startswith("1 of 2 lines flagged")
