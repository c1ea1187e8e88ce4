"""Pieces of content, and which of them a language pack translates.

A *piece* is the smallest thing a reader sees as one: a step of a session plan or group guide (its
title and guidance), a topic (its title, summary and text), or the own text of any other item or
id'd entry (a group guide's title and summary, a technique's name and description). A language pack
translates a piece when it gives every text the English piece has; anything less and the reader
gets that piece's English text, and the page can say so. Pieces are keyed so a page can ask:
`step:<id>`, `topic:<id>`, `<kind>:<id>`, and `<kind>:<id>/<field>:<id>` for entries inside an item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from openipt.core.content import LocDict, LocList, MarkdownDoc

from .kinds import ITEM_SCHEMAS
from .schema import TEXT, Record, id_list_records

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Piece:
    """One piece in one language: its English text, its translation (may be partial) and whether it is whole."""

    key: str
    english: str
    translation: str
    complete: bool

    @property
    def translated(self) -> bool:
        """Return True when the pack gives any of this piece's text (a reviewer then has something to check)."""
        return bool(self.translation)


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    return None


def _own_texts(item: Mapping, record: type[Record]) -> dict[str, str]:
    """The item's own text fields (not those of entries inside it) that have a value."""
    found = {}
    for name, info in record.model_fields.items():
        if TEXT in info.metadata and name in item:
            value = _text(item[name])
            if value:
                found[name] = value
    return found


def _walk(key: str, item: Mapping, record: type[Record]) -> Iterator[tuple[str, dict[str, str]]]:
    own = _own_texts(item, record)
    if own:
        yield key, own
    for field, child_record in id_list_records(record).items():
        children = item.get(field)
        if not isinstance(children, (list, tuple, LocList)):
            continue
        for child in children:
            if not isinstance(child, (dict, LocDict)) or not isinstance(child.get("id"), str):
                continue
            child_key = f"step:{child['id']}" if field == "steps" else f"{key}/{field}:{child['id']}"
            yield from _walk(child_key, child, child_record)


def item_texts(items: Mapping[str, Mapping[str, LocDict]]) -> dict[str, dict[str, str]]:
    """Every piece of raw items (by kind, then id) with its text fields."""
    found: dict[str, dict[str, str]] = {}
    for kind, by_id in items.items():
        record = ITEM_SCHEMAS[kind]
        for ident, item in by_id.items():
            for key, texts in _walk(f"{kind}:{ident}", item, record):
                found.setdefault(key, {}).update(texts)
    return found


def topic_texts(topics: Mapping[str, MarkdownDoc], *, whole: bool) -> dict[str, dict[str, str]]:
    """Every topic's text fields; `whole` is False for a translation, which may give title and body only."""
    found = {}
    for ident, doc in topics.items():
        meta: Mapping[str, object] = doc.meta or {}
        texts = {name: value for name in ("title", "summary") if isinstance(value := meta.get(name), str) and value}
        if doc.body.strip():
            texts["body"] = doc.body.strip()
        if texts or whole:
            found[f"topic:{ident}"] = texts
    return found


def compare(english: Mapping[str, dict[str, str]], translated: Mapping[str, dict[str, str]]) -> dict[str, Piece]:
    """Each English piece with what the pack gives for it."""
    pieces = {}
    for key, texts in english.items():
        given = translated.get(key, {})
        order = sorted(texts)
        pieces[key] = Piece(
            key=key,
            english=SEPARATOR.join(texts[name] for name in order),
            translation=SEPARATOR.join(given[name] for name in order if name in given),
            complete=all(name in given for name in order),
        )
    return pieces


# Pieces kept outside the protocol's own files ------------------------------------------------------
# Worksheets (and other content an app above owns) have their English and their translations in that
# app. The app registers a source here from its AppConfig.ready(), so the review page, the status counts
# and `Protocol.shown_in_english` treat its pieces exactly like the protocol's: one set of pieces, one
# sign-off, one "shown in English" rule.

PieceSource = Callable[[str], Mapping[str, Piece]]
_SOURCES: dict[str, PieceSource] = {}


def register_source(name: str, source: PieceSource) -> None:
    """Add (or replace) a source of pieces: `source(lang)` returns every English piece of it, keyed
    `<kind>:<id>`, with what `lang` translates; an empty mapping for a language it knows nothing of."""
    _SOURCES[name] = source


def extra_pieces(lang: str) -> dict[str, Piece]:
    """The registered sources' pieces in `lang`, by key."""
    found: dict[str, Piece] = {}
    for source in _SOURCES.values():
        found.update(source(lang))
    return found
