"""The Protocol object: every lookup the rest of OpenIPT makes into the IPT content.

Lookups take a language; text falls back to English for a language (or an item) that has no
translation. `default_protocol()` loads the shipped content once and caches it;
`ProtocolRegistry` reloads content with clinic packs and keeps the last good version when a
reload fails, so a bad edit never takes the protocol away from running sessions.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache

from .catalog import Catalog
from .errors import ContentError, ContentErrors
from .loader import BASE_LANGUAGE, load_or_raise
from .model import (
    FidelityChecklist,
    Format,
    GroupGuide,
    PackInfo,
    Phase,
    PlanSet,
    ProblemArea,
    Stage,
    Step,
    Technique,
    Topic,
)
from .pieces import Piece, extra_pieces


class Protocol:
    """Read-only access to formats, phases, areas, techniques, plans, guides, checklists, topics."""

    def __init__(
        self, catalogs: dict[str, Catalog], packs: Sequence[PackInfo] = (), base_language: str = BASE_LANGUAGE
    ):
        if base_language not in catalogs:
            raise ValueError(f"no content for the base language '{base_language}'")
        self._catalogs = dict(catalogs)
        self.base_language = base_language
        self.packs: tuple[PackInfo, ...] = tuple(packs)

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the languages with content, base language first."""
        others = sorted(k for k in self._catalogs if k != self.base_language)
        return (self.base_language, *others)

    def catalog(self, lang: str | None = None) -> Catalog:
        """Return the catalog for `lang`, trying 'pt-BR' then 'pt' then the base language."""
        if lang:
            if lang in self._catalogs:
                return self._catalogs[lang]
            primary = lang.split("-")[0].lower()
            if primary in self._catalogs:
                return self._catalogs[primary]
        return self._catalogs[self.base_language]

    def has_pack(self, lang: str | None) -> bool:
        """Return True when `lang` (or its primary language) has content of its own, other than the base."""
        return self.catalog(lang).language != self.base_language

    def shown_in_english(self, key: str, lang: str | None) -> bool:
        """Return True when a reader of `lang` gets the piece `key` (see `pieces`) in English: the language's
        pack does not translate it (or not all of it) yet, or the language has no content pack at all."""
        catalog = self.catalog(lang)
        if catalog.language == self.base_language:
            # A language with no pack at all gets every piece in English: that is shown too, never silently.
            return bool(lang) and str(lang).split("-")[0].lower() != self.base_language
        piece = catalog.pieces.get(key)
        if piece is None:
            piece = extra_pieces(catalog.language).get(key)
        return piece is not None and not piece.complete

    def pieces(self, lang: str) -> tuple[Piece, ...]:
        """Return every piece with its translation in `lang` (empty for the base language), the registered
        sources' pieces (worksheets) after the protocol's own."""
        catalog = self.catalog(lang)
        if catalog.language == self.base_language:
            return ()
        return (*catalog.pieces.values(), *extra_pieces(catalog.language).values())

    def _get(self, table: dict, ident: str, what: str):
        try:
            return table[ident]
        except KeyError:
            raise KeyError(f"unknown {what} '{ident}'") from None

    # Formats, phases, areas, techniques ---------------------------------------------------
    def formats(self, lang: str | None = None) -> tuple[Format, ...]:
        """Return every format in file order."""
        return tuple(self.catalog(lang).formats.values())

    def format(self, format_id: str, lang: str | None = None) -> Format:
        """Return one format; KeyError when unknown."""
        return self._get(self.catalog(lang).formats, format_id, "format")

    def phases(self, lang: str | None = None) -> tuple[Phase, ...]:
        """Return the phases in course order."""
        return tuple(self.catalog(lang).phases.values())

    def phase(self, phase_id: str, lang: str | None = None) -> Phase:
        """Return one phase; KeyError when unknown."""
        return self._get(self.catalog(lang).phases, phase_id, "phase")

    def areas(self, lang: str | None = None) -> tuple[ProblemArea, ...]:
        """Return the problem areas in file order."""
        return tuple(self.catalog(lang).areas.values())

    def area(self, area_id: str, lang: str | None = None) -> ProblemArea:
        """Return one problem area; KeyError when unknown."""
        return self._get(self.catalog(lang).areas, area_id, "problem area")

    def stages(self, area_id: str, lang: str | None = None) -> tuple[Stage, ...]:
        """Return the stages of an area (empty for areas without stages)."""
        return self.area(area_id, lang).stages

    def stage(self, area_id: str, stage_id: str, lang: str | None = None) -> Stage:
        """Return one stage of an area; KeyError when unknown."""
        found = self.area(area_id, lang).stage(stage_id)
        if found is None:
            raise KeyError(f"unknown stage '{stage_id}' for area '{area_id}'")
        return found

    def techniques(self, lang: str | None = None) -> tuple[Technique, ...]:
        """Return every technique."""
        return tuple(self.catalog(lang).techniques.values())

    def technique(self, technique_id: str, lang: str | None = None) -> Technique:
        """Return one technique; KeyError when unknown."""
        return self._get(self.catalog(lang).techniques, technique_id, "technique")

    # Plans, guides, checklists ---------------------------------------------------------------
    def plan_sets(self, lang: str | None = None) -> tuple[PlanSet, ...]:
        """Return every plan set in file order."""
        return tuple(self.catalog(lang).plans.values())

    def plan_sets_for(
        self,
        format_id: str,
        phase: str,
        area: str | None = None,
        stage: str | None = None,
        lang: str | None = None,
    ) -> tuple[PlanSet, ...]:
        """Return the plan sets for a format and phase: the common ones plus the area's and stage's, by order."""
        fmt = self.format(format_id, lang)
        chosen = [
            p
            for p in self.catalog(lang).plans.values()
            if p.phase == phase
            and p.applies_to_format(fmt)
            and (p.area is None or p.area == area)
            and (p.stage is None or (p.area == area and p.stage == stage))
        ]
        return tuple(sorted(chosen, key=lambda p: (p.order, p.id)))

    def plan_step(self, step_id: str, lang: str | None = None) -> Step:
        """Return any plan or guide step by id; KeyError when unknown."""
        return self._get(self.catalog(lang).steps, step_id, "plan step")

    def has_step(self, step_id: str) -> bool:
        """Return True when a step with this id exists."""
        return step_id in self.catalog().steps

    def group_guides(self, lang: str | None = None) -> tuple[GroupGuide, ...]:
        """Return every group session guide."""
        return tuple(self.catalog(lang).group_guides.values())

    def group_guide(self, phase: str, lang: str | None = None) -> GroupGuide:
        """Return the facilitator guide for group sessions of a phase; KeyError when none."""
        for guide in self.catalog(lang).group_guides.values():
            if guide.phase == phase:
                return guide
        raise KeyError(f"no group guide for the {phase} phase")

    def fidelity_checklists(self, lang: str | None = None) -> tuple[FidelityChecklist, ...]:
        """Return every fidelity checklist."""
        return tuple(self.catalog(lang).fidelity.values())

    def fidelity_checklist(
        self, phase: str, format_id: str | None = None, lang: str | None = None
    ) -> FidelityChecklist:
        """Return the checklist for a phase with only the items that apply to `format_id`."""
        for checklist in self.catalog(lang).fidelity.values():
            if checklist.phase != phase or (
                format_id and checklist.formats and format_id not in checklist.formats
            ):
                continue
            if format_id is None:
                return checklist
            items = tuple(i for i in checklist.items if not i.formats or format_id in i.formats)
            return FidelityChecklist(checklist.id, checklist.phase, checklist.title, items, checklist.formats)
        raise KeyError(f"no fidelity checklist for the {phase} phase")

    # Topics ----------------------------------------------------------------------------------
    def topics(
        self,
        lang: str | None = None,
        area: str | None = None,
        phase: str | None = None,
        audience: str | None = None,
    ) -> tuple[Topic, ...]:
        """Return topics, translated where possible, optionally filtered by area, phase or audience."""
        result = []
        for topic in self.catalog(lang).topics.values():
            if area is not None and area not in topic.areas:
                continue
            if phase is not None and phase not in topic.phases:
                continue
            if audience is not None and topic.audience != audience:
                continue
            result.append(topic)
        return tuple(result)

    def topic(self, topic_id: str, lang: str | None = None) -> Topic:
        """Return a topic in `lang`, or in English when it has no translation; KeyError when unknown."""
        return self._get(self.catalog(lang).topics, topic_id, "topic")


def load_protocol(
    base_dir: str | os.PathLike[str] | None = None, packs: Sequence[str | os.PathLike[str]] = ()
) -> Protocol:
    """Load the base content (shipped English by default) with packs; raise ContentErrors on problems."""
    catalogs, infos = load_or_raise(base_dir, tuple(packs))
    base_language = infos[0].language if infos else BASE_LANGUAGE
    return Protocol(catalogs, infos, base_language)


@lru_cache(maxsize=1)
def default_protocol() -> Protocol:
    """Return the shipped protocol, loaded once per process."""
    return load_protocol()


class ProtocolUnavailable(RuntimeError):
    """Raised when no valid protocol content has ever been loaded."""


class ProtocolRegistry:
    """Hold the current protocol; a failed reload keeps the last valid one."""

    def __init__(
        self, base_dir: str | os.PathLike[str] | None = None, packs: Sequence[str | os.PathLike[str]] = ()
    ) -> None:
        self.base_dir = base_dir
        self.packs = tuple(packs)
        self._current: Protocol | None = None
        self.last_errors: tuple[ContentError, ...] = ()
        self._lock = threading.Lock()

    def reload(self, packs: Sequence[str | os.PathLike[str]] | None = None) -> list[ContentError]:
        """Load content again (with new packs if given); return the errors, keeping the old content on failure."""
        with self._lock:
            wanted = self.packs if packs is None else tuple(packs)
            try:
                fresh = load_protocol(self.base_dir, wanted)
            except ContentErrors as exc:
                self.last_errors = tuple(exc.errors)
                return list(exc.errors)
            self._current = fresh
            self.packs = wanted
            self.last_errors = ()
            return []

    @property
    def current(self) -> Protocol:
        """Return the last valid protocol, loading it the first time."""
        if self._current is None:
            errors = self.reload()
            if self._current is None:
                first = str(errors[0]) if errors else "unknown error"
                raise ProtocolUnavailable(f"protocol content could not be loaded: {first}")
        return self._current
