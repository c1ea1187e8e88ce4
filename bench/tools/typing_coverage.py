"""How much of OpenIPT the type checker covers, and how many `actor` parameters carry a type.

    .venv/bin/python bench/tools/typing_coverage.py            # the figures
    .venv/bin/python bench/tools/typing_coverage.py --list     # also each untyped `actor`
    .venv/bin/python bench/tools/typing_coverage.py --modules  # also each module's level

A module counts as "strict" when mypy's effective options for it (from `[tool.mypy]` in
pyproject.toml and its overrides) turn on every per-module flag that `mypy --strict` turns on,
"checked" when mypy checks it less strictly, "checked, some codes off" when an override switches
some error codes off for it, and "not checked" when it is outside mypy's files,
excluded, or has `ignore_errors`. Migrations are generated code and are left out of every count.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "openipt"

# The per-module options that `mypy --strict` turns on (the global-only ones are left out).
STRICT_FLAGS = (
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "disallow_untyped_calls",
    "disallow_untyped_decorators",
    "disallow_any_generics",
    "disallow_subclassing_any",
    "check_untyped_defs",
    "warn_return_any",
    "warn_unused_ignores",
    "strict_equality",
    "extra_checks",
)


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def actor_parameters(path: Path) -> list[tuple[int, str, bool]]:
    """(line, function, annotated) for every function in the file with a parameter named `actor`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                if arg.arg == "actor":
                    found.append((node.lineno, node.name, arg.annotation is not None))
    return found


def mypy_levels(modules: list[tuple[str, Path]]) -> dict[str, str]:
    """Each module's level: "strict", "checked", "checked, some codes off" or "not checked"."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8")).get("tool", {}).get("mypy")
    if config is None:
        return {name: "not checked" for name, _ in modules}
    from mypy.config_parser import parse_config_file
    from mypy.options import Options

    options = Options()

    def set_strict_flags() -> None:
        for flag in STRICT_FLAGS:
            setattr(options, flag, True)
        options.implicit_reexport = False

    parse_config_file(options, set_strict_flags, str(ROOT / "pyproject.toml"), sys.stdout, sys.stderr)
    files = [str(ROOT / f) for f in (options.files or [])]
    exclude = [re.compile(pattern) for pattern in options.exclude]
    levels = {}
    for name, path in modules:
        relative = str(path.relative_to(ROOT))
        listed = any(str(path).startswith(f) for f in files)
        if not listed or any(p.search(relative) for p in exclude):
            levels[name] = "not checked"
            continue
        effective = options.clone_for_module(name)
        if effective.ignore_errors:
            levels[name] = "not checked"
        elif effective.disabled_error_codes:
            levels[name] = "checked, some codes off"
        elif all(getattr(effective, flag) for flag in STRICT_FLAGS) and not effective.implicit_reexport:
            levels[name] = "strict"
        else:
            levels[name] = "checked"
    return levels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list every untyped actor parameter")
    parser.add_argument("--modules", action="store_true", help="list each module's mypy level")
    options = parser.parse_args()

    files = source_files()
    functions = annotated = 0
    for path in files:
        for line, name, typed in actor_parameters(path):
            functions += 1
            annotated += typed
            if options.list and not typed:
                print(f"{path.relative_to(ROOT)}:{line}: {name}")
    print(f"functions with an `actor` parameter: {functions}")
    print(f"  annotated: {annotated}, untyped: {functions - annotated}")

    levels = mypy_levels([(module_name(p), p) for p in files])
    kinds = ("strict", "checked", "checked, some codes off", "not checked")
    counts = {level: sum(1 for v in levels.values() if v == level) for level in kinds}
    print(f"mypy coverage ({len(levels)} modules, migrations left out): "
          + " / ".join(f"{level} {counts[level]}" for level in kinds))
    if options.modules:
        for name in sorted(levels):
            print(f"  {levels[name]:<24} {name}")


if __name__ == "__main__":
    main()
