"""Command-line entry for the assessment tools: ``openipt suggest-area CASE.json``.

Lets a therapist, a trainer or a test script run the problem-area scorer on a saved case
without the web application. It prints ranked suggestions with their evidence as JSON (or as
readable text with ``--text``). Bad input never raises: one clear line goes to stderr and the
exit code is 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from .suggest import CaseError, DataFileError, Suggestion, load_rules, parse_case, suggest

USAGE = ("usage: openipt suggest-area [--text] [--rules RULES.yaml] CASE.json   (use - to read the case from stdin)\n"
         "       openipt suggest-area --evaluate DIR [--glob PATTERN] [--rules RULES.yaml]")
HELP = f"""{USAGE}

Suggest an IPT problem area (grief, role dispute, role transition, interpersonal sensitivity, also
called interpersonal deficits) from a
case file: interpersonal inventory, timeline, onset and intake answers. The case format is
described in docs/assessment/suggest-area.md. Output is JSON unless --text is given.

options:
  --text            print a readable summary instead of JSON
  --rules FILE      use this rules file instead of the shipped rules.yaml
  --evaluate DIR    score every vignette in DIR against its intended answer and print top-1 and
                    top-2 agreement for the blind (held-out) and development sets
  --glob PATTERN    with --evaluate: only the vignettes whose file names match (e.g. 'h*')
  -h, --help        show this help

exit codes: 0 success, 2 bad arguments, unreadable file, malformed JSON or invalid case.
"""
MAX_BYTES = 5_000_000


class _Usage(Exception):
    """A problem with the command line itself."""


def _parse_args(argv: list[str]) -> dict[str, Any]:
    opts: dict[str, Any] = {"text": False, "rules": None, "case": None, "help": False, "evaluate": None,
                            "glob": "*"}
    args = list(argv)
    positional: list[str] = []
    while args:
        arg = args.pop(0)
        if arg == "--":
            positional.extend(args)
            break
        if arg in ("-h", "--help"):
            opts["help"] = True
        elif arg == "--text":
            opts["text"] = True
        elif arg == "--rules" or arg.startswith("--rules="):
            value = arg.partition("=")[2] if "=" in arg else (args.pop(0) if args else "")
            if not value:
                raise _Usage("--rules needs a file name")
            opts["rules"] = value
        elif arg in ("--evaluate", "--glob") or arg.startswith(("--evaluate=", "--glob=")):
            name = arg.partition("=")[0].removeprefix("--")
            value = arg.partition("=")[2] if "=" in arg else (args.pop(0) if args else "")
            if not value:
                raise _Usage(f"--{name} needs a value")
            opts[name] = value
        elif arg.startswith("-") and arg != "-":
            raise _Usage(f"unknown option {arg}")
        else:
            positional.append(arg)
    if opts["help"]:
        return opts
    if opts["evaluate"] is not None:
        if positional:
            raise _Usage("--evaluate takes a directory, not a case file")
        return opts
    if len(positional) != 1:
        raise _Usage("give exactly one case file (or - for stdin)" if not positional
                     else f"give exactly one case file, not {len(positional)}")
    opts["case"] = positional[0]
    return opts


def _read_case_text(name: str, stdin: IO[str]) -> str:
    if name == "-":
        text = stdin.read(MAX_BYTES + 1)
        label = "stdin"
    else:
        path = Path(name)
        try:
            if path.is_dir():
                raise _InputError(f"cannot read {name}: it is a directory")
            with path.open("r", encoding="utf-8") as fh:
                text = fh.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise _InputError(f"cannot read {name}: no such file") from None
        except UnicodeDecodeError:
            raise _InputError(f"cannot read {name}: not UTF-8 text") from None
        except OSError as exc:
            raise _InputError(f"cannot read {name}: {exc.strerror or exc}") from None
        label = name
    if len(text) > MAX_BYTES:
        raise _InputError(f"{label} is too large (over {MAX_BYTES:,} characters)")
    return text


class _InputError(Exception):
    """A case file that cannot be read, parsed or checked."""


def _load_case_data(name: str, stdin: IO[str]) -> Any:
    text = _read_case_text(name, stdin)
    label = "stdin" if name == "-" else name
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _InputError(f"{label} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise _InputError(f"{label} is not usable JSON: nested too deeply") from None


def render_text(suggestions: list[Suggestion], reference: str, onset: str | None) -> str:
    """Format suggestions as readable text for a therapist."""
    lines = [f"Problem-area suggestions (reference date {reference}, onset {onset or 'unknown'})", ""]
    for s in suggestions:
        if s.area is None:
            lines.append(f"{s.rank}. No suggestion")
            lines.append(f"   {s.reason}")
        else:
            lines.append(f"{s.rank}. {s.area.replace('_', ' ')} ({s.role}): score {s.score:g}, "
                         f"threshold {s.threshold:g}, confidence {s.confidence}")
            lines.append(f"   {s.reason}")
            lines.append(f"   Confidence: {s.confidence_why}")
        if s.stage:
            lines.append(f"   Suggested stage: {s.stage.stage}")
            lines.extend(f"     - {why}" for why in s.stage.why)
        if s.evidence:
            lines.append("   Evidence:" if s.area else "   Leads so far:")
            for e in s.evidence:
                refs = [f"person {p.index} {p.name}" for p in e.people] + [f"event {i}" for i in e.events]
                refs += [f"intake {q}" for q in e.intake]
                lines.append(f"     - {e.sentence}  (+{e.points:g}; {e.rule}; {', '.join(refs) or 'whole inventory'})")
        lines.append("")
    lines.append("These are suggestions to check with the client, not a decision.")
    return "\n".join(lines) + "\n"


def _write(stream: IO[str], text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:
        enc = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.replace("→", "->").encode(enc, "replace").decode(enc))


def _fail(stderr: IO[str], message: str) -> None:
    _write(stderr, "suggest-area: " + " ".join(message.split()) + "\n")


def _evaluate(directory: str, pattern: str, rules: Any, stdout: IO[str]) -> int:
    from .suggest.evaluate import load_vignettes, report, run

    path = Path(directory)
    if not path.is_dir():
        raise _InputError(f"cannot evaluate {directory}: not a directory")
    try:
        vignettes = load_vignettes(path, pattern)
        outcomes = run(vignettes, rules)
    except (ValueError, CaseError) as exc:
        raise _InputError(f"cannot evaluate {directory}: {exc}") from None
    if not vignettes:
        raise _InputError(f"no vignettes in {directory} match {pattern!r}")
    _write(stdout, report(outcomes) + "\n")
    return 0


def suggest_area_main(argv: list[str], stdin=None, stdout=None, stderr=None) -> int:
    """Run ``openipt suggest-area``: print ranked problem-area suggestions for a case file."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    opts: dict[str, Any] = {}
    try:
        opts = _parse_args(argv)
        if opts["help"]:
            _write(stdout, HELP)
            return 0
        rules = load_rules(opts["rules"]) if opts["rules"] else load_rules()
        if opts["evaluate"] is not None:
            return _evaluate(opts["evaluate"], opts["glob"], rules, stdout)
        data = _load_case_data(opts["case"], stdin)
        case = parse_case(data)
        suggestions = suggest(case, rules)
        onset = case.onset.date.iso() if case.onset else None
        if opts["text"]:
            _write(stdout, render_text(suggestions, case.reference_date.isoformat(),
                                       case.onset.date.human() if case.onset else None))
        else:
            payload = {"reference_date": case.reference_date.isoformat(), "onset": onset,
                       "rules": rules.source, "suggestions": [s.to_dict() for s in suggestions]}
            _write(stdout, json.dumps(payload, indent=2) + "\n")
        return 0
    except _Usage as exc:
        _fail(stderr, f"{exc}. {USAGE}")
        return 2
    except _InputError as exc:
        _fail(stderr, str(exc))
        return 2
    except CaseError as exc:
        where = "stdin" if opts.get("case") == "-" else opts.get("case")
        _fail(stderr, f"invalid case in {where}: {exc}")
        return 2
    except DataFileError as exc:
        _fail(stderr, f"bad rules file: {exc}")
        return 2
    except Exception as exc:  # never let a traceback reach the user
        _fail(stderr, f"internal error ({exc.__class__.__name__}: {exc}); please report it")
        return 1
