"""List the longest functions in a package: lines, name, file and first line.

    python bench/tools/longest_functions.py [path] [--top N]

Lines are counted from the `def` line to the function's last line, docstring included,
so the figure matches what a reader scrolls through. Nested functions count on their own
and inside the function that holds them.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path


def functions(root: Path):
    """Yield (lines, qualified name, file, first line) for every function under `root`."""
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        yield from _walk(tree, path, prefix="")


def _walk(node, path: Path, prefix: str):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = prefix + child.name
            yield child.end_lineno - child.lineno + 1, name, path, child.lineno
            yield from _walk(child, path, name + ".")
        elif isinstance(child, ast.ClassDef):
            yield from _walk(child, path, prefix + child.name + ".")
        else:
            yield from _walk(child, path, prefix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="openipt")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    rows = sorted(functions(Path(args.path)), key=lambda r: (-r[0], str(r[2]), r[3]))
    for lines, name, path, first in rows[: args.top]:
        print(f"{lines:5d}  {name}  {path}:{first}")


if __name__ == "__main__":
    main()
