"""`openipt protocol show` and `openipt protocol validate DIR`."""

import io
import json

from openipt.protocol.cli import protocol_main
from tests.support.protocol import write_pack


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = protocol_main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_show_lists_formats_phases_and_areas():
    code, out, err = _run(["show"])
    assert code == 0 and err == ""
    assert "individual: Individual IPT - sessions 12-16 (default 12), weekly" in out
    assert "maintenance" in out and "3 or more" in out
    assert "group of 4-14" in out
    assert "termination: Termination phase" in out
    assert (
        'role_dispute: Interpersonal role dispute ("Disagreements") [stages: renegotiation, impasse, dissolution]'
        in out
    )


def test_show_json_is_parseable_and_complete():
    code, out, _ = _run(["show", "--json"])
    data = json.loads(out)
    assert code == 0
    assert [f["id"] for f in data["formats"]] == [
        "individual",
        "brief",
        "ipc",
        "ipt_a",
        "perinatal",
        "couples",
        "maintenance",
        "group",
    ]
    assert [p["id"] for p in data["phases"]] == ["initial", "middle", "termination"]
    assert len(data["areas"]) == 4


def test_validate_a_good_pack_prints_a_summary(tmp_path):
    pack = write_pack(
        tmp_path / "lg",
        {
            "t.yaml": """
        kind: techniques
        items:
          - id: role_play
            name: Okwegezaamu
        """
        },
        pack_type="translation",
        language="lg",
    )
    code, out, err = _run(["validate", str(pack)])
    assert code == 0 and err == ""
    assert "OK: Test pack (translation, lg) - 1 item(s) and 0 topic(s)" in out


def test_validate_a_bad_pack_prints_file_line_message_and_fails(tmp_path):
    pack = write_pack(
        tmp_path / "clinic",
        {
            "t.yaml": """
        kind: techniques
        items:
          - id: role_play
            example: 7
          - id: mind_reading
            name: Mind reading
        """
        },
    )
    code, out, _ = _run(["validate", str(pack)])
    assert code == 1
    lines = out.strip().splitlines()
    assert f"{pack}/t.yaml:4: 'example' in technique 'role_play' must be text, not a whole number" in lines
    assert f"{pack}/t.yaml:5: missing field 'description' in technique 'mind_reading'" in lines
    assert lines[-1] == "2 problem(s) found."


def test_bad_usage_prints_one_line_and_returns_non_zero(tmp_path):
    for argv in ([], ["frobnicate"], ["validate"], ["show", "--colour"], ["show", "--lang", "xx"]):
        code, out, err = _run(argv)
        assert code == 2, argv
        assert len(err.strip().splitlines()) == 1 and err.startswith("openipt protocol:")


def test_help_goes_to_stdout_and_succeeds():
    code, out, err = _run(["--help"])
    assert code == 0 and "validate" in out and err == ""
