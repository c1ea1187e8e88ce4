"""Measure the communication analyser against the labelled utterances and record the figures.

Run from the repository root:  .venv/bin/python bench/analyser_accuracy.py
Prints a per-pattern table for all utterances, the tuning set and the held-out set, and
writes bench/results/analyser.json and bench/results/analyser.md. `--errors` also lists
every utterance where the analyser disagrees with the labels.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openipt.practice.analyser import analyse, default_patterns  # noqa: E402
from openipt.practice.analyser.evaluate import TUNED, load_labelled, score  # noqa: E402

DATA = ROOT / "tests" / "practice" / "data" / "utterances.yaml"
RESULTS = ROOT / "bench" / "results"
COMMAND = ".venv/bin/python bench/analyser_accuracy.py"


def _table(name: str, report) -> list[str]:
    lines = [f"### {name} ({report.size} utterances)", "",
             "| pattern | family | support | TP | FP | FN | precision | recall | F1 |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    families = {p.id: p.family for p in default_patterns().patterns}
    for fam, c in report.per_family.items():
        lines.append(f"| **{fam} (micro)** | {fam} | {c.tp + c.fn} | {c.tp} | {c.fp} | {c.fn} | "
                     f"**{c.precision:.3f}** | **{c.recall:.3f}** | {c.f1:.3f} |")
    for pid, c in report.per_pattern.items():
        lines.append(f"| {pid} | {families[pid]} | {c.tp + c.fn} | {c.tp} | {c.fp} | {c.fn} | "
                     f"{c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} |")
    return lines + [""]


def _timing() -> dict[str, float]:
    base = "I feel hurt when you never listen, whatever. Could you call me on Sunday? 😊 "
    out = {}
    for size in (1_000, 10_000, 20_000):
        text = (base * (size // len(base) + 1))[:size]
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            analyse(text)
            runs.append(time.perf_counter() - t0)
        out[f"{size}_chars_ms_median"] = round(sorted(runs)[2] * 1000, 2)
    return out


def main(argv: list[str] | None = None) -> int:
    """Score the analyser, print the tables and write the results files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the utterances the analyser gets wrong")
    parser.add_argument("--split", choices=["all", "tuning", "heldout", "fresh", "unseen"], default=None,
                        help="with --errors, which set to list (default: tuning)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    pset = default_patterns()
    families = {p.id: p.family for p in pset.patterns}
    items = load_labelled(DATA, families)

    def predict(text: str) -> frozenset[str]:
        return analyse(text).patterns

    reports = {
        "all": score(items, predict, families),
        "tuning": score([i for i in items if i.split == "tuning"], predict, families),
        "heldout": score([i for i in items if i.split == "heldout"], predict, families),
        "fresh": score([i for i in items if i.split == "fresh"], predict, families),
        "unseen": score([i for i in items if i.split == "unseen"], predict, families),
        "never tuned on (heldout + unseen)": score([i for i in items if i.split not in TUNED],
                                                   predict, families),
    }
    md = ["# Communication analyser: accuracy on the labelled utterances", "",
          f"Command: `{COMMAND}`. Labels: `tests/practice/data/utterances.yaml` "
          "(pattern presence per utterance; spans not compared). `heldout` was written before "
          "the patterns and `unseen` after all tuning; neither was used for tuning. `fresh` was "
          "scored once untuned (see docs/practice/communication-analyser.md) and then tuned on.", ""]
    for name in reports:
        md += _table(name, reports[name])
    timing = _timing()
    md += ["### Speed (median of 5 runs, repeated mixed text)", ""]
    md += [f"- {k.replace('_', ' ')}: {v}" for k, v in timing.items()] + [""]
    print("\n".join(md))
    if args.errors:
        split = args.split or "tuning"
        print(f"## Disagreements ({split})")
        for item, got in reports[split].errors:
            missing = sorted(item.patterns - got)
            extra = sorted(got - item.patterns)
            print(f"line {item.line}: {item.text!r}\n    missing {missing}  extra {extra}")
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(DATA.read_bytes()).hexdigest()
        payload = {"command": COMMAND, "labels": str(DATA.relative_to(ROOT)), "labels_sha256": digest,
                   "results": {k: v.to_dict() for k, v in reports.items()}, "speed": timing}
        (RESULTS / "analyser.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        (RESULTS / "analyser.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
