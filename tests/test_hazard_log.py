"""The hazard log's controls name tests that exist: a renamed or deleted test shows up here, not in a safety review."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
REFERENCE = re.compile(r"`((?:[a-z0-9_]+/)*test_[a-z0-9_]+\.py)::(test_[A-Za-z0-9_]+)")


def test_every_test_the_hazard_log_names_exists():
    text = LOG.read_text(encoding="utf-8")
    named = set(REFERENCE.findall(text))
    assert len(named) > 500  # the log names its tests; a change to how it names them must not empty this check
    missing = []
    for path, name in sorted(named):
        source = ROOT / "tests" / path
        if not source.exists() or not re.search(rf"^\s*(?:async )?def {re.escape(name)}\b", source.read_text(encoding="utf-8"), re.M):
            missing.append(f"{path}::{name}")
    assert missing == [], "the hazard log names tests that do not exist:\n" + "\n".join(missing)


def test_every_hazard_has_controls_and_ends_with_a_rule():
    text = LOG.read_text(encoding="utf-8")
    sections = re.split(r"(?m)^## (?=HAZ-\d{3})", text)[1:]
    assert len(sections) >= 40
    for section in sections:
        title = section.splitlines()[0]
        body = section.split("\n## ")[0]
        assert "**Controls" in body and REFERENCE.search(body), f"{title}: no controls with tests"
        assert body.rstrip().endswith("---"), f"{title}: does not end with ---"
