"""Published results from trials of group IPT, kept as data with checkable sources, and the programme's nearest
comparable figure beside each.

The data is `benchmarks.yaml` next to this file. Every entry is checked when it is loaded: an entry with no
citation, no DOI, no address of the page its figures were read from (`checked_at`) or no published figure is
refused, with an error naming the entry, its line and the field. A trial's figure is shown exactly as
published; a 95% interval OpenIPT works out itself (Wilson, from the published number of people) is shown
apart from it and marked as derived. Nothing here ranks or judges: the dashboard shows figures side by side
with what makes them hard to compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field

from openipt.core.content.schema import (
    ContentModel,
    Number,
    Text,
    Whole,
    Words,
    check,
    filled,
    matches,
    one_of,
)
from openipt.core.content.yamlload import ContentFileError, Problem, load_yaml, read_text
from openipt.programmes.indicators import Result, wilson

FILE = Path(__file__).with_name("benchmarks.yaml")
FILE_NAME = "openipt/programmes/benchmarks.yaml"
#: the programme figures a trial's outcome can be set beside ("" = none: the trial is shown as context)
COMPARABLE = ("not_in_remission",)

Doi = Annotated[Text, matches(r"10\.\d{4,9}/\S+", "must be a DOI such as 10.1192/bjp.188.6.567 (without https://doi.org/)")]
Address = Annotated[
    Text, matches(r"https?://\S+", "must be the address (http:// or https://) of the page the figures were read from")
]
Slug = Annotated[Text, matches(r"[a-z0-9]+(-[a-z0-9]+)*", "must be lower-case letters, digits and dashes")]


class Figure(ContentModel):
    """One figure as the source publishes it; `proportion` and `n` only let OpenIPT derive an interval."""

    arm: Words
    published: Words
    proportion: Annotated[Number, Field(ge=0, le=1)] | None = None
    n: Annotated[Whole, Field(gt=0)] | None = None


class Benchmark(ContentModel):
    id: Slug
    trial: Words
    citation: Words
    doi: Doi
    checked_at: Address
    design: Words
    country: Words
    population: Words
    delivered_by: Words
    sessions: Annotated[Whole, Field(gt=0)] | None = None
    sessions_note: Text = ""
    timepoint: Words
    outcome: Words
    measure: Words
    arm_sizes: Words
    comparable: Annotated[Text, one_of(("", *COMPARABLE), f"must be one of {list(COMPARABLE)} or \"\" (context only)")]
    figures: Annotated[tuple[Figure, ...], filled("needs at least one published figure")]

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}"


def load(text: str | None = None, file: str = FILE_NAME) -> tuple[Benchmark, ...]:
    """The benchmarks in `text` (the shipped file by default); ContentFileError lists every problem, each naming
    the entry it is in."""
    document = load_yaml(read_text(FILE, file) if text is None else text, file)
    data = document.data
    entries = data.get("benchmarks") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ContentFileError([Problem(file, document.line(()), "needs a list called benchmarks")])
    out: list[Benchmark] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        name = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else f"number {i + 1}"
        try:
            benchmark = check(Benchmark, entry, document, ("benchmarks", i))
        except ContentFileError as exc:
            problems += [Problem(p.file, p.line, f"benchmark {name!r}: {p.message}", p.field) for p in exc.problems]
            continue
        if benchmark.id in seen:
            problems.append(
                Problem(file, document.line(("benchmarks", i)), f"benchmark {name!r}: the id is used twice")
            )
        seen.add(benchmark.id)
        out.append(benchmark)
    if problems:
        raise ContentFileError(problems)
    return tuple(out)


@lru_cache(maxsize=1)
def shipped() -> tuple[Benchmark, ...]:
    """The benchmarks OpenIPT ships (loaded once; a broken file fails its test, never a page quietly)."""
    return load()


# ---- what the dashboard shows


@dataclass(frozen=True)
class Shown:
    """A trial's figure as shown: the published text, and OpenIPT's derived interval when it can be worked out."""

    arm: str
    published: str
    derived: str  # "39–78%", or "" when there is none
    no_n: bool  # a proportion was published without the number of people: no interval can be derived


def shown(figure: Figure) -> Shown:
    derived = ""
    if figure.proportion is not None and figure.n is not None:
        low, high = wilson(round(figure.proportion * figure.n), figure.n)
        derived = f"{100 * low:.0f}–{100 * high:.0f}%"
    return Shown(figure.arm, figure.published, derived, figure.proportion is not None and figure.n is None)


@dataclass(frozen=True)
class ProgrammeFigure:
    """The programme's nearest comparable figure for the period, with its Wilson interval."""

    count: str  # "12", or "<5" when hidden
    of: str
    percent: str
    interval: str
    hidden: bool
    none_yet: bool  # no one was a case at the start in this period


def not_in_remission(result: Result) -> ProgrammeFigure:
    """Members who were a case at the start (PHQ-9 10 or more, or no score) and are not in remission at their latest
    PHQ-9 (5 or more, or fewer than 2 scores): cases at the start less remission, of cases at the start.

    Hidden whenever either count is hidden: the difference would give a hidden count away. A small difference
    itself is already covered, because `indicators.suppressed_cells` hides remission when case_at_start less
    remission is a small cell.
    """
    cases, remission = result.values["case_at_start"], result.values["remission"]
    below = f"<{cases.threshold}"
    if cases.suppressed or remission.suppressed:
        return ProgrammeFigure(below, below if cases.suppressed else "", "", "", True, False)
    total = int(cases.value or 0)
    if total == 0:
        return ProgrammeFigure("0", "0", "", "", False, True)
    count = total - int(remission.value or 0)
    low, high = wilson(count, total)
    return ProgrammeFigure(
        str(count), str(total), f"{100 * count / total:.0f}%", f"{100 * low:.0f}–{100 * high:.0f}%", False, False
    )


PROGRAMME_FIGURES = {"not_in_remission": not_in_remission}


@dataclass(frozen=True)
class Row:
    benchmark: Benchmark
    figures: tuple[Shown, ...]
    programme: ProgrammeFigure | None


@dataclass(frozen=True)
class Panel:
    comparable: tuple[Row, ...]  # a programme figure sits beside each
    context: tuple[Row, ...]  # no comparable programme figure: listed for context only


def panel(result: Result, benchmarks: tuple[Benchmark, ...] | None = None) -> Panel:
    """The benchmarks in file order (never sorted by result), each with the programme's comparable figure."""
    rows = [
        Row(
            b,
            tuple(shown(f) for f in b.figures),
            PROGRAMME_FIGURES[b.comparable](result) if b.comparable else None,
        )
        for b in (shipped() if benchmarks is None else benchmarks)
    ]
    return Panel(tuple(r for r in rows if r.programme), tuple(r for r in rows if not r.programme))
