"""The `openipt score` command: score one questionnaire from the command line.

Lets a clinician, tester or script check a score against the engine without the web app:
`openipt score phq9 1 2 0 3 1 0 2 1 0` prints the result as JSON. Bad input never raises:
it prints one line on stderr and returns 2.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TextIO

from openipt.measures.engine import (
    InstrumentFileError,
    ScoringError,
    UnknownInstrumentError,
    load_instruments,
    score,
)

_INT_RE = re.compile(r"^-?[0-9]+$")

USAGE = (
    "usage: openipt score [--dir DIR]... --list\n"
    "       openipt score [--dir DIR]... [--sex female|male] INSTRUMENT ANSWER...\n"
    "Answers are the option values in item order; write - for a missing answer.\n"
    "Give one answer per scored item, or one per item including unscored ones."
)


class _BadInput(Exception):
    """One line explaining what was wrong with the command line."""


def _parse(argv: list[str]) -> tuple[bool, str | None, list[str], list[str]]:
    list_mode, sex, dirs, positional = False, None, [], []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--list":
            list_mode = True
        elif token in ("--sex", "--dir") or token.startswith(("--sex=", "--dir=")):
            name, _, value = token.partition("=")
            if not _:
                i += 1
                if i >= len(argv):
                    raise _BadInput(f"{name} needs a value")
                value = argv[i]
            if name == "--sex":
                if value not in ("female", "male"):
                    raise _BadInput(f"--sex must be female or male, not {value!r}")
                sex = value
            else:
                dirs.append(value)
        elif token == "--":
            positional.extend(argv[i + 1:])
            break
        elif token.startswith("--"):
            raise _BadInput(f"unknown option {token}")
        else:
            positional.append(token)
        i += 1
    return list_mode, sex, dirs, positional


def _answers(inst, tokens: list[str]) -> dict[str, int | None]:
    scored = inst.scored_items
    if len(tokens) == len(scored):
        items = scored
    elif len(tokens) == len(inst.items):
        items = inst.items
    else:
        extra = len(inst.items) - len(scored)
        with_all = f" ({len(inst.items)} with the unscored item{'s' if extra > 1 else ''})" if extra else ""
        raise _BadInput(f"{inst.code} needs {len(scored)} answers{with_all}, got {len(tokens)}")
    answers: dict[str, int | None] = {}
    for n, (item, token) in enumerate(zip(items, tokens, strict=True), start=1):
        if token == "-":
            answers[item.id] = None
            continue
        if not _INT_RE.match(token):
            raise _BadInput(f"answer {n} ({inst.code} item {item.id}): {token!r} is not a whole number")
        answers[item.id] = int(token)
    return answers


def score_main(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None,
               stderr: TextIO | None = None) -> int:
    """Run `openipt score` with argv (the words after 'score'); return the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    if any(a in ("-h", "--help") for a in argv):
        print(USAGE, file=out)
        return 0
    try:
        list_mode, sex, dirs, positional = _parse(list(argv))
        registry = load_instruments(dirs)
        if list_mode:
            if positional:
                raise _BadInput("--list takes no instrument or answers")
            for inst in registry:
                licence = "embeddable" if inst.licence.embeddable else "not embeddable"
                print(f"{inst.code:<18} {inst.short_name:<18} {inst.kind:<12} "
                      f"{len(inst.scored_items):>2} items  {licence:<15} {inst.name}", file=out)
            return 0
        if not positional:
            raise _BadInput("give an instrument code and its answers, or --list")
        inst = registry.get(positional[0])
        result = score(inst, _answers(inst, positional[1:]), sex=sex)
    except _BadInput as exc:
        print(f"openipt score: error: {exc}", file=err)
        return 2
    except (UnknownInstrumentError, ScoringError) as exc:
        print(f"openipt score: error: {exc}", file=err)
        return 2
    except InstrumentFileError as exc:
        print(f"openipt score: error: {exc.first_line}", file=err)
        return 2
    data = result.to_dict()
    data["short_name"] = inst.short_name
    print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
    return 0
