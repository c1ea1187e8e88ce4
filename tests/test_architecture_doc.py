"""docs/architecture.md agrees with the code: the layer diagram is the one `.importlinter` gives,
and every file, folder and module the page names exists. No database."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
TOOL = ROOT / "bench" / "tools" / "layer_diagram.py"

PATH = re.compile(r"`((?:openipt|tests|bench|docs|\.ci)/[^`\s]*)`")
MODULE = re.compile(r"`(openipt(?:\.\w+)+)")
APPS = sorted(p.name for p in (ROOT / "openipt").iterdir() if (p / "__init__.py").is_file())
# `courses.participants.register_second_participant`: a module named from its app, without `openipt.`
SHORT = re.compile(rf"`((?:{'|'.join(APPS)})(?:\.\w+)+)")
FILE_SUFFIXES = {"py", "yaml", "md", "js", "html"}
LINK = re.compile(r"\]\(([^)#\s]+\.md)\)")


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_layer_diagram_matches_the_import_contracts():
    done = run_tool("--check")
    assert done.returncode == 0, done.stderr


def test_check_fails_and_changes_nothing_when_the_contracts_move(tmp_path):
    contracts = (ROOT / ".importlinter").read_text(encoding="utf-8")
    moved = tmp_path / "importlinter"
    moved.write_text(contracts.replace("    openipt.measures\n    openipt.courses\n",
                                       "    openipt.courses\n    openipt.measures\n"), encoding="utf-8")
    assert moved.read_text(encoding="utf-8") != contracts, "the layers this test swaps are no longer adjacent"
    doc = tmp_path / "architecture.md"
    doc.write_text(DOC.read_text(encoding="utf-8"), encoding="utf-8")

    done = run_tool("--check", "--contracts", str(moved), "--doc", str(doc))

    assert done.returncode == 1
    assert "does not match" in done.stderr
    assert doc.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")


def test_rewrite_puts_the_contracts_order_in_the_doc(tmp_path):
    doc = tmp_path / "architecture.md"
    doc.write_text("# Title\n\n<!-- layers:start -->\nold\n<!-- layers:end -->\n\nAfter.\n", encoding="utf-8")

    assert run_tool("--doc", str(doc)).returncode == 0

    text = doc.read_text(encoding="utf-8")
    assert "old" not in text and text.endswith("\n\nAfter.\n")
    assert "    measures --> courses\n" in text and "    courses --> safety\n" in text
    assert run_tool("--check", "--doc", str(doc)).returncode == 0


def test_a_doc_without_markers_is_refused_with_a_clear_message(tmp_path):
    doc = tmp_path / "architecture.md"
    doc.write_text("# No markers\n", encoding="utf-8")

    done = run_tool("--check", "--doc", str(doc))

    assert done.returncode != 0
    assert "layers:start" in done.stderr


def defined_in(module_file: Path, name: str) -> bool:
    source = module_file.read_text(encoding="utf-8")
    return re.search(rf"^\s*(?:def|class)\s+{name}\b|^{name}\s*[:=]|^\s*(?:from\s+\S+\s+)?import\b.*\b{name}\b",
                     source, re.MULTILINE) is not None


def module_exists(dotted: str) -> bool:
    """`openipt.a.b` is a module or package, or `openipt.a.b.name` names something defined in one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        found = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
        if found.is_file():
            rest = parts[cut:]
            return not rest or (len(rest) == 1 and defined_in(found, rest[0]))
    return False


def test_every_path_and_module_the_doc_names_exists():
    text = DOC.read_text(encoding="utf-8")
    paths = {p for p in PATH.findall(text) if "<" not in p and "*" not in p}
    modules = set(MODULE.findall(text))
    modules |= {f"openipt.{m}" for m in SHORT.findall(text) if m.rsplit(".", 1)[-1] not in FILE_SUFFIXES}
    links = set(LINK.findall(text))
    assert len(paths) > 30 and len(modules) > 20, "the patterns no longer find what the doc names"

    missing = sorted(p for p in paths if not (ROOT / p).exists())
    missing += sorted(m for m in modules if not module_exists(m))
    missing += sorted(link for link in links if not (DOC.parent / link).exists())
    assert not missing, f"docs/architecture.md names what does not exist: {missing}"
