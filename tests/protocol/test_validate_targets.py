"""`openipt protocol validate` checks what a user points it at and refuses anything else."""

import io
import subprocess
import sys
from pathlib import Path

from openipt.protocol.cli import protocol_main
from tests.support.protocol import BASE_DIR, write_pack

CONTENT = BASE_DIR.parent
REPO = Path(__file__).resolve().parents[2]
GOOD_TRANSLATION = """
kind: techniques
items:
  - id: role_play
    name: Okwegezaamu
"""


def _run(*paths):
    out, err = io.StringIO(), io.StringIO()
    code = protocol_main(["validate", *map(str, paths)], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _assert_base_ok(code, out, err):
    assert (code, err) == (0, ""), out
    assert "(base, en)" in out and "checked as the base content; no problems." in out
    assert "problem" not in out.replace("no problems", "")


def test_the_shipped_content_folder_is_valid():
    _assert_base_ok(*_run(CONTENT))


def test_the_shipped_base_pack_folder_is_valid():
    _assert_base_ok(*_run(BASE_DIR))


def test_the_shipped_pack_yaml_is_valid():
    _assert_base_ok(*_run(BASE_DIR / "pack.yaml"))


def test_one_content_file_checks_the_pack_it_belongs_to(tmp_path):
    pack = write_pack(tmp_path / "lg", {"t.yaml": GOOD_TRANSLATION}, pack_type="translation", language="lg")
    code, out, err = _run(pack / "t.yaml")
    assert (code, err) == (0, "")
    assert "OK: Test pack (translation, lg) - 1 item(s) and 0 topic(s)" in out


def test_a_folder_of_packs_checks_each_pack(tmp_path):
    write_pack(tmp_path / "lg", {"t.yaml": GOOD_TRANSLATION}, pack_type="translation", language="lg")
    write_pack(tmp_path / "sw", {"t.yaml": GOOD_TRANSLATION}, pack_type="translation", language="sw")
    code, out, err = _run(tmp_path)
    assert (code, err) == (0, "")
    assert "(translation, lg)" in out and "(translation, sw)" in out
    assert "Languages available: en, es, lg, sw." in out  # es and sw also ship with OpenIPT


def test_a_bad_content_file_reports_its_line(tmp_path):
    pack = write_pack(
        tmp_path / "clinic", {"t.yaml": "kind: techniques\nitems:\n  - id: role_play\n    example: 7\n"}
    )
    code, out, _ = _run(pack / "t.yaml")
    assert code == 1
    assert f"{pack}/t.yaml:4: 'example' in technique 'role_play' must be text, not a whole number" in out


def _assert_refused(code, out, err, *words):
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("openipt protocol: ")
    for word in words:
        assert word in err


def test_an_unrelated_folder_is_refused_without_reading_its_files(tmp_path):
    for n in range(200):
        (tmp_path / f"notes-{n}.yaml").write_text("kind: pack\n: not yaml [", encoding="utf-8")
    _assert_refused(*_run(tmp_path), "not a content pack")


def test_a_file_outside_any_pack_is_refused(tmp_path):
    loose = tmp_path / "loose.yaml"
    loose.write_text(GOOD_TRANSLATION, encoding="utf-8")
    _assert_refused(*_run(loose), "not a content file inside a pack")


def test_a_missing_path_is_refused(tmp_path):
    _assert_refused(*_run(tmp_path / "nope"), "no such file or directory")


def test_two_base_packs_are_refused(tmp_path):
    other = write_pack(tmp_path / "base2", {}, pack_type="base")
    _assert_refused(*_run(BASE_DIR, other), "only one base pack")


def test_the_command_line_refuses_with_exit_code_2(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "openipt.cli", "protocol", "validate", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "not a content pack" in result.stderr


def test_the_command_line_validates_the_shipped_content():
    result = subprocess.run(
        [sys.executable, "-m", "openipt.cli", "protocol", "validate", str(CONTENT)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout
