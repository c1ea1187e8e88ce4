"""Command-line entry for the communication analyser: `openipt analyse "You never listen to me"`.

Prints the findings and the overall feedback as JSON so the analyser can be tried, scripted
and checked without the web app. Bad input never raises: it prints one line to stderr and
returns 2.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

USAGE = ('usage: openipt analyse [--lang en|es|sw] "message" | openipt analyse [--lang ...] - '
         '(read the message from standard input)')
MAX_INPUT_CHARS = 1_000_000


def _write_json(payload: dict, out: TextIO) -> None:
    try:
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    except UnicodeEncodeError:
        out.write(json.dumps(payload, ensure_ascii=True, indent=2) + "\n")


def analyse_main(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None,
                 stderr: TextIO | None = None) -> int:
    """Analyse the message given as arguments (or "-" for stdin) and print JSON; return 0, or 2 on bad input."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = [str(a) for a in (argv or [])]
    if args and args[0] in ("-h", "--help"):
        stdout.write(USAGE + "\n")
        return 0
    language = "en"
    if args and (args[0] == "--lang" or args[0].startswith("--lang=")):
        if args[0] == "--lang":
            if len(args) < 2:
                stderr.write("error: --lang needs a language code, for example --lang es\n")
                return 2
            language, args = args[1], args[2:]
        else:
            language, args = args[0].split("=", 1)[1], args[1:]
    if args == ["-"]:
        try:
            text = stdin.read(MAX_INPUT_CHARS + 1)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            stderr.write(f"error: could not read standard input ({exc.__class__.__name__})\n")
            return 2
        if len(text) > MAX_INPUT_CHARS:
            stderr.write(f"error: the message is longer than {MAX_INPUT_CHARS:,} characters\n")
            return 2
    else:
        text = " ".join(args)
    if not text.strip():
        stderr.write('error: give a message to analyse, for example: openipt analyse "I feel upset"\n')
        return 2
    from .analyser import DataError, analyse

    try:
        result = analyse(text, language=language)
    except DataError as exc:
        stderr.write(f"error: the pattern file is broken: {exc.problems[0]}\n")
        return 1
    _write_json({
        "findings": [
            {"pattern": f.pattern, "family": f.family, "span": [f.start, f.end], "text": f.text,
             "suggestion": f.suggestion}
            for f in result.findings
        ],
        "helpful": result.helpful,
        "hurtful": result.hurtful,
        "feedback": result.feedback,
        "language": result.language,
        "supported": result.supported,
    }, stdout)
    return 0
