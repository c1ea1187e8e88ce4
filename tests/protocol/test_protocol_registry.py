"""The registry keeps the last valid content when a reload fails."""

import pytest

from openipt.protocol import ProtocolRegistry, ProtocolUnavailable
from tests.support.protocol import write_pack

GOOD = """
    kind: techniques
    items:
      - id: role_play
        example: Clinic example.
"""
BAD = """
    kind: techniques
    items:
      - id: role_play
        example: 7
"""


def test_failed_reload_keeps_the_last_valid_protocol(tmp_path):
    # given a registry loaded with a good pack
    pack = write_pack(tmp_path / "clinic", {"t.yaml": GOOD})
    registry = ProtocolRegistry(packs=[pack])
    before = registry.current
    assert before.technique("role_play").example == "Clinic example."
    # when the pack is broken and reloaded
    (pack / "t.yaml").write_text("kind: techniques\nitems:\n  - id: role_play\n    example: 7\n")
    errors = registry.reload()
    # then the errors are returned and the old content stays in use
    assert [(e.line, "must be text" in e.message) for e in errors] == [(4, True)]
    assert registry.current is before
    assert registry.last_errors == tuple(errors)
    # and a fixed pack is picked up by the next reload
    (pack / "t.yaml").write_text("kind: techniques\nitems:\n  - id: role_play\n    example: Fixed.\n")
    assert registry.reload() == []
    assert registry.current.technique("role_play").example == "Fixed."
    assert registry.last_errors == ()


def test_reload_with_new_packs_that_fail_keeps_the_old_pack_list(tmp_path):
    good = write_pack(tmp_path / "good", {"t.yaml": GOOD})
    bad = write_pack(tmp_path / "bad", {"t.yaml": BAD})
    registry = ProtocolRegistry(packs=[good])
    assert registry.reload(packs=[bad])
    assert registry.packs == (good,)
    assert registry.current.technique("role_play").example == "Clinic example."


def test_registry_that_never_loaded_says_so(tmp_path):
    bad = write_pack(tmp_path / "bad", {"t.yaml": BAD})
    registry = ProtocolRegistry(packs=[bad])
    with pytest.raises(ProtocolUnavailable) as caught:
        _ = registry.current
    assert "bad/t.yaml:4" in str(caught.value)
