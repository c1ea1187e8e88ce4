"""Print how the apps of `openipt` import each other: cycles and function-level imports.

    .venv/bin/python bench/tools/import_graph.py [--list] [--exclude GLOB ...] [--root DIR]

An "app" is a direct child of `openipt/` (a package such as `openipt.courses`, or a module such
as `openipt.cli`). The script reads the source with `ast`; it imports nothing from the project.
It prints the app-level cycles (strongly connected groups of apps, counting every import, at
module level or inside a function) and the number of imports placed inside a function or method
body that reach another app. `--list` also prints each of those imports with its file and line;
`--exclude` leaves out files matching a glob relative to the root (e.g. "openipt/*/seed.py");
`--root` reads another checkout.
"""

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "openipt"


def app_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE else None


def module_name(path, root=ROOT):
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(node, current, is_package):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        base = node.module or ""
    else:
        parts = current.split(".")
        keep = len(parts) - node.level + (1 if is_package else 0)
        base = ".".join(parts[:keep] + ([node.module] if node.module else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def imports_in(path, root=ROOT):
    """Yield (target app, line, inside a function) for each import of another module of the package."""
    current = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def type_checking_only(node):
        # `if TYPE_CHECKING:` blocks hold imports for annotations only: they never run, so they
        # make no cycle (the import contracts leave them out the same way).
        test = node.test if isinstance(node, ast.If) else None
        return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            if type_checking_only(child):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                apps = {app_of(m) for m in imported_modules(child, current, path.name == "__init__.py")}
                for app in sorted(a for a in apps if a):
                    yield app, child.lineno, in_function
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(child, inside)

    yield from walk(tree, False)


def strongly_connected(graph):
    """Tarjan's algorithm; returns the groups with more than one member."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list each function-level cross-app import")
    parser.add_argument("--exclude", action="append", default=[], help="leave out files matching this glob")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to read (default: this one)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    graph, module_graph, late = {}, {}, []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        if any(path.relative_to(root).match(pattern) for pattern in args.exclude):
            continue
        source_app = app_of(module_name(path, root))
        for target, line, in_function in imports_in(path, root):
            if target == source_app or source_app is None:
                continue
            graph.setdefault(source_app, set()).add(target)
            if in_function:
                late.append((path.relative_to(root), line, target))
            else:
                module_graph.setdefault(source_app, set()).add(target)
    cycles = strongly_connected(graph)
    print(f"app-level import cycles (all imports): {len(cycles)}")
    for group in cycles:
        print("  {" + ", ".join(group) + "}")
    module_cycles = strongly_connected(module_graph)
    print(f"app-level import cycles (module-level imports only): {len(module_cycles)}")
    for group in module_cycles:
        print("  {" + ", ".join(group) + "}")
    print(f"function-level cross-app imports: {len(late)}")
    if args.list:
        for path, line, target in late:
            print(f"  {path}:{line} -> {PACKAGE}.{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
