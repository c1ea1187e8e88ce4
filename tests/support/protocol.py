"""Helpers for protocol tests: write small content packs into a temporary directory."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from openipt.protocol.errors import ContentError
from openipt.protocol.loader import CONTENT_ROOT

BASE_DIR = CONTENT_ROOT / "en"


def write_pack(
    root: Path,
    files: dict[str, str],
    pack_type: str = "adaptation",
    language: str = "en",
    manifest: str | None = None,
) -> Path:
    """Write a pack (pack.yaml plus `files`, dedented) under `root` and return its directory."""
    root.mkdir(parents=True, exist_ok=True)
    if manifest is None:
        manifest = f"kind: pack\nid: test-pack\ntype: {pack_type}\nlanguage: {language}\nname: Test pack\n"
    (root / "pack.yaml").write_text(manifest, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def copy_base(target: Path) -> Path:
    """Copy the shipped English content to `target` so a test can break it."""
    shutil.copytree(BASE_DIR, target)
    return target


def errors_in(errors: list[ContentError], file_suffix: str) -> list[ContentError]:
    """Return the errors reported for files whose path ends with `file_suffix`."""
    return [e for e in errors if e.file.replace("\\", "/").endswith(file_suffix)]
