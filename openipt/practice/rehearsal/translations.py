"""Rehearsal scenarios in the client's language, piece by piece, with English wherever a piece is missing.

A translation lives beside the English scenarios, in ``scenarios/<lang>/<scenario id>.yaml``. It gives
text only (never the structure: area, stage, branches, moods, endings), with the same keys as the
English file: ``title``, ``description``, ``other`` (name, relationship, mood), ``situation``,
``opening``, ``nodes`` (each node's ``say`` lines, as many as the English node has) and ``switch``
(``brief``, ``lines``, ``after_hurtful``, ``ending``, as many lines as English). ``_partner.yaml`` in
the same folder gives the line the partner says when it pauses the practice (``pause``).

The text is cut into the same kind of *piece* as the protocol's content packs (see
``openipt.protocol.pieces``), so the sign-off page and ``openipt i18n status`` count them with the
rest: ``scenario:<id>`` (title, description, the other person, situation, opening),
``scenario:<id>/node:<node>`` (what the other person says at that point), ``scenario:<id>/switch``
(the lines of "switch roles") and ``rehearsal:pause``. A piece the translation gives whole is
shown translated; any other piece is shown in English, and the page can say so.

The analyser that chooses the other person's reaction reads English only: a message in another
language usually finds nothing, so the partner takes the script's "neutral" path (it asks again,
calmly), which keeps the conversation sensible but does not reward good phrasing in that language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator

from openipt.core.content import ContentModel, Text, matches
from openipt.protocol.pieces import Piece, compare

from ..analyser.yamlsource import DataError, Source, checked, load_file, problem_at
from .scenario import SCENARIO_DIR, Node, Scenario, SwitchScript
from .schema import Lines, ScenarioText

__all__ = ["PAUSE_KEY", "ScenarioTranslation", "Translations", "english_texts", "load_translations", "localise"]

PAUSE_KEY = "rehearsal:pause"
PARTNER_FILE = "_partner.yaml"
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_ID = r"[a-z][a-z0-9_]*"


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


class OtherText(ContentModel):
    name: ScenarioText | None = None
    relationship: ScenarioText | None = None
    mood: ScenarioText | None = None


class NodeText(ContentModel):
    say: Lines


class SwitchText(ContentModel):
    brief: ScenarioText | None = None
    lines: Lines | None = None
    after_hurtful: Lines | None = None
    ending: ScenarioText | None = None


class TranslationSpec(ContentModel):
    id: Annotated[Text, matches(_ID, "id {value!r} must be lower-case letters, digits and _")]
    title: ScenarioText | None = None
    description: ScenarioText | None = None
    other: OtherText | None = None
    situation: ScenarioText | None = None
    opening: ScenarioText | None = None
    nodes: dict[Annotated[Text, BeforeValidator(str)], NodeText] = {}
    switch: SwitchText | None = None


class PartnerText(ContentModel):
    pause: ScenarioText


Texts = dict[str, dict[str, str]]  # piece key -> field -> text (lines joined by a new line)


@dataclass(frozen=True)
class ScenarioTranslation:
    """What one language's file gives for one scenario, as pieces."""

    scenario_id: str
    language: str
    texts: Texts
    source: str = ""


@dataclass(frozen=True)
class Translations:
    """Every shipped translation: by language, the scenarios' pieces and the pause line."""

    scenarios: Mapping[str, Mapping[str, ScenarioTranslation]] = field(default_factory=dict)
    pause: Mapping[str, str] = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.scenarios) | set(self.pause)))

    def for_scenario(self, lang: str, scenario_id: str) -> ScenarioTranslation | None:
        return self.scenarios.get(lang, {}).get(scenario_id)


def _key(scenario_id: str) -> str:
    return f"scenario:{scenario_id}"


def _join(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else "\n".join(value)


def english_texts(scenario: Scenario) -> Texts:
    """The scenario's English text, cut into pieces (see the module's doc)."""
    key = _key(scenario.id)
    out: Texts = {key: {
        "title": scenario.title, "description": scenario.description, "other_name": scenario.other_name,
        "other_relationship": scenario.other_relationship, "other_mood": scenario.other_mood,
        "situation": scenario.situation, "opening": scenario.opening}}
    for nid, node in scenario.nodes.items():
        out[f"{key}/node:{nid}"] = {"say": _join(node.say)}
    sw = scenario.switch
    out[f"{key}/switch"] = {"brief": sw.brief, "lines": _join(sw.lines), "after_hurtful": _join(sw.after_hurtful),
                            "ending": sw.ending}
    return out


def _parse(src: Source, english: Scenario | None, lang: str) -> ScenarioTranslation:
    if not isinstance(src.data, dict):
        raise DataError([f"{src.where(())}: a scenario translation must be a mapping"])
    spec = checked(TranslationSpec, src)
    problems: list[str] = []
    if english is None:
        raise DataError([problem_at(src, ("id",), f"no English scenario has the id {spec.id!r}")])
    key = _key(spec.id)
    texts: Texts = {}
    main = {"title": spec.title, "description": spec.description, "situation": spec.situation,
            "opening": spec.opening}
    if spec.other is not None:
        main.update(other_name=spec.other.name, other_relationship=spec.other.relationship,
                    other_mood=spec.other.mood)
    given = {k: v for k, v in main.items() if v}
    if given:
        texts[key] = given
    for nid, node in spec.nodes.items():
        if nid not in english.nodes:
            problems.append(problem_at(src, ("nodes", nid), f"the English scenario has no node {nid!r}"))
            continue
        want = len(english.nodes[nid].say)
        if len(node.say) != want:
            problems.append(problem_at(src, ("nodes", nid, "say"),
                                       f"needs {want} line(s), as many as the English node, not {len(node.say)}"))
            continue
        texts[f"{key}/node:{nid}"] = {"say": _join(node.say)}
    if spec.switch is not None:
        sw, en = spec.switch, english.switch
        switch: dict[str, str] = {}
        for name, lines, want in (("lines", sw.lines, len(en.lines)), ("after_hurtful", sw.after_hurtful,
                                                                          len(en.after_hurtful))):
            if lines is None:
                continue
            if len(lines) != want:
                problems.append(problem_at(src, ("switch", name),
                                           f"needs {want} line(s), as many as the English, not {len(lines)}"))
                continue
            switch[name] = _join(lines)
        switch.update({k: v for k, v in (("brief", sw.brief), ("ending", sw.ending)) if v})
        if switch:
            texts[f"{key}/switch"] = switch
    if problems:
        raise DataError(problems)
    return ScenarioTranslation(spec.id, lang, texts, src.file)


def load_translations(scenarios: Mapping[str, Scenario], directory: str | Path = SCENARIO_DIR) -> Translations:
    """Load every ``<lang>/*.yaml`` translation next to the English scenarios; raise DataError listing all problems."""
    problems: list[str] = []
    by_lang: dict[str, dict[str, ScenarioTranslation]] = {}
    pause: dict[str, str] = {}
    for folder in sorted(p for p in Path(directory).iterdir() if p.is_dir() and _LANG_RE.match(p.name)):
        lang = folder.name
        found: dict[str, ScenarioTranslation] = {}
        for path in sorted(folder.glob("*.yaml")):
            try:
                src = load_file(path)
                if path.name == PARTNER_FILE:
                    pause[lang] = checked(PartnerText, src).pause
                    continue
                ident = src.data.get("id") if isinstance(src.data, dict) else None
                made = _parse(src, scenarios.get(ident) if isinstance(ident, str) else None, lang)
            except DataError as exc:
                problems.extend(exc.problems)
                continue
            if made.scenario_id in found:
                problems.append(f"{path}:1: scenario {made.scenario_id!r} is also translated in "
                                f"{found[made.scenario_id].source}")
                continue
            found[made.scenario_id] = made
        by_lang[lang] = found
    if problems:
        raise DataError(problems)
    return Translations(by_lang, pause)


def pieces(scenarios: Mapping[str, Scenario], translations: Translations, lang: str) -> dict[str, Piece]:
    """Every English piece of the scenarios (and the pause line) with what `lang`'s files give for it."""
    english: Texts = {}
    given: Texts = {}
    for scenario in scenarios.values():
        english.update(english_texts(scenario))
        found = translations.for_scenario(lang, scenario.id)
        if found is not None:
            given.update(found.texts)
    from .engine import PAUSE_TEXT

    english[PAUSE_KEY] = {"text": PAUSE_TEXT}
    if lang in translations.pause:
        given[PAUSE_KEY] = {"text": translations.pause[lang]}
    return compare(english, given)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n"))


def localise(scenario: Scenario, translation: ScenarioTranslation | None) -> tuple[Scenario, frozenset[str]]:
    """The scenario with every piece the translation gives whole, and the keys of the pieces left in English."""
    english = english_texts(scenario)
    given = translation.texts if translation is not None else {}
    whole = {k: given[k] for k, texts in english.items() if k in given and set(texts) <= set(given[k])}
    left = frozenset(k for k in english if k not in whole)
    key = _key(scenario.id)
    out = scenario
    if key in whole:
        t = whole[key]
        out = replace(out, title=t["title"], description=t["description"], other_name=t["other_name"],
                      other_relationship=t["other_relationship"], other_mood=t["other_mood"],
                      situation=t["situation"], opening=t["opening"])
    nodes = {nid: (Node(nid, n.mood, _lines(whole[f"{key}/node:{nid}"]["say"]), n.next, n.end)
                   if f"{key}/node:{nid}" in whole else n) for nid, n in scenario.nodes.items()}
    out = replace(out, nodes=nodes)
    if f"{key}/switch" in whole:
        t = whole[f"{key}/switch"]
        out = replace(out, switch=SwitchScript(t["brief"], _lines(t["lines"]), _lines(t["after_hurtful"]),
                                               t["ending"]))
    return out, left


def english_lines(scenario: Scenario, left: frozenset[str]) -> tuple[str, ...]:
    """The English lines of the pieces left in English that the partner may say (for marking them `lang="en"`)."""
    key = _key(scenario.id)
    found: list[str] = []
    if key in left:
        found.append(scenario.opening)
    for nid, node in scenario.nodes.items():
        if f"{key}/node:{nid}" in left:
            found.extend(node.say)
    if f"{key}/switch" in left:
        found.extend((*scenario.switch.lines, *scenario.switch.after_hurtful, scenario.switch.ending))
    return tuple(found)
