"""Break the shipped protocol content in many ways and print every error the loader reports.

    .venv/bin/python bench/tools/protocol_error_corpus.py /path/to/checkout > errors.txt

Run it on two checkouts (before and after a change to the protocol checker) and `diff` the outputs:
they are the same when the change kept every message, file and line. Each case changes one value
of one shipped YAML file (a wrong type, a deleted key, an unknown key) and loads it three ways:
as the base content, as an adaptation pack holding the changed item, and (for the first items of
each file) as a translation pack changing one key. The cases come from a fixed seed, so both runs
break the same things. It is slow (a few minutes): every case loads and checks the whole protocol.
"""

from __future__ import annotations

import copy
import random
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

BAD = [None, 7, "x", "", [], {}, True, [1, "a"], {"id": "q"}, -3, "{oops} {session_number"]
MANIFEST = "kind: pack\nid: t\ntype: {type}\nlanguage: {language}\nname: T\n"


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


def _change(data: Any, path: tuple[Any, ...], op: str, rng: random.Random) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    key = path[-1]
    if op == "bad":
        node[key] = rng.choice(BAD)
    elif op == "delete":
        del node[key]
    elif isinstance(node, dict):
        node[f"zzz_{key}"] = 1
    else:
        node.append("extra")


def main(checkout: str) -> None:
    sys.path.insert(0, checkout)
    from openipt.protocol.loader import CONTENT_ROOT, load_catalogs

    base = CONTENT_ROOT / "en"
    rng = random.Random(7)
    tmp = Path(tempfile.mkdtemp())
    out: list[str] = []

    def report(header: str, errors: list[Any], root: Path) -> None:
        out.append(header)
        out.extend(str(e).replace(str(root), "ROOT").replace(str(base), "BASE") for e in sorted(set(errors)))

    files = [p for p in sorted(base.rglob("*.yaml")) if p.name != "pack.yaml"]
    case = 0
    for file in files:
        original = yaml.safe_load(file.read_text(encoding="utf-8"))
        paths = [p for p in _paths(original) if len(p) >= 3]
        for path in rng.sample(paths, min(40, len(paths))):
            for op in ("bad", "delete", "extra"):
                data = copy.deepcopy(original)
                _change(data, path, op, rng)
                case += 1
                root = tmp / f"c{case}base"
                shutil.copytree(base, root)
                (root / file.relative_to(base)).write_text(yaml.safe_dump(data, sort_keys=False))
                report(f"## case {case} base {file.name} {op} {path}", load_catalogs(root, ())[2], root)
                root = tmp / f"c{case}adaptation"
                root.mkdir()
                (root / "pack.yaml").write_text(MANIFEST.format(type="adaptation", language="en"))
                one = (
                    data["items"][path[1] : path[1] + 1]
                    if isinstance(data.get("items"), list)
                    else data.get("items")
                )
                (root / "x.yaml").write_text(
                    yaml.safe_dump({"kind": data.get("kind"), "items": one}, sort_keys=False)
                )
                report(
                    f"## case {case} adaptation {file.name} {op} {path}",
                    load_catalogs(None, (root,))[2],
                    root,
                )
    for file in files:
        original = yaml.safe_load(file.read_text(encoding="utf-8"))
        for item in original["items"][:3]:
            for key in list(item)[:6]:
                case += 1
                root = tmp / f"t{case}"
                root.mkdir()
                (root / "pack.yaml").write_text(MANIFEST.format(type="translation", language="lg"))
                for value in ("translated", 5, None, ["a"]):
                    items = [{"id": item["id"], key: value}]
                    (root / "x.yaml").write_text(
                        yaml.safe_dump({"kind": original["kind"], "items": items}, sort_keys=False)
                    )
                    catalogs, _, errors = load_catalogs(None, (root,))
                    header = f"## case {case} translation {file.name} {item['id']} {key}={value!r} ok={bool(catalogs)}"
                    report(header, errors, root)
    shutil.rmtree(tmp)
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: protocol_error_corpus.py CHECKOUT")
    main(sys.argv[1])
