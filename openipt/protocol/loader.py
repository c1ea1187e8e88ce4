"""Load the shipped protocol content, merge a clinic's content packs, and check the result.

A pack is a directory with a `pack.yaml` manifest, YAML files that each declare their `kind`,
and Markdown topics under a `topics/` folder. The shipped English content is the base pack.
Adaptation packs change or add items by id; translation packs replace text for one language.
The result is checked as a whole; every problem is returned with its file and line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from openipt.core.content import Loc, LocDict, LocList, MarkdownDoc, load_markdown, parse_yaml

from .build import (
    Checked,
    build_area,
    build_fidelity,
    build_format,
    build_group_guide,
    build_phase,
    build_plan,
    build_technique,
    build_topic,
)
from .catalog import Catalog, check_references, cross_check
from .errors import ContentError, ContentErrors
from .kinds import EXTRA_CHECKS, FILE_KINDS, ITEM_SCHEMAS, PACK, TOPIC
from .merge import ADAPTATION, TRANSLATION, check_translation_item, merge_item
from .model import PackInfo
from .pieces import compare, item_texts, topic_texts
from .schema import Checker, Record, label_of
from .schema import check as check_item

T = TypeVar("T")

CONTENT_ROOT = Path(__file__).resolve().parent / "content"
BASE_LANGUAGE = "en"
TOPIC_TRANSLATABLE = ("id", "title", "summary")


@dataclass
class RawPack:
    """A pack as read from disk, before merging."""

    root: str
    info: PackInfo | None = None
    items: dict[str, dict[str, LocDict]] = field(default_factory=dict)
    topics: dict[str, MarkdownDoc] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)


@dataclass
class Content:
    """Merged raw content: items per kind and topics, keyed by id."""

    items: dict[str, dict[str, LocDict]] = field(default_factory=dict)
    topics: dict[str, MarkdownDoc] = field(default_factory=dict)

    def copy(self) -> Content:
        """Return a copy whose dicts can be changed without touching this one."""
        return Content({k: dict(v) for k, v in self.items.items()}, dict(self.topics))


def _files(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                found.append(Path(dirpath) / name)
    return found


def read_pack(root: str | os.PathLike[str]) -> RawPack:
    """Read one pack directory; problems are collected in the pack's `errors`."""
    root_path = Path(root)
    pack = RawPack(root=str(root))
    if not root_path.is_dir():
        pack.errors.append(ContentError(str(root), 0, "not a directory"))
        return pack
    seen: dict[tuple[str, str], Loc] = {}
    manifest_file = root_path / "pack.yaml"
    if not manifest_file.is_file():
        pack.errors.append(ContentError(str(manifest_file), 0, "a pack needs a pack.yaml manifest"))
    for path in _files(root_path):
        rel = path.relative_to(root_path)
        label = str(Path(str(root)) / rel)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            pack.errors.append(ContentError(label, 0, f"cannot read the file: {exc}"))
            continue
        if path.suffix == ".md" and "topics" in rel.parts[:-1]:
            _read_topic(pack, text, label, seen)
        elif path.suffix in (".yaml", ".yml"):
            _read_yaml(pack, text, label, is_manifest=(path == manifest_file), seen=seen)
    return pack


def _read_topic(pack: RawPack, text: str, label: str, seen: dict[tuple[str, str], Loc]) -> None:
    doc, problems = load_markdown(text, label)
    pack.errors.extend(ContentError.of(problem) for problem in problems)
    if doc is None or doc.meta is None:
        return
    ident = doc.meta.get("id")
    if not isinstance(ident, str) or not ident.strip():
        pack.errors.append(ContentError(label, doc.meta.loc.line, "a topic's front matter needs an 'id'"))
        return
    if ("topic", ident) in seen:
        other = seen[("topic", ident)]
        pack.errors.append(
            ContentError(
                label,
                doc.meta.loc_of("id").line,
                f"duplicate id '{ident}' (also at {other.file}:{other.line})",
            )
        )
        return
    seen[("topic", ident)] = doc.meta.loc_of("id")
    pack.topics[ident] = doc


def _read_yaml(
    pack: RawPack, text: str, label: str, is_manifest: bool, seen: dict[tuple[str, str], Loc]
) -> None:
    document, problems = parse_yaml(text, label)
    data = document.data
    pack.errors.extend(ContentError.of(problem) for problem in problems)
    if problems and data is None:
        return
    if not isinstance(data, LocDict):
        pack.errors.append(ContentError(label, 1, "a content file must be a mapping with 'kind' and 'items'"))
        return
    kind = data.get("kind")
    if is_manifest or kind == "pack":
        if not is_manifest:
            pack.errors.append(
                ContentError(label, data.loc_of("kind").line, "a pack manifest must be named pack.yaml")
            )
            return
        checker = Checker()
        _check(PACK, data, "pack.yaml", checker)
        pack.errors.extend(checker.errors)
        if not checker.errors:
            pack.info = PackInfo(
                id=data["id"],
                type=data["type"],
                language=data["language"],
                name=data["name"],
                path=pack.root,
                description=data.get("description") or "",
                version=str(data.get("version") or ""),
            )
        return
    if kind not in FILE_KINDS:
        where = data.loc_of("kind").line if "kind" in data else data.loc.line
        allowed = ", ".join(FILE_KINDS)
        pack.errors.append(ContentError(label, where, f"'kind' must be one of {allowed}; got {kind!r}"))
        return
    for key in data:
        if key not in ("kind", "items"):
            pack.errors.append(
                ContentError(
                    label, data.loc_of(key).line, f"unknown top-level key '{key}' (use 'kind' and 'items')"
                )
            )
    items = data.get("items")
    if not isinstance(items, LocList):
        pack.errors.append(ContentError(label, data.loc_of("items").line, "'items' must be a list"))
        return
    item_kind = FILE_KINDS[kind][0]
    bucket = pack.items.setdefault(item_kind, {})
    for index, item in enumerate(items):
        loc = items.loc_of(index)
        if not isinstance(item, LocDict):
            pack.errors.append(ContentError(label, loc.line, f"item {index + 1} must be a mapping"))
            continue
        ident = item.get("id")
        if not isinstance(ident, str) or not ident.strip():
            pack.errors.append(ContentError(label, loc.line, f"missing field 'id' in item {index + 1}"))
            continue
        if (item_kind, ident) in seen:
            other = seen[(item_kind, ident)]
            pack.errors.append(
                ContentError(
                    label,
                    item.loc_of("id").line,
                    f"duplicate id '{ident}' (also at {other.file}:{other.line})",
                )
            )
            continue
        seen[(item_kind, ident)] = item.loc_of("id")
        bucket[ident] = item


def apply_pack(content: Content, pack: RawPack, checker: Checker) -> Content:
    """Return `content` with an adaptation or translation pack applied."""
    assert pack.info is not None
    mode = TRANSLATION if pack.info.type == TRANSLATION else ADAPTATION
    result = content.copy()
    for kind, items in pack.items.items():
        record = ITEM_SCHEMAS[kind]
        target = result.items.setdefault(kind, {})
        for ident, over in items.items():
            label = f"{kind.replace('_', ' ')} '{ident}'"
            if mode == TRANSLATION:
                if ident not in target and (kind, ident) in checker.omitted:
                    continue  # an adaptation pack removed it: nobody reads its translation
                if ident not in target:
                    checker.error(over.loc_of("id"), f"{label} does not exist in the base content")
                    continue
                check_translation_item(over, record, label, checker)
                if "omit" in over:
                    continue
            elif over.get("omit") is True:
                if ident in target:
                    del target[ident]
                    checker.omitted.add((kind, ident))
                else:
                    checker.error(over.loc_of("id"), f"cannot omit {label}: it does not exist")
                continue
            if ident in target:
                target[ident] = merge_item(target[ident], over, record, mode, label, checker)
            else:
                added = LocDict(over, loc=over.loc)
                added.key_locs = dict(over.key_locs)
                added.pop("omit", None)
                target[ident] = added
    for ident, doc in pack.topics.items():
        meta = doc.meta
        assert meta is not None
        if mode == TRANSLATION:
            if ident not in result.topics:
                checker.error(meta.loc_of("id"), f"topic '{ident}' does not exist in the base content")
                continue
            if "title" not in meta:
                checker.error(meta.loc, f"missing field 'title' in the translation of topic '{ident}'")
            for key in meta:
                if key not in TOPIC_TRANSLATABLE:
                    checker.error(
                        meta.loc_of(key),
                        f"a translation may change text only; '{key}' of topic '{ident}' is structure",
                    )
        base = result.topics.get(ident)
        if base is not None and base.meta is not None:
            merged = merge_item(base.meta, meta, TOPIC, mode, f"topic '{ident}'", checker)
            result.topics[ident] = MarkdownDoc(meta=merged, body=doc.body, loc=doc.loc)
        else:
            result.topics[ident] = doc
    return result


def check_schemas(content: Content, checker: Checker) -> None:
    """Check every item and topic against its schema (references are collected, not resolved)."""
    for kind, items in content.items.items():
        record = ITEM_SCHEMAS[kind]
        for ident, item in items.items():
            _check(record, item, f"{kind.replace('_', ' ')} '{ident}'", checker)
    for ident, doc in content.topics.items():
        assert doc.meta is not None
        _check(TOPIC, doc.meta, f"topic '{ident}'", checker)
        if not doc.body.strip():
            checker.error(doc.loc, f"topic '{ident}' has no text after its front matter")


def _check(record: type[Record], item: LocDict, where: str, checker: Checker) -> None:
    """Check one item against its model, then (when sound) the rules that span its keys."""
    if check_item(record, item, where, checker) and record in EXTRA_CHECKS:
        EXTRA_CHECKS[record](item, label_of(record, item, where), checker)


def _build_all(target: dict[str, T], items: Mapping[str, LocDict], build: Callable[[Checked], T]) -> None:
    """Build each checked item of one kind into `target`, by id."""
    for ident, item in items.items():
        target[ident] = build(item)


def build_catalog(content: Content, language: str) -> Catalog:
    """Build typed items from content that passed its schema checks."""
    catalog = Catalog(language=language)
    items = content.items
    _build_all(catalog.formats, items.get("format", {}), build_format)
    _build_all(catalog.phases, items.get("phase", {}), build_phase)
    _build_all(catalog.areas, items.get("area", {}), build_area)
    _build_all(catalog.techniques, items.get("technique", {}), build_technique)
    _build_all(catalog.plans, items.get("plan", {}), build_plan)
    _build_all(catalog.group_guides, items.get("group_guide", {}), build_group_guide)
    _build_all(catalog.fidelity, items.get("fidelity", {}), build_fidelity)
    catalog.phases = dict(sorted(catalog.phases.items(), key=lambda kv: kv[1].order))
    for ident, doc in content.topics.items():
        assert doc.meta is not None
        catalog.topics[ident] = build_topic(doc.meta, doc.body, language)
    catalog.index_steps()
    return catalog


def shipped_translation_dirs(content_root: Path = CONTENT_ROOT) -> list[Path]:
    """Return the shipped `content/<lang>/` directories other than the English base."""
    if not content_root.is_dir():
        return []
    return [
        p
        for p in sorted(content_root.iterdir())
        if p.is_dir() and p.name != BASE_LANGUAGE and (p / "pack.yaml").is_file()
    ]


def load_catalogs(
    base_dir: str | os.PathLike[str] | None = None, packs: tuple[str | os.PathLike[str], ...] | list = ()
) -> tuple[dict[str, Catalog], list[PackInfo], list[ContentError]]:
    """Read, merge and check content; return (catalogs by language, pack infos, errors)."""
    if base_dir is None:
        base_dir = CONTENT_ROOT / BASE_LANGUAGE
        pack_dirs = [*shipped_translation_dirs(), *packs]
    else:
        pack_dirs = list(packs)
    base = read_pack(base_dir)
    errors = list(base.errors)
    raw_packs = [read_pack(p) for p in pack_dirs]
    for pack in raw_packs:
        errors.extend(pack.errors)
        if pack.info is not None and pack.info.type == "base":
            errors.append(
                ContentError(
                    str(Path(pack.root) / "pack.yaml"),
                    1,
                    "a clinic pack must have type translation or adaptation, not base",
                )
            )
    if base.info is not None and base.info.type != "base":
        errors.append(
            ContentError(str(Path(base.root) / "pack.yaml"), 1, "the base content must have type base")
        )
    if errors:
        return {}, [], errors
    assert base.info is not None
    infos = [base.info] + [p.info for p in raw_packs if p.info is not None]
    checker = Checker()
    structure = Content(base.items, base.topics)
    for pack in raw_packs:
        if pack.info is not None and pack.info.type == ADAPTATION:
            structure = apply_pack(structure, pack, checker)
    check_schemas(structure, checker)
    if checker.errors:
        return {}, infos, checker.errors
    language = base.info.language
    catalog = build_catalog(structure, language)
    check_references(catalog, checker.references, checker)
    cross_check(catalog, structure.items, checker)
    if checker.errors:
        return {}, infos, checker.errors
    catalogs = {language: catalog}
    views: dict[str, Content] = {}
    given: dict[str, dict[str, dict[str, str]]] = {}
    for pack in raw_packs:
        if pack.info is None or pack.info.type != TRANSLATION:
            continue
        lang = pack.info.language
        view_checker = Checker(omitted=checker.omitted)
        views[lang] = apply_pack(views.get(lang, structure), pack, view_checker)
        texts = given.setdefault(lang, {})
        for key, found in [*item_texts(pack.items).items(), *topic_texts(pack.topics, whole=False).items()]:
            texts.setdefault(key, {}).update(found)
        check_schemas(views[lang], view_checker)
        checker.errors.extend(view_checker.errors)
    if checker.errors:
        return {}, infos, checker.errors
    english = {**item_texts(structure.items), **topic_texts(structure.topics, whole=True)}
    for lang, view in views.items():
        catalogs[lang] = build_catalog(view, lang)
        catalogs[lang].pieces = compare(english, given.get(lang, {}))
    return catalogs, infos, []


def load_or_raise(
    base_dir: str | os.PathLike[str] | None = None, packs: tuple[str | os.PathLike[str], ...] | list = ()
) -> tuple[dict[str, Catalog], list[PackInfo]]:
    """Load content or raise ContentErrors listing every problem."""
    catalogs, infos, errors = load_catalogs(base_dir, packs)
    if errors:
        raise ContentErrors(errors)
    return catalogs, infos
