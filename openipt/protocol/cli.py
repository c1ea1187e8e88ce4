"""The `openipt protocol` command: show the protocol, or check a clinic's content pack.

`show` lists formats, phases and problem areas (or prints them as JSON); `validate DIR`
merges a pack onto the shipped content and prints each problem as `file:line: message`, so a
clinic can fix its pack before installing it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TextIO

from .errors import ContentErrors
from .loader import BASE_LANGUAGE, CONTENT_ROOT, load_catalogs, read_pack
from .protocol import Protocol, default_protocol
from .targets import NotContent, resolve_targets


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    out: TextIO = sys.stdout

    def _print_message(self, message: str, file: object = None) -> None:  # `file` unused: all goes to `out`
        if message:
            self.out.write(message)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        raise _UsageError(message or "") if status else SystemExit(0)


def _parser(out: TextIO) -> _Parser:
    class Parser(_Parser):
        pass

    Parser.out = out
    parser = Parser(prog="openipt protocol", description="Show or check IPT protocol content.")
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    show = commands.add_parser("show", help="list formats, phases and problem areas")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    show.add_argument("--lang", default=None, help="language code, e.g. en")
    validate = commands.add_parser("validate", help="check a content pack against the shipped base")
    validate.add_argument(
        "dirs",
        nargs="+",
        metavar="PATH",
        help="a pack folder, its pack.yaml, the content folder or one content file",
    )
    return parser


def _range_text(low: int, high: int | None) -> str:
    if high is None:
        return f"{low} or more"
    return str(low) if low == high else f"{low}-{high}"


def _show_text(protocol: Protocol, lang: str | None, out: TextIO) -> None:
    out.write("Formats\n")
    for fmt in protocol.formats(lang):
        out.write(
            f"  {fmt.id}: {fmt.name} - sessions {_range_text(fmt.sessions.min, fmt.sessions.max)} "
            f"(default {fmt.sessions.default}), {fmt.frequency}, {fmt.minutes_min}-{fmt.minutes_max} min; "
            f"initial {fmt.initial_sessions} (up to {fmt.initial_sessions_max}), "
            f"termination last {fmt.termination_sessions}; sick role {fmt.sick_role}\n"
        )
        if fmt.group is not None:
            g = fmt.group
            out.write(
                f"      group of {g.size_min}-{g.size_max} (default {g.size_default}); "
                f"{_range_text(g.pre_group_min, g.pre_group_max)} pre-group session(s); "
                f"mid-group session {g.mid_group_session}\n"
            )
    out.write("\nPhases\n")
    for phase in protocol.phases(lang):
        out.write(f"  {phase.id}: {phase.name} - {phase.summary}\n")
        for task in phase.tasks:
            out.write(f"      - {task.title}\n")
    out.write("\nProblem areas\n")
    for area in protocol.areas(lang):
        stages = f" [stages: {', '.join(s.id for s in area.stages)}]" if area.stages else ""
        out.write(f'  {area.id}: {area.name} ("{area.group_name}"){stages}\n')


def _show_json(protocol: Protocol, lang: str | None, out: TextIO) -> None:
    data = {
        "languages": list(protocol.languages),
        "formats": [asdict(f) for f in protocol.formats(lang)],
        "phases": [asdict(p) for p in protocol.phases(lang)],
        "areas": [asdict(a) for a in protocol.areas(lang)],
    }
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _validate(paths: list[str], out: TextIO) -> int:
    targets = resolve_targets(paths)
    catalogs, infos, errors = load_catalogs(targets.base, tuple(targets.packs))
    if errors:
        for error in sorted(set(errors)):
            out.write(f"{error}\n")
        out.write(f"{len(set(errors))} problem(s) found.\n")
        return 1
    base = read_pack(targets.base if targets.base is not None else CONTENT_ROOT / BASE_LANGUAGE)
    for pack in [base, *(read_pack(directory) for directory in targets.packs)]:
        info = pack.info
        assert info is not None
        items = sum(len(v) for v in pack.items.values())
        checked = "checked as the base content" if pack is base else "checked against the base content"
        out.write(
            f"OK: {info.name} ({info.type}, {info.language}) - {items} item(s) and {len(pack.topics)} "
            f"topic(s) {checked}; no problems.\n"
        )
    out.write(f"Languages available: {', '.join(sorted(catalogs))}.\n")
    return 0


def protocol_main(
    argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run `openipt protocol show|validate`; return 0 on success, 1 on content problems, 2 on bad usage."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = _parser(out).parse_args(list(argv))
    except _UsageError as exc:
        message = str(exc).strip() or "bad arguments"
        err.write(f"openipt protocol: {message} (try 'openipt protocol --help')\n")
        return 2
    except SystemExit:
        return 0
    if args.command is None:
        err.write("openipt protocol: choose a command: show or validate\n")
        return 2
    try:
        if args.command == "show":
            protocol = default_protocol()
            if args.lang and args.lang not in protocol.languages:
                err.write(
                    f"openipt protocol: no content in language '{args.lang}' (have {', '.join(protocol.languages)})\n"
                )
                return 2
            (_show_json if args.json else _show_text)(protocol, args.lang, out)
            return 0
        return _validate(args.dirs, out)
    except NotContent as exc:
        err.write(f"openipt protocol: {exc}\n")
        return 2
    except ContentErrors as exc:
        err.write(f"openipt protocol: the shipped content has problems: {exc.errors[0]}\n")
        return 1
    except OSError as exc:
        err.write(f"openipt protocol: {exc}\n")
        return 1
