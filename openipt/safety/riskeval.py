"""`openipt risk evaluate`: recall per kind of risk and false alarms on a labelled corpus.

A corpus file is tab-separated with a header ``id kind min_severity text``; ``kind`` is a kind
of risk (``being_harmed``...) or ``none`` for a false friend (everyday words such as "hit" or
"starve" that are not about risk). Lines starting with ``#`` are comments.

For each kind: *recall* is the share of its sentences that were flagged at all; *as kind* is the
share flagged with that kind among the kinds found; *at severity* is the share flagged at or
above the labelled minimum severity. *False alarms* are flagged false friends divided by all
false friends.

A Spanish or Swahili file carries a header comment ``# language: es`` (or pass ``--language es``):
its rows are then scanned as the app scans a text whose writer prefers that language (English
patterns, that language's patterns, and any other shipped language whose words appear).

Each file is reported twice: the patterns alone, and the patterns plus the built-in word model
(a flag from either counts), which is what the app uses. ``--rules-only`` reports the first only.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .riskdetect import (
    SEVERITY_RANK,
    PatternSet,
    ScanResult,
    default_patterns,
    languages_for,
    scan,
    scan_text,
)
from .riskdetect.detector import highest
from .riskdetect.languages import shipped_languages
from .riskdetect.model import Model
from .riskdetect.train_model import CHECK_FILE

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "safety" / "corpus"


@dataclass(frozen=True)
class Row:
    id: str
    kind: str
    min_severity: str | None
    text: str


@dataclass
class KindFigures:
    kind: str
    rows: int = 0
    flagged: int = 0
    as_kind: int = 0
    at_severity: int = 0
    missed: list[str] = field(default_factory=list)

    def share(self, n: int) -> float:
        return n / self.rows if self.rows else 1.0


@dataclass
class Figures:
    kinds: dict[str, KindFigures]
    false_friends: int = 0
    false_alarms: int = 0
    alarm_ids: list[str] = field(default_factory=list)

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.false_friends if self.false_friends else 0.0

    def recall(self, kind: str) -> float:
        return self.kinds[kind].share(self.kinds[kind].flagged)


def corpus_language(path: str | Path) -> str:
    """Return the language named by a ``# language: xx`` header comment, or "en"."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        if key.strip().lower() == "language" and value.strip():
            return value.strip().lower()
    return "en"


def read_corpus(path: str | Path) -> list[Row]:
    """Read a corpus file; raise ValueError naming the line when a row is malformed."""
    rows = []
    header_seen = False
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if not header_seen:
            header_seen = True
            if parts[:2] == ["id", "kind"]:
                continue
        if len(parts) != 4:
            raise ValueError(f"{path}:{number}: expected 4 tab-separated fields, found {len(parts)}")
        ident, kind, severity, text = parts
        rows.append(Row(ident, kind, None if severity in ("-", "") else severity, text))
    return rows


def evaluate(
    rows: Iterable[Row], patterns: PatternSet | None = None, *, with_model: bool = False, model: Model | None = None,
    language: str | None = None,
) -> Figures:
    """Scan every row and count, per kind, what was caught, and how many false friends were flagged.

    With `with_model` the rows are scanned as the app scans them: the patterns plus the word model.
    With `language` (other than "en") the rows are read as the app reads a text whose writer
    prefers that language: every pattern set `languages_for` chooses, English with its word model
    when `with_model`.
    """
    multi = language not in (None, "", "en") and patterns is None
    patterns = patterns or default_patterns()
    figures = Figures(kinds={})
    for row in rows:
        if multi:
            result = _scan_as_writer(row.text, language or "", with_model=with_model, model=model)
        else:
            result = scan_text(row.text, patterns, model=model) if with_model else scan(row.text, patterns)
        if row.kind == "none":
            figures.false_friends += 1
            if result.flag:
                figures.false_alarms += 1
                figures.alarm_ids.append(row.id)
            continue
        fig = figures.kinds.setdefault(row.kind, KindFigures(row.kind))
        fig.rows += 1
        if not result.flag:
            fig.missed.append(row.id)
            continue
        fig.flagged += 1
        kinds = result.kinds
        if row.kind in kinds:
            fig.as_kind += 1
        wanted = SEVERITY_RANK.get(row.min_severity or "low", 1)
        if result.severity is not None and SEVERITY_RANK[result.severity] >= wanted:  # flagged: always set
            fig.at_severity += 1
    return figures


def _scan_as_writer(text: str, language: str, *, with_model: bool, model: Model | None) -> ScanResult:
    """Scan as the app does for a writer of `language`; without the model, the patterns alone."""
    codes = languages_for(text, language)
    results = [scan_text(text, default_patterns(c), model=model) if with_model else scan(text, default_patterns(c))
               for c in codes]
    matches = tuple(m for r in results for m in r.matches)
    return ScanResult(flag=bool(matches), severity=highest([m.severity for m in matches]), matches=matches,
                      version="; ".join(r.version for r in results), language="+".join(codes))


def table(name: str, figures: Figures) -> str:
    """Return a Markdown table of the figures."""
    lines = [
        f"{name}: recall per kind and false alarms",
        "",
        "| kind | sentences | recall (flagged) | flagged as this kind | at or above labelled severity |",
        "|---|---|---|---|---|",
    ]
    for kind in sorted(figures.kinds):
        f = figures.kinds[kind]
        lines.append(
            f"| {kind} | {f.rows} | {f.share(f.flagged):.3f} ({f.flagged}/{f.rows}) | "
            f"{f.share(f.as_kind):.3f} | {f.share(f.at_severity):.3f} |"
        )
    lines.append(
        f"| false alarms | {figures.false_friends} false friends | "
        f"{figures.false_alarm_rate:.3f} ({figures.false_alarms}/{figures.false_friends}) | | |"
    )
    return "\n".join(lines)


def evaluate_main(argv: list[str], stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Run `openipt risk evaluate [FILE ...] [--language xx] [--show-misses] [--rules-only]`; 0 on success, 2 on bad arguments."""
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    usage = "openipt risk evaluate: usage: openipt risk evaluate [FILE ...] [--language xx] [--show-misses] [--rules-only]\n"
    argv = list(argv)
    forced: str | None = None
    if "--language" in argv:
        at = argv.index("--language")
        if at + 1 >= len(argv) or argv[at + 1].startswith("-"):
            stderr.write(usage)
            return 2
        forced = argv[at + 1].strip().lower()
        del argv[at : at + 2]
        if forced not in shipped_languages():
            stderr.write(f"openipt risk evaluate: no risk patterns for language {forced!r} "
                         f"(shipped: {', '.join(shipped_languages())})\n")
            return 2
    show = "--show-misses" in argv
    rules_only = "--rules-only" in argv
    names = [a for a in argv if a not in ("--show-misses", "--rules-only")]
    if any(a.startswith("-") for a in names):
        stderr.write(usage)
        return 2
    paths = [Path(n) for n in names] or [CORPUS_DIR / CHECK_FILE]  # no file named: the English model's check set
    for path in paths:
        try:
            rows = read_corpus(path)
            language = forced or corpus_language(path)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            stderr.write(f"openipt risk evaluate: cannot read {path}: {exc}\n")
            return 2
        runs = [("rules alone", False)] + ([] if rules_only else [("rules + model", True)])
        for label, with_model in runs:
            figures = evaluate(rows, with_model=with_model, language=language)
            shown = label if language == "en" else f"{label}, language {language}: English + {language} patterns"
            stdout.write(table(f"{path.name} ({shown})", figures) + "\n\n")
            if show:
                _write_misses(stdout, figures)
    return 0


def _write_misses(stdout: IO[str], figures: Figures) -> None:
    for f in figures.kinds.values():
        for ident in f.missed:
            stdout.write(f"missed {f.kind} {ident}\n")
    for ident in figures.alarm_ids:
        stdout.write(f"false alarm {ident}\n")
