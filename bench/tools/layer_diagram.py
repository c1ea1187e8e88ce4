"""Write the layer diagram in docs/architecture.md from the import contracts in `.importlinter`.

    .venv/bin/python bench/tools/layer_diagram.py            # rewrite the diagram in the doc
    .venv/bin/python bench/tools/layer_diagram.py --check    # exit 1 if the doc is out of date

The diagram is a Mermaid flowchart of the `layers` contract, top layer first, with apps that
share a layer ("a | b": independent, neither imports the other) drawn side by side in one box.
Below it come the imports the contract allows anyway and the other contracts, by name. Only the
text between `<!-- layers:start -->` and `<!-- layers:end -->` is replaced. The script reads
files only; it imports nothing from the project.
"""

from __future__ import annotations

import argparse
import configparser
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START = "<!-- layers:start -->"
END = "<!-- layers:end -->"
COMMAND = "python bench/tools/layer_diagram.py"


def read_contracts(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    if not parser.read(path, encoding="utf-8"):
        raise SystemExit(f"{path}: cannot be read")
    return parser


def lines_of(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip() and not line.strip().startswith("#")]


def short(module: str, root: str) -> str:
    return module.removeprefix(root + ".")


def layers_section(parser: configparser.ConfigParser) -> configparser.SectionProxy:
    for name in parser.sections():
        if name.startswith("importlinter:contract:") and parser[name].get("type") == "layers":
            return parser[name]
    raise SystemExit("no contract of type 'layers' in the import contracts")


def flowchart(layers: list[list[str]], independent: list[bool]) -> list[str]:
    """Mermaid lines: one node per app, one box per layer of several apps, an arrow down each step."""
    out = ["```mermaid", "flowchart TD"]
    ids = []
    for number, (apps, apart) in enumerate(zip(layers, independent, strict=True)):
        if len(apps) == 1:
            ids.append(apps[0])
            out.append(f"    {apps[0]}[{apps[0]}]")
            continue
        box = f"layer{number}"
        ids.append(box)
        title = " | ".join(apps) + (" (independent)" if apart else "")
        out.append(f'    subgraph {box} ["{title}"]')
        out.extend(f"        {app}[{app}]" for app in apps)
        out.append("    end")
    out.extend(f"    {upper} --> {lower}" for upper, lower in zip(ids, ids[1:], strict=False))
    out.append("```")
    return out


def render(parser: configparser.ConfigParser) -> str:
    """The text that belongs between the markers."""
    root = lines_of(parser["importlinter"].get("root_packages", parser["importlinter"].get("root_package", "")))[0]
    contract = layers_section(parser)
    layers, independent = [], []
    for line in lines_of(contract["layers"]):
        apart = ":" not in line
        layers.append([short(app.strip(), root) for app in re.split(r"[|:]", line)])
        independent.append(apart)
    out = [f"<!-- Generated from .importlinter by `{COMMAND}`; do not edit by hand. -->", ""]
    out.append(f"**{contract.get('name', 'Layers')}** (top layer first; an arrow points to the layer below):")
    out.append("")
    out.extend(flowchart(layers, independent))
    ignored = lines_of(contract.get("ignore_imports", ""))
    if ignored:
        out += ["", "Imports the layers contract allows anyway:", ""]
        out.extend(f"- `{a.strip()}` → `{b.strip()}`" for a, b in (item.split("->") for item in ignored))
    others = [parser[name] for name in parser.sections()
              if name.startswith("importlinter:contract:") and parser[name] is not contract]
    if others:
        out += ["", "The other contracts:", ""]
        for other in others:
            sources = ", ".join(f"`{short(m, root)}`" for m in lines_of(other.get("source_modules", "")))
            forbidden = ", ".join(f"`{m}`" for m in lines_of(other.get("forbidden_modules", "")))
            out.append(f"- **{other.get('name')}** ({other.get('type')}): {sources} may not import {forbidden}.")
    return "\n".join(out)


def replace_block(doc: str, block: str, doc_name: str) -> str:
    if doc.count(START) != 1 or doc.count(END) != 1 or doc.index(START) > doc.index(END):
        raise SystemExit(f"{doc_name}: needs one '{START}' followed by one '{END}'")
    head, rest = doc.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{block}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is out of date; change nothing")
    parser.add_argument("--contracts", type=Path, default=ROOT / ".importlinter")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "architecture.md")
    args = parser.parse_args(argv)
    doc = args.doc.read_text(encoding="utf-8")
    wanted = replace_block(doc, render(read_contracts(args.contracts)), str(args.doc))
    if doc == wanted:
        return 0
    if args.check:
        print(f"{args.doc}: the layer diagram does not match {args.contracts}; run `{COMMAND}`", file=sys.stderr)
        return 1
    args.doc.write_text(wanted, encoding="utf-8")
    print(f"{args.doc}: layer diagram rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
