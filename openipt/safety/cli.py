"""`openipt risk scan`: run the free-text risk detector over lines of text.

A clinic should be able to try the detector on its own phrases before trusting it: put one
phrase per line in a file, pipe it in, and read one JSON object per line back (what matched,
where, how severe, and why). The command never crashes on input: invalid UTF-8 is replaced,
blank lines give a no-flag object, and a bad pattern file gives one clear error line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from .riskdetect import DataError, PatternSet, ScanResult, default_patterns, load_pattern_file, scan_text

USAGE = """usage: openipt risk scan [--patterns FILE] [--summary]
       openipt risk evaluate [CORPUS.tsv ...] [--language xx] [--show-misses] [--rules-only]

Reads one text per line on standard input and writes one JSON object per line (the patterns,
then the built-in word model as a second opinion, as the app scans text):
{"line", "text", "flag", "severity", "kinds", "version", "matches": [...], "set_aside": [...]}.

  --patterns FILE  use this pattern file instead of the shipped English one
  --summary        after the last line, write a count of flagged lines to standard error
"""


def risk_scan_main(
    argv: list[str],
    stdin: IO[Any] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run `openipt risk scan`; return 0 on success, 2 on bad arguments, 1 on other errors."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    if list(argv)[:1] == ["evaluate"]:
        from .riskeval import evaluate_main

        return evaluate_main(list(argv)[1:], stdout=stdout, stderr=stderr)
    try:
        options = _parse_args(list(argv))
    except _UsageError as exc:
        _say(stderr, f"openipt risk: {exc}. Try: openipt risk scan --help")
        return 2
    if options.get("help"):
        stdout.write(USAGE)
        return 0
    try:
        patterns = load_pattern_file(options["patterns"]) if options.get("patterns") else default_patterns()
    except (DataError, LookupError, OSError) as exc:
        _say(stderr, f"openipt risk: cannot use the pattern file: {exc}")
        return 1
    flagged = total = failures = 0
    try:
        for number, text in enumerate(_lines(stdin), start=1):
            total += 1
            record = _record(number, text, patterns)
            if record.get("error"):
                failures += 1
            elif record["flag"]:
                flagged += 1
            _write_json(stdout, record)
        stdout.flush()
    except BrokenPipeError:
        return 0
    except (OSError, ValueError) as exc:
        _say(stderr, f"openipt risk: could not read or write ({exc})")
        return 1
    if options.get("summary"):
        _say(stderr, f"{flagged} of {total} lines flagged (patterns {patterns.language} {patterns.version})")
    if failures:
        _say(stderr, f"openipt risk: {failures} line(s) could not be scanned; see the error field")
        return 1
    return 0


class _UsageError(Exception):
    pass


def _parse_args(argv: list[str]) -> dict[str, Any]:
    if not argv:
        raise _UsageError("missing the subcommand (scan or evaluate)")
    if argv[0] in ("-h", "--help", "help"):
        return {"help": True}
    if argv[0] != "scan":
        raise _UsageError(f"unknown subcommand {argv[0]!r} (scan or evaluate)")
    options: dict[str, Any] = {}
    rest = argv[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg in ("-h", "--help"):
            options["help"] = True
        elif arg == "--summary":
            options["summary"] = True
        elif arg == "--patterns":
            if i + 1 >= len(rest):
                raise _UsageError("--patterns needs a file name")
            options["patterns"] = rest[i + 1]
            i += 1
        elif arg.startswith("--patterns="):
            options["patterns"] = arg.split("=", 1)[1]
        else:
            raise _UsageError(f"unknown argument {arg!r}")
        i += 1
    return options


def _lines(stdin: IO[Any]) -> Iterator[str]:
    """Yield each input line as text without its line ending; bytes are decoded with replacement."""
    source: Any = getattr(stdin, "buffer", stdin)
    for raw in source:
        if isinstance(raw, bytes | bytearray):
            line = bytes(raw).decode("utf-8", errors="replace")
        else:
            line = str(raw)
        yield line.rstrip("\r\n")


def _record(number: int, text: str, patterns: PatternSet) -> dict[str, Any]:
    try:
        result: ScanResult = scan_text(text, patterns)
    except Exception as exc:  # noqa: BLE001 - the command must report, not crash
        return {"line": number, "text": text, "flag": None, "error": f"{type(exc).__name__}: {exc}"}
    return {
        "line": number,
        "text": text,
        "flag": result.flag,
        "severity": result.severity,
        "kinds": result.kinds,
        "version": f"{result.language}-{result.version}",
        "matches": [
            {
                "rule": m.rule_id,
                "family": m.family,
                "kind": m.kind,
                "severity": m.severity,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "modifiers": list(m.modifiers),
                "why": m.explanation,
            }
            for m in result.matches
        ],
        "set_aside": [{"rule": s.rule_id, "text": s.text, "reason": s.reason} for s in result.set_aside],
    }


def _write_json(stdout: IO[str], record: dict[str, Any]) -> None:
    line = json.dumps(record, ensure_ascii=False)
    try:
        stdout.write(line + "\n")
    except UnicodeEncodeError:
        stdout.write(json.dumps(record, ensure_ascii=True) + "\n")


def _say(stream: IO[str], message: str) -> None:
    try:
        stream.write(message + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


__all__ = ["risk_scan_main", "USAGE"]
