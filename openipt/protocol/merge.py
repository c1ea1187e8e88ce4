"""Merge content packs into the shipped base, item by item and id by id.

An adaptation pack may change anything, add items and drop them (`omit: true`); a translation
pack may only replace text of items that already exist. Merging keeps the line each value came
from, so an error in a merged result still points at the pack file that introduced it.
"""

from __future__ import annotations

from typing import Any

from openipt.core.content import LocDict, LocList

from .schema import Checker, Record, id_list_records, is_translatable

TRANSLATION = "translation"
ADAPTATION = "adaptation"


def _copy_dict(value: LocDict) -> LocDict:
    copy = LocDict(value, loc=value.loc)
    copy.key_locs = dict(value.key_locs)
    return copy


def check_translation_item(over: LocDict, record: type[Record], label: str, checker: Checker) -> None:
    """Report keys of a translation item that are not text a translation may change."""
    fields = record.model_fields
    lists = id_list_records(record)
    for key in over:
        if key == "id":
            continue
        field = fields.get(key)
        if field is None:
            checker.error(over.loc_of(key), f"unknown field '{key}' in {label}")
        elif not is_translatable(field):
            checker.error(
                over.loc_of(key),
                f"a translation may change text only; '{key}' in {label} is structure "
                "(change it in an adaptation pack)",
            )
        elif key in lists and isinstance(over[key], LocList):
            for index, child in enumerate(over[key]):
                if isinstance(child, LocDict):
                    check_translation_item(child, lists[key], f"{label} {key} item {index + 1}", checker)


def merge_item(
    base: LocDict, over: LocDict, record: type[Record], mode: str, label: str, checker: Checker
) -> LocDict:
    """Return `base` with the keys of `over` applied (lists of id'd records merged by id)."""
    result = _copy_dict(base)
    lists = id_list_records(record)
    for key, value in over.items():
        if key in ("id", "omit"):
            continue
        if key in lists and isinstance(value, LocList) and isinstance(base.get(key), LocList):
            result[key] = merge_id_list(base[key], value, lists[key], mode, f"{label} {key}", checker)
        else:
            result[key] = value
        result.key_locs[key] = over.loc_of(key)
    return result


def merge_id_list(
    base: LocList, over: LocList, record: type[Record], mode: str, label: str, checker: Checker
) -> LocList:
    """Merge two lists of records by id: override, add (adaptation) or omit (adaptation)."""
    items: dict[str, tuple[Any, Any]] = {}
    order: list[str] = []
    anonymous: list[tuple[Any, Any]] = []
    for index, item in enumerate(base):
        ident = item.get("id") if isinstance(item, LocDict) else None
        if isinstance(ident, str) and ident not in items:
            items[ident] = (item, base.loc_of(index))
            order.append(ident)
        else:
            anonymous.append((item, base.loc_of(index)))
    for index, item in enumerate(over):
        loc = over.loc_of(index)
        ident = item.get("id") if isinstance(item, LocDict) else None
        if not isinstance(ident, str):
            checker.error(loc, f"each entry of {label} in a pack needs an 'id' naming what it changes")
            continue
        omit = item.get("omit") is True
        if mode == TRANSLATION and "omit" in item:
            checker.error(item.loc_of("omit"), f"a translation may not omit '{ident}' in {label}")
            continue
        if ident in items:
            if omit:
                del items[ident]
                order.remove(ident)
                checker.omitted.add((label, ident))
                continue
            merged = merge_item(items[ident][0], item, record, mode, f"{label} '{ident}'", checker)
            items[ident] = (merged, items[ident][1])
        elif mode == TRANSLATION and (label, ident) in checker.omitted:
            continue  # an adaptation pack removed it: nobody reads its translation
        elif mode == TRANSLATION:
            checker.error(item.loc_of("id"), f"'{ident}' in {label} does not exist in the base content")
        elif omit:
            checker.error(item.loc_of("id"), f"cannot omit '{ident}' in {label}: it does not exist")
        else:
            clean = _copy_dict(item)
            clean.pop("omit", None)
            items[ident] = (clean, loc)
            order.append(ident)
    result = LocList(loc=base.loc)
    for ident in order:
        result.append(items[ident][0])
        result.item_locs.append(items[ident][1])
    for item, loc in anonymous:
        result.append(item)
        result.item_locs.append(loc)
    return result
