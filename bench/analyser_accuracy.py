"""Measure the communication analyser against the labelled utterances and record the figures, per language.

Run from the repository root:  .venv/bin/python bench/analyser_accuracy.py [--lang en|es|sw|all]
For each language (all by default) prints a per-pattern table for all utterances, the tuning
set and the held-out set, and writes bench/results/analyser.json and .md (English) or
bench/results/analyser-<lang>.json and .md. `--errors` also lists every utterance where the
analyser disagrees with the labels. Labels: tests/practice/data/utterances.yaml (English) and
utterances.<lang>.yaml.
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

from openipt.practice.analyser import analyse, languages, patterns_for  # noqa: E402
from openipt.practice.analyser.evaluate import SPLITS, TUNED, load_labelled, score  # noqa: E402

DATA_DIR = ROOT / "tests" / "practice" / "data"
DATA = DATA_DIR / "utterances.yaml"
RESULTS = ROOT / "bench" / "results"
COMMAND = ".venv/bin/python bench/analyser_accuracy.py"


def data_file(lang: str) -> Path:
    """Return the labelled utterances of one language."""
    return DATA if lang == "en" else DATA_DIR / f"utterances.{lang}.yaml"


def _table(name: str, report, families: dict[str, str]) -> list[str]:
    lines = [f"### {name} ({report.size} utterances)", "",
             "| pattern | family | support | TP | FP | FN | precision | recall | F1 |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
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


_UNVALIDATED = ("**Unvalidated: not reviewed by a native speaker.** The utterances, their labels and the "
                "patterns were written by the project, in one voice; a native speaker and a clinician should "
                "review them before these figures are relied on.")


def _reports(lang: str) -> tuple[dict, Path]:
    """Score one language's analyser on its labelled utterances, per split."""
    pset = patterns_for(lang)
    assert pset is not None, f"no pattern file for {lang!r}"
    families = {p.id: p.family for p in pset.patterns}
    data = data_file(lang)
    items = load_labelled(data, families)

    def predict(text: str) -> frozenset[str]:
        return analyse(text, language=lang).patterns

    present = {i.split for i in items}
    reports = {"all": (score(items, predict, families), families)}
    for split in ("tuning",) + tuple(s for s in SPLITS if s != "tuning"):
        if split in present:
            reports[split] = (score([i for i in items if i.split == split], predict, families), families)
    reports["never tuned on (heldout + unseen)"] = (
        score([i for i in items if i.split not in TUNED], predict, families), families)
    return reports, data


def _markdown(lang: str, reports: dict, data: Path) -> list[str]:
    title = "" if lang == "en" else f" ({lang})"
    md = [f"# Communication analyser{title}: accuracy on the labelled utterances", "",
          f"Command: `{COMMAND} --lang {lang}`. Labels: `{data.relative_to(ROOT)}` "
          "(pattern presence per utterance; spans not compared). `heldout` was written before "
          "the patterns and `unseen` after all tuning; neither was used for tuning."
          + (" `fresh` was scored once untuned (see docs/practice/communication-analyser.md) and then tuned on."
             if lang == "en" else ""), ""]
    if lang != "en":
        md += [_UNVALIDATED, ""]
    for name, (report, families) in reports.items():
        md += _table(name, report, families)
    return md


def _run(lang: str, args: argparse.Namespace) -> None:
    reports, data = _reports(lang)
    md = _markdown(lang, reports, data)
    timing = _timing() if lang == "en" else {}
    if timing:
        md += ["### Speed (median of 5 runs, repeated mixed text)", ""]
        md += [f"- {k.replace('_', ' ')}: {v}" for k, v in timing.items()] + [""]
    print("\n".join(md))
    if args.errors:
        split = args.split or "tuning"
        print(f"## Disagreements ({lang}, {split})")
        for item, got in reports[split][0].errors if split in reports else ():
            missing = sorted(item.patterns - got)
            extra = sorted(got - item.patterns)
            print(f"line {item.line}: {item.text!r}\n    missing {missing}  extra {extra}")
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data.read_bytes()).hexdigest()
        payload = {"command": f"{COMMAND} --lang {lang}", "language": lang, "labels": str(data.relative_to(ROOT)),
                   "labels_sha256": digest, "validated": lang == "en",
                   "results": {k: v.to_dict() for k, (v, _f) in reports.items()}}
        if timing:
            payload["speed"] = timing
        stem = "analyser" if lang == "en" else f"analyser-{lang}"
        (RESULTS / f"{stem}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        (RESULTS / f"{stem}.md").write_text("\n".join(md) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Score the analyser of each language, print the tables and write the results files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("all",) + languages(), default="all",
                        help="which language's analyser to score (default: all)")
    parser.add_argument("--errors", action="store_true", help="list the utterances the analyser gets wrong")
    parser.add_argument("--split", choices=["all", "tuning", "heldout", "fresh", "unseen"], default=None,
                        help="with --errors, which set to list (default: tuning)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    for lang in (languages() if args.lang == "all" else (args.lang,)):
        _run(lang, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
