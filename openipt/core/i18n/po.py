"""PO catalogues read and written, and compiled to .mo, in plain Python (no GNU gettext, no Django).

A PO file is a list of entries::

    # unreviewed                 <- a translator comment; this project's marker for its own translations
    #. a note for translators     <- an extracted comment
    #: openipt/portal/templates/portal/home.html
    #, python-format
    msgctxt "optional context"
    msgid "Hello %(name)s"
    msgid_plural "..."          <- plural entries only
    msgstr "Hola %(name)s"      <- or msgstr[0], msgstr[1], ...

The first entry (msgid "") is the header; its Plural-Forms line says how many plural forms the
language has. `compile_mo` writes the binary form `gettext.GNUTranslations` and Django read:
untranslated and fuzzy entries are left out, so the English text shows for them.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

UNREVIEWED = "unreviewed"  # the translator comment that marks a translation nobody has reviewed yet
MO_MAGIC = 0x950412DE
CONTEXT_SEPARATOR = "\x04"


class PoError(ValueError):
    """A catalogue that cannot be read: names the file and line."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        super().__init__(f"{path}, line {line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


@dataclass
class Entry:
    """One message: its English text (msgid), context, plural, translation(s) and comments."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)  # translator comments ("# ...")
    extracted: list[str] = field(default_factory=list)  # "#. ..."
    references: list[str] = field(default_factory=list)  # "#: ..."
    flags: list[str] = field(default_factory=list)  # "#, ..."
    line: int = 0  # where the entry starts in the file it was read from

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def unreviewed(self) -> bool:
        return UNREVIEWED in self.comments


@dataclass
class Catalogue:
    """A header (msgid "" translation) and the entries after it, in file order."""

    header: str = ""
    entries: list[Entry] = field(default_factory=list)

    def find(self, msgid: str, msgctxt: str | None = None) -> Entry | None:
        for entry in self.entries:
            if entry.msgid == msgid and entry.msgctxt == msgctxt:
                return entry
        return None

    @property
    def nplurals(self) -> int:
        match = re.search(r"nplurals\s*=\s*(\d+)", self.header)
        return int(match.group(1)) if match else 2


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str, path: str, line: int) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise PoError(path, line, "a string must be in double quotes")
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body):
                raise PoError(path, line, "a backslash ends the string")
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise PoError(path, line, f"unknown escape \\{nxt}")
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        if ch == '"':
            raise PoError(path, line, "a double quote inside a string must be written \\\"")
        out.append(ch)
        i += 1
    return "".join(out)


def parse(text: str, path: str = "<catalogue>") -> Catalogue:
    """Read a PO file's text; a mistake raises PoError naming the file and line."""
    catalogue = Catalogue()
    entries: list[Entry] = []
    pending: dict[str, list[str]] = {"comments": [], "extracted": [], "references": [], "flags": []}
    current: Entry | None = None
    field_name: str | None = None
    plural_index: int | None = None
    start_line = 0
    seen: dict[tuple[str | None, str], int] = {}

    def finish() -> None:
        nonlocal current
        if current is None:
            return
        if current.msgid == "" and current.msgctxt is None:
            catalogue.header = current.msgstr
        else:
            if current.key in seen:
                raise PoError(path, current.line, f"msgid {current.msgid!r} appears twice (first at line {seen[current.key]})")
            seen[current.key] = current.line
            entries.append(current)
        current = None

    def append(value: str, line_no: int) -> None:
        assert current is not None
        if field_name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif field_name == "msgid":
            current.msgid += value
        elif field_name == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + value
        elif field_name == "msgstr":
            current.msgstr += value
        elif field_name == "msgstr_plural" and plural_index is not None:
            current.msgstr_plural[plural_index] = current.msgstr_plural.get(plural_index, "") + value
        else:
            raise PoError(path, line_no, "a string without msgid or msgstr before it")

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if current is not None and field_name in ("msgstr", "msgstr_plural"):
                finish()
                field_name = None
            if line.startswith("#~"):
                continue  # an obsolete entry: kept by translators' tools, never used
            if line.startswith("#."):
                pending["extracted"].append(line[2:].strip())
            elif line.startswith("#:"):
                pending["references"].extend(line[2:].split())
            elif line.startswith("#,"):
                pending["flags"].extend(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("#|"):
                continue  # a previous msgid, written by msgmerge
            else:
                pending["comments"].append(line[1:].strip())
            continue
        if line.startswith('"'):
            if current is None:
                raise PoError(path, number, "a string without msgid or msgstr before it")
            append(_unquote(line, path, number), number)
            continue
        match = _KEYWORD.match(line)
        if match is None:
            raise PoError(path, number, f"cannot read this line: {line[:60]!r}")
        keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3), path, number)
        if keyword in ("msgctxt", "msgid") and (current is None or field_name in ("msgstr", "msgstr_plural")):
            finish()
            current = Entry(msgid="", line=number, comments=pending["comments"], extracted=pending["extracted"],
                            references=pending["references"], flags=pending["flags"])
            pending = {"comments": [], "extracted": [], "references": [], "flags": []}
            start_line = number
            field_name = None
        if current is None:
            raise PoError(path, number, f"{keyword} before msgid")
        if keyword == "msgctxt":
            if field_name is not None:
                raise PoError(path, number, "msgctxt must come before msgid")
            field_name = "msgctxt"
            current.msgctxt = ""
        elif keyword == "msgid":
            if field_name not in (None, "msgctxt"):
                raise PoError(path, number, "msgid in the wrong place")
            field_name = "msgid"
        elif keyword == "msgid_plural":
            if field_name != "msgid":
                raise PoError(path, number, "msgid_plural must follow msgid")
            field_name = "msgid_plural"
            current.msgid_plural = ""
        elif index is not None:
            if current.msgid_plural is None:
                raise PoError(path, number, f"msgstr[{index}] in an entry without msgid_plural")
            field_name = "msgstr_plural"
            plural_index = int(index)
            current.msgstr_plural[plural_index] = ""
        else:
            if current.msgid_plural is not None:
                raise PoError(path, number, "a plural entry needs msgstr[0], msgstr[1], ... not msgstr")
            if field_name not in ("msgid",):
                raise PoError(path, number, "msgstr must follow msgid")
            field_name = "msgstr"
        append(value, number)
    if current is not None:
        if field_name not in ("msgstr", "msgstr_plural"):
            raise PoError(path, start_line, f"msgid {current.msgid!r} has no msgstr")
        finish()
    catalogue.entries = entries
    return catalogue


def _quote(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
               .replace("\n", "\\n"))
    return f'"{escaped}"'


def _field(keyword: str, text: str) -> list[str]:
    if "\n" not in text.rstrip("\n") and len(text) < 70:
        return [f"{keyword} {_quote(text)}"]
    parts = re.split(r"(?<=\n)", text)
    return [f'{keyword} ""'] + [_quote(p) for p in parts if p]


def _entry_lines(entry: Entry) -> list[str]:
    lines = [f"# {c}" if c else "#" for c in entry.comments]
    lines += [f"#. {c}" for c in entry.extracted]
    lines += [f"#: {r}" for r in entry.references]
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    if entry.msgctxt is not None:
        lines += _field("msgctxt", entry.msgctxt)
    lines += _field("msgid", entry.msgid)
    if entry.msgid_plural is not None:
        lines += _field("msgid_plural", entry.msgid_plural)
        forms = entry.msgstr_plural or {0: "", 1: ""}
        for index in sorted(forms):
            lines += _field(f"msgstr[{index}]", forms[index])
    else:
        lines += _field("msgstr", entry.msgstr)
    return lines


def dump(catalogue: Catalogue) -> str:
    """Write a catalogue as PO text (entries in their order; the header first)."""
    blocks = ["\n".join(_field("msgid", "") + _field("msgstr", catalogue.header))]
    blocks += ["\n".join(_entry_lines(e)) for e in catalogue.entries]
    return "\n\n".join(blocks) + "\n"


def header_for(language: str, plural_forms: str) -> str:
    return (
        "Project-Id-Version: OpenIPT\n"
        f"Language: {language}\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        f"Plural-Forms: {plural_forms}\n"
    )


def compile_mo(catalogue: Catalogue) -> bytes:
    """The binary .mo form of a catalogue: translated, non-fuzzy entries and the header, sorted by msgid."""
    header = catalogue.header
    if "charset=" not in header:  # the text below is UTF-8, and gettext reads the header to know it
        header = header + ("" if not header or header.endswith("\n") else "\n") + "Content-Type: text/plain; charset=UTF-8\n"
    pairs: list[tuple[bytes, bytes]] = [(b"", header.encode("utf-8"))]
    for entry in catalogue.entries:
        if not entry.translated or entry.fuzzy:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}{CONTEXT_SEPARATOR}{entry.msgid}"
        if entry.msgid_plural is not None:
            key += "\x00" + entry.msgid_plural
            value = "\x00".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        pairs.append((key.encode("utf-8"), value.encode("utf-8")))
    pairs.sort(key=lambda p: p[0])
    count = len(pairs)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    originals = bytearray()
    translations = bytearray()
    data = bytearray()
    for raw_key, _raw_value in pairs:
        originals += struct.pack("<II", len(raw_key), data_at + len(data))
        data += raw_key + b"\x00"
    for _raw_key, raw_value in pairs:
        translations += struct.pack("<II", len(raw_value), data_at + len(data))
        data += raw_value + b"\x00"
    head = struct.pack("<7I", MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    return bytes(head + originals + translations + data)
