"""Work out what `openipt protocol validate PATH` was pointed at, before reading any content.

A user may name a pack directory, its `pack.yaml`, a content root (a folder of packs, such as
the shipped `content/`), or one content file inside a pack. Anything else is refused with one
line, so an unrelated folder is never read file by file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openipt.core.content import LocDict, parse_yaml

from .loader import BASE_LANGUAGE, CONTENT_ROOT

MANIFEST = "pack.yaml"
CONTENT_SUFFIXES = (".yaml", ".yml", ".md")


class NotContent(Exception):
    """The path is not something `validate` can check; the message is one line for the user."""


@dataclass
class Targets:
    """What to check: a base pack (None means the shipped one) and the packs to merge onto it."""

    base: Path | None = None
    packs: list[Path] = field(default_factory=list)


def _pack_type(directory: Path) -> str | None:
    """Return the `type` a pack's manifest declares, or None if it does not say."""
    try:
        text = (directory / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    data = parse_yaml(text, str(directory / MANIFEST))[0].data
    kind = data.get("type") if isinstance(data, LocDict) else None
    return kind if isinstance(kind, str) else None


def _is_pack(directory: Path) -> bool:
    return (directory / MANIFEST).is_file()


def _enclosing_pack(path: Path) -> Path | None:
    for parent in path.resolve().parents:
        if _is_pack(parent):
            return parent
    return None


def _packs_of(path: Path) -> list[Path]:
    """Return the pack directories one path names (raise NotContent if it names none)."""
    if not path.exists():
        raise NotContent(f"{path}: no such file or directory")
    if path.is_dir():
        if _is_pack(path):
            return [path]
        children = sorted(p for p in path.iterdir() if p.is_dir() and _is_pack(p))
        if children:
            return children
        raise NotContent(
            f"{path}: not a content pack (no {MANIFEST} in it) and not a folder of packs; "
            "point at a pack, its pack.yaml, the content folder or one content file"
        )
    if path.name == MANIFEST:
        return [path.parent]
    pack = _enclosing_pack(path) if path.suffix in CONTENT_SUFFIXES else None
    if pack is None:
        raise NotContent(f"{path}: not a content file inside a pack (a .yaml or .md file under a {MANIFEST})")
    return [pack]


def resolve_targets(paths: list[str]) -> Targets:
    """Sort the named paths into one base pack and the clinic packs to merge onto it."""
    packs: dict[Path, Path] = {}
    for raw in paths:
        for pack in _packs_of(Path(raw)):
            packs.setdefault(pack.resolve(), pack)
    bases = [p for p in packs.values() if _pack_type(p) == "base"]
    if len(bases) > 1:
        raise NotContent(f"{bases[1]}: only one base pack can be checked at a time (also {bases[0]})")
    base = bases[0] if bases else None
    shipped = CONTENT_ROOT.resolve()
    if base is not None and base.resolve() == shipped / BASE_LANGUAGE:
        base = None
    others = [p for p in packs.values() if p not in bases]
    if base is None:
        others = [p for p in others if p.resolve().parent != shipped]
    return Targets(base, others)
