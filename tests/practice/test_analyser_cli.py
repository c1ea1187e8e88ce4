"""`openipt analyse` prints JSON a person or a script can use, and never crashes on bad input."""

from __future__ import annotations

import io
import json

from openipt.practice.cli import analyse_main


def _run(argv, stdin_text=""):
    out, err = io.StringIO(), io.StringIO()
    code = analyse_main(argv, stdin=io.StringIO(stdin_text), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_message_argument_prints_findings_and_feedback_as_json():
    # when a blaming message is analysed
    code, out, err = _run(["You never listen to me"])
    # then it exits 0 and prints JSON with both hurtful findings and their spans
    assert code == 0 and err == ""
    data = json.loads(out)
    assert {f["pattern"] for f in data["findings"]} == {"blame_you_statement", "always_never"}
    never = next(f for f in data["findings"] if f["pattern"] == "always_never")
    assert never == {"pattern": "always_never", "family": "hurtful", "span": [0, 9], "text": "You never",
                     "suggestion": never["suggestion"]}
    assert never["suggestion"]
    assert data["hurtful"] == 2 and data["helpful"] == 0
    assert data["feedback"].startswith("Things to change:")


def test_several_arguments_are_joined_into_one_message():
    code, out, _ = _run(["I", "feel", "sad"])
    assert code == 0
    data = json.loads(out)
    assert {f["pattern"] for f in data["findings"]} == {"i_statement", "naming_feeling"}
    assert data["findings"][0]["span"] == [0, 10]


def test_dash_reads_the_message_from_stdin():
    code, out, _ = _run(["-"], "Could you call me on Sunday?\n")
    assert code == 0
    assert [f["pattern"] for f in json.loads(out)["findings"]] == ["specific_request"]


def test_no_argument_is_exit_2_with_one_line():
    code, out, err = _run([])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error:")


def test_empty_or_blank_message_is_exit_2():
    for argv, stdin in (([""], ""), (["   "], ""), (["-"], ""), (["-"], " \n\t ")):
        code, out, err = _run(argv, stdin)
        assert code == 2 and out == "" and err.count("\n") == 1, (argv, stdin)


def test_non_english_text_is_analysed_without_error():
    code, out, _ = _run(["日本語のメッセージ 😊"])
    data = json.loads(out)
    assert code == 0 and data["findings"] == [] and "English" in data["feedback"]


def test_help_prints_usage():
    code, out, _ = _run(["--help"])
    assert code == 0 and "openipt analyse" in out


def test_lang_reads_the_message_with_that_languages_patterns():
    code, out, err = _run(["--lang", "es", "Nunca me escuchas"])
    assert code == 0 and err == ""
    data = json.loads(out)
    assert {f["pattern"] for f in data["findings"]} == {"blame_you_statement", "always_never"}
    assert data["feedback"].startswith("Cosas que cambiar:") and data["language"] == "es" and data["supported"]
    code, out, _ = _run(["--lang=sw", "-"], "Hunisikilizi kamwe.")
    assert code == 0 and json.loads(out)["language"] == "sw" and json.loads(out)["hurtful"] == 2


def test_a_language_with_no_patterns_says_so_and_a_missing_code_is_a_clear_error():
    code, out, _ = _run(["--lang", "ar", "You never listen"])
    data = json.loads(out)
    assert code == 0 and data["findings"] == [] and data["supported"] is False
    assert "not available in this language yet" in data["feedback"]
    code, out, err = _run(["--lang"])
    assert code == 2 and out == "" and "--lang needs a language code" in err
