"""Find instrument files in the shipped directory and in a site's own directories.

A site adds a licensed instrument by dropping a YAML file into a directory it names.
Nothing is replaced silently: a second file with a code already loaded is an error unless
it says `overrides: <code>`, and an override of a code nobody defined is an error too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from openipt.core.content import ContentFileError, Document, parse_yaml, read_text

from .errors import InstrumentFileError, UnknownInstrumentError
from .model import Instrument
from .validate import build_instrument

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "content"
_NO_DEFAULT = object()


class Registry:
    """The loaded instruments, by code, in load order."""

    def __init__(self, instruments: Iterable[Instrument] = ()):
        self._by_code: dict[str, Instrument] = {}
        for inst in instruments:
            self._by_code[inst.code] = inst

    def get(self, code: str, default: object = _NO_DEFAULT) -> Instrument:
        """Return the instrument with this code; raise UnknownInstrumentError unless a default is given."""
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            if default is not _NO_DEFAULT:
                return default  # type: ignore[return-value]
            known = ", ".join(sorted(self._by_code))
            raise UnknownInstrumentError(f"unknown instrument '{code}' (known: {known})") from None

    def codes(self) -> tuple[str, ...]:
        """Return the instrument codes in load order."""
        return tuple(self._by_code)

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code


def instrument_files(directory: Path) -> list[Path]:
    """Return the instrument files of one directory (*.yaml, *.yml), sorted by name."""
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml"))


def read_yaml(path: Path) -> Document:
    """Read one YAML file with the line of every value; raise InstrumentFileError if it is unusable."""
    try:
        text = read_text(path)
    except ContentFileError as exc:
        raise InstrumentFileError(path, [(None, problem.message) for problem in exc.problems]) from exc
    document, problems = parse_yaml(text, str(path))
    if problems:
        raise InstrumentFileError(path, [(problem.line, problem.message) for problem in problems])
    if document.data is None:
        raise InstrumentFileError(path, [(1, "the file is empty")])
    return document


def load_file(path: Path) -> Instrument:
    """Read and check one instrument file."""
    document = read_yaml(path)
    return build_instrument(document.data, document, path)


def load_directories(directories: Iterable[Path | str]) -> Registry:
    """Load every instrument file of the directories, in order, refusing silent duplicates."""
    by_code: dict[str, Instrument] = {}
    for directory in directories:
        directory = Path(directory)
        if not directory.is_dir():
            raise InstrumentFileError(directory, [(None, "instrument directory not found")])
        for path in instrument_files(directory):
            inst = load_file(path)
            earlier = by_code.get(inst.code)
            if earlier is not None and inst.overrides != inst.code:
                raise InstrumentFileError(path, [(1, (
                    f"instrument code '{inst.code}' is already defined in {earlier.path}; "
                    f"add 'overrides: {inst.code}' to replace it on purpose"))])
            if earlier is None and inst.overrides is not None:
                raise InstrumentFileError(path, [(1, (
                    f"this file overrides '{inst.code}' but no earlier file defines that code"))])
            by_code[inst.code] = inst
    return Registry(by_code.values())
