"""Suggest IPT problem areas from a case, with the evidence behind each suggestion.

The therapist chooses the problem area with the client; this scorer only points at what the
inventory and timeline already say, so the choice is quicker and nothing obvious is missed. It
is deliberately simple and transparent: each rule in rules.yaml adds points to one area when it
finds matching entries, and every point it adds comes with a sentence naming the entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .case import GRIEF_EVENT_KINDS, INTAKE_QUESTIONS, Case, Event, Person
from .dates import describe_offset, months_between
from .evidence import Evidence, Focus, PersonRef
from .rules import AREAS, Rule, Rules, load_rules

_KIND_WORDS = {"death": "a death", "pregnancy_loss": "a pregnancy or baby loss", "dispute": "a disagreement", "role_change": "a life change",
               "isolation": "a time of withdrawal", "other": "an event"}
LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class StageSuggestion:
    """The suggested stage of a role dispute, with the reasons for it."""

    stage: str
    why: tuple[str, ...]
    scores: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"stage": self.stage, "why": list(self.why), "scores": dict(self.scores)}


@dataclass(frozen=True)
class Suggestion:
    """One ranked suggestion: an area (or none), its score, confidence, evidence and reason."""

    rank: int
    role: str  # "primary", "secondary" or "none"
    area: str | None
    score: float
    threshold: float
    confidence: str | None
    confidence_why: str
    reason: str
    evidence: tuple[Evidence, ...] = ()
    focus: Focus | None = None
    stage: StageSuggestion | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "rank": self.rank, "role": self.role, "area": self.area, "score": self.score,
            "threshold": self.threshold, "confidence": self.confidence, "confidence_why": self.confidence_why,
            "reason": self.reason, "focus": self.focus.to_dict() if self.focus else None,
            "stage": self.stage.to_dict() if self.stage else None,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass
class _AreaTally:
    """Evidence found for one area, grouped by what it is about."""

    unfocused: dict[str, Evidence] = field(default_factory=dict)
    groups: dict[tuple[str, int], dict[str, Evidence]] = field(default_factory=dict)

    def add(self, ev: Evidence, focus: tuple[str, int] | None, key: str) -> None:
        bucket = self.unfocused if focus is None else self.groups.setdefault(focus, {})
        if key not in bucket or ev.points > bucket[key].points:
            bucket[key] = ev  # a rule (or a group of rules) counts once per focus: its strongest match

    def best_group(self) -> tuple[tuple[str, int] | None, list[Evidence]]:
        if not self.groups:
            return None, []
        key = max(self.groups, key=lambda k: (sum(e.points for e in self.groups[k].values()),
                                              k[0] == "person", -k[1]))
        return key, list(self.groups[key].values())

    def score(self, needs_focus: bool) -> tuple[float, tuple[str, int] | None, list[Evidence]]:
        key, grouped = self.best_group()
        if needs_focus and key is None:
            return 0.0, None, list(self.unfocused.values())
        evidence = grouped + list(self.unfocused.values())
        return round(sum(e.points for e in evidence), 2), key, evidence


def _fmt(rule: Rule, **values: Any) -> str:
    return rule.says.format(**values)


def _in_window(months: float, window: tuple[float | None, float | None]) -> bool:
    lo, hi = window
    return (lo is None or months >= lo) and (hi is None or months <= hi)


def _event_matches(rule: Rule, case: Case, rules: Rules) -> Iterator[tuple[Evidence, tuple[str, int] | None]]:
    anchor = case.anchor()
    onset_known = case.onset is not None
    onset_rough = case.onset is not None and case.onset.date.precision != "day"
    for ev in case.timeline:
        if ev.kind not in rule.event_kinds:
            continue
        months = months_between(anchor, ev.date.representative())
        if not _in_window(months, rule.window):
            continue
        factor = _event_factor(ev, case, rules)
        approximate = ev.date.precision != "day" or onset_rough
        base = dict(what=ev.description or _KIND_WORDS[ev.kind], when=_when(ev),
                    timing=describe_offset(months, onset_known, approximate))
        if rule.focus == "person":
            # For a death, the first person listed is the one who died.
            linked = ev.people[:1] if ev.kind in GRIEF_EVENT_KINDS else ev.people
            if not linked and "unlinked" in rule.ring_factor:
                points = rule.weight * factor * rule.ring_factor["unlinked"]
                yield _event_evidence(rule, points, ev, (), base, "no one named"), ("event", ev.index)
            for idx in linked:
                person = case.inventory[idx]
                ring_f = rule.ring_factor.get(person.ring)
                if ring_f:
                    yield (_event_evidence(rule, rule.weight * factor * ring_f, ev, (person,), base, person.label),
                           ("person", idx))
        else:
            people = tuple(case.inventory[i] for i in ev.people)
            who = ", ".join(p.label for p in people) or "no one named"
            focus = ("event", ev.index) if rule.focus == "event" else None
            yield _event_evidence(rule, rule.weight * factor, ev, people, base, who), focus


def _when(ev: Event) -> str:
    return ("on " if ev.date.precision == "day" else "in ") + ev.date.human()


def _event_factor(ev: Event, case: Case, rules: Rules) -> float:
    onset_precision = case.onset.date.precision if case.onset else "day"
    coarse = "year" if "year" in (ev.date.precision, onset_precision) else ev.date.precision
    return rules.mood_effect_factor.get(ev.mood_effect, 1.0) * rules.date_precision_factor[coarse]


def _reminder_matches(rule: Rule, case: Case, rules: Rules) -> Iterator[tuple[Evidence, tuple[str, int] | None]]:
    """Find events near onset that involve someone who died earlier (an anniversary, a reminder)."""
    anchor = case.anchor()
    onset_known = case.onset is not None
    onset_rough = case.onset is not None and case.onset.date.precision != "day"
    deaths = {ev.people[0]: ev for ev in case.timeline if ev.kind in GRIEF_EVENT_KINDS and ev.people}
    for ev in case.timeline:
        if ev.kind in GRIEF_EVENT_KINDS:
            continue
        months = months_between(anchor, ev.date.representative())
        if not _in_window(months, rule.window):
            continue
        for idx in ev.people:
            death = deaths.get(idx)
            person = case.inventory[idx]
            ring_f = rule.ring_factor.get(person.ring)
            if death is None or not ring_f or death.date.representative() >= ev.date.representative():
                continue
            approximate = ev.date.precision != "day" or onset_rough
            sentence = _fmt(rule, who=person.label, what=ev.description or _KIND_WORDS[ev.kind], when=_when(ev),
                            timing=describe_offset(months, onset_known, approximate), loss_when=_when(death))
            points = rule.weight * _event_factor(ev, case, rules) * ring_f
            yield (Evidence(rule=rule.id, area=rule.area, points=round(points, 2), sentence=sentence,
                            people=(PersonRef(idx, person.name),), events=(death.index, ev.index)),
                   ("person", idx))


def _event_evidence(rule: Rule, points: float, ev: Event, people: tuple[Person, ...], base: dict[str, Any],
                    who: str) -> Evidence:
    return Evidence(rule=rule.id, area=rule.area, points=round(points, 2), sentence=_fmt(rule, who=who, **base),
                    people=tuple(PersonRef(p.index, p.name) for p in people), events=(ev.index,))


_EFFECT_WORDS = {"much_worse": "mood much worse", "worse": "mood worse", "none": "no change in mood",
                 "better": "mood better", "unknown": "effect on mood not known"}


def _person_matches(rule: Rule, case: Case, rules: Rules) -> Iterator[tuple[Evidence, tuple[str, int] | None]]:
    for person in case.inventory:
        ring_f = rule.ring_factor.get(person.ring)
        if not ring_f:
            continue
        factor = 1.0
        if rule.kind == "person_conflict" and person.conflicts:
            # A conflict is weighed like an event: by how it affected mood (the strongest of them).
            strongest = max(person.conflicts, key=lambda c: rules.mood_effect_factor.get(c.mood_effect, 1.0))
            factor = rules.mood_effect_factor.get(strongest.mood_effect, 1.0)
            topics = [strongest.topic] + [c.topic for c in person.conflicts if c is not strongest]
            topic = topics[0] if len(topics) == 1 else f"{topics[0]} (and {len(topics) - 1} more)"
            sentence = _fmt(rule, who=person.label, topic=topic, effect=_EFFECT_WORDS[strongest.mood_effect])
        elif rule.kind == "expectations_mismatch" and person.expectations.match in rule.match:
            exp = person.expectations
            sentence = _fmt(rule, who=person.label, client_expects=exp.client or "(not recorded)",
                            other_expects=exp.other or "(not recorded)", match=exp.match)
        else:
            continue
        yield (Evidence(rule=rule.id, area=rule.area, points=round(rule.weight * ring_f * factor, 2),
                        sentence=sentence, people=(PersonRef(person.index, person.name),)), ("person", person.index))


def _dispute_after_death_matches(rule: Rule, case: Case,
                                 rules: Rules) -> Iterator[tuple[Evidence, tuple[str, int] | None]]:
    """Find disagreements that began soon after a death near onset: they count towards that grief.

    The window is in months from the death to the start of the dispute. The death itself must fall
    in the grief window around onset (12 months before to 1 after), so an old death does not pull
    a present dispute into grief.
    """
    anchor = case.anchor()
    for death in case.timeline:
        if death.kind not in GRIEF_EVENT_KINDS or not death.people:
            continue
        if not _in_window(months_between(anchor, death.date.representative()), (-12, 1)):
            continue
        dead = case.inventory[death.people[0]]
        ring_f = rule.ring_factor.get(dead.ring)
        if not ring_f:
            continue
        for ev in case.timeline:
            if ev.kind != "dispute":
                continue
            gap = months_between(death.date.representative(), ev.date.representative())
            if not _in_window(gap, rule.window) or ev.date.representative() < death.date.representative():
                continue
            others = [case.inventory[i].label for i in ev.people if i != death.people[0]] or ["someone"]
            sentence = _fmt(rule, who=", ".join(others), what=ev.description or _KIND_WORDS[ev.kind],
                            gap=describe_gap(gap), dead=dead.label, loss_when=_when(death))
            yield (Evidence(rule=rule.id, area=rule.area, points=round(rule.weight * ring_f, 2), sentence=sentence,
                            people=(PersonRef(dead.index, dead.name),), events=(death.index, ev.index)),
                   ("person", dead.index))


def describe_gap(months: float) -> str:
    """Say a gap between two events in plain words ("the same month", "about 2 months")."""
    whole = round(months)
    if whole <= 0:
        return "the same month"
    return "about 1 month" if whole == 1 else f"about {whole} months"


def _whole_case_matches(rule: Rule, case: Case) -> Iterator[tuple[Evidence, None]]:
    people = case.inventory
    if rule.kind == "intake_answer":
        answer = case.intake.get(rule.question)
        if answer is None:
            return
        if rule.equals is not None:
            hit = answer is rule.equals
        elif rule.at_most is not None:
            hit = answer <= rule.at_most
        else:
            hit = answer >= (rule.at_least or 0)
        if hit:
            sentence = _fmt(rule, question=INTAKE_QUESTIONS[rule.question][1], answer=answer)
            yield Evidence(rule=rule.id, area=rule.area, points=rule.weight, sentence=sentence,
                           intake=(rule.question,)), None
        return
    if not people:
        return  # inventory-based rules say nothing about an inventory not yet taken
    if rule.kind == "ring_count":
        count = sum(p.ring in rule.rings for p in people)
        if count <= (rule.at_most or 0):
            yield Evidence(rule=rule.id, area=rule.area, points=rule.weight,
                           sentence=_fmt(rule, count=count, rings=", ".join(rule.rings))), None
    elif rule.kind == "inventory_size":
        if len(people) <= (rule.at_most or 0):
            yield Evidence(rule=rule.id, area=rule.area, points=rule.weight,
                           sentence=_fmt(rule, count=len(people))), None
    elif rule.kind == "unsatisfying_share":
        only_bad = [p for p in people if p.unsatisfying and not p.satisfying]
        if len(people) >= rule.min_people and len(only_bad) / len(people) >= rule.min_share:
            yield Evidence(rule=rule.id, area=rule.area, points=rule.weight,
                           sentence=_fmt(rule, count=len(only_bad), total=len(people)),
                           people=tuple(PersonRef(p.index, p.name) for p in only_bad)), None


def _matches(rule: Rule, case: Case, rules: Rules) -> Iterator[tuple[Evidence, tuple[str, int] | None]]:
    if rule.kind == "event_in_window":
        yield from _event_matches(rule, case, rules)
    elif rule.kind == "loss_reminder":
        yield from _reminder_matches(rule, case, rules)
    elif rule.kind in ("person_conflict", "expectations_mismatch"):
        yield from _person_matches(rule, case, rules)
    elif rule.kind == "dispute_after_death":
        yield from _dispute_after_death_matches(rule, case, rules)
    else:
        yield from _whole_case_matches(rule, case)


def tally(case: Case, rules: Rules) -> dict[str, _AreaTally]:
    """Apply every rule to the case and group the evidence by area and focus."""
    tallies = {area: _AreaTally() for area in AREAS}
    for rule in rules.rules:
        for evidence, focus in _matches(rule, case, rules):
            if evidence.points > 0:
                tallies[rule.area].add(evidence, focus, rule.group or rule.id)
    return tallies


def _stage_texts(person: Person, case: Case) -> Iterator[tuple[str, str]]:
    for j, c in enumerate(person.conflicts):
        yield f"conflict {j + 1} topic", c.topic
        yield f"conflict {j + 1} note", c.note
    for label, items in (("unsatisfying", person.unsatisfying), ("recent changes", person.recent_changes),
                         ("changes wanted", person.changes_wanted)):
        for text in items:
            yield label, text
    for ev in case.timeline:
        if person.index in ev.people:
            yield f"timeline[{ev.index}]", ev.description


def suggest_stage(person: Person, case: Case, rules: Rules) -> StageSuggestion:
    """Judge the stage of a role dispute with one person from conflict fields and words in the notes."""
    cfg = rules.stage
    scores = {stage: 0.0 for stage in cfg.tie_order}
    why: list[tuple[str, str]] = []
    for signal in cfg.signals:
        hit = next((c for c in person.conflicts if getattr(c, signal.field) in signal.values), None)
        if hit is not None:
            scores[signal.stage] += signal.weight
            why.append((signal.stage, signal.says.format(who=person.label, topic=hit.topic,
                                                         value=getattr(hit, signal.field))))
    texts = list(_stage_texts(person, case))
    for cue in cfg.cues:
        found = None
        for where, text in texts:
            low = text.lower()
            word = next((m for w in cue.words if (m := re.search(r"\b" + re.escape(w) + r"[\w']*", low))), None)
            if word:
                found = (word.group(0), where)
                break
        if found:
            scores[cue.stage] += cue.weight
            why.append((cue.stage, cue.says.format(who=person.label, word=found[0], where=found[1])))
    if not any(scores.values()):
        return StageSuggestion(cfg.default, (cfg.default_says.format(who=person.label),), scores)
    best = max(cfg.tie_order, key=lambda st: (scores[st], -cfg.tie_order.index(st)))
    ordered = [text for st, text in why if st == best] + [text for st, text in why if st != best]
    return StageSuggestion(best, tuple(ordered), {k: round(v, 2) for k, v in scores.items()})


def _focus(case: Case, key: tuple[str, int] | None) -> Focus | None:
    if key is None:
        return None
    kind, idx = key
    if kind == "person":
        person = case.inventory[idx]
        return Focus("person", idx, person.label)
    ev = case.timeline[idx]
    return Focus("event", idx, f"{ev.description or _KIND_WORDS[ev.kind]} ({ev.date.human()})")


def _confidence(score: float, area: str, runner_up: float | None, case: Case, rules: Rules) -> tuple[str, str]:
    cfg = rules.areas[area]
    level = 2 if score >= cfg.high else 1 if score >= cfg.medium else 0
    notes = [f"score {score:g} against bands {cfg.threshold:g} / {cfg.medium:g} / {cfg.high:g}"]
    if case.onset is None:
        level -= 1
        notes.append("onset unknown, so timing was measured from the reference date (one step down)")
    if runner_up is not None and abs(score - runner_up) <= rules.ambiguity_margin:
        level -= 1
        notes.append(f"another area scores within {rules.ambiguity_margin:g} points (one step down)")
    return LEVELS[max(level, 0)], "; ".join(notes)


def suggest(case: Case, rules: Rules | None = None) -> list[Suggestion]:
    """Rank problem-area suggestions for a case; return a single "none" suggestion when evidence is thin."""
    rules = rules or load_rules()
    if not case.inventory and not case.timeline and all(v is None for v in case.intake.values()):
        return [Suggestion(1, "none", None, 0.0, 0.0, None, "",
                           "Too little information: the inventory, the timeline and the intake answers are "
                           "all empty.")]
    tallies = tally(case, rules)
    scored = {}
    for area in AREAS:
        score, key, evidence = tallies[area].score(rules.areas[area].needs_focus)
        scored[area] = (score, key, sorted(evidence, key=lambda e: -e.points))
    reaching = [a for a in AREAS if scored[a][0] >= rules.areas[a].threshold]
    main = sorted((a for a in reaching if not rules.areas[a].last_resort), key=lambda a: -scored[a][0])
    chosen = main or [a for a in reaching if rules.areas[a].last_resort][:1]
    if not chosen:
        return [_no_suggestion(scored, rules)]
    picks = chosen[:1]
    if len(main) > 1 and scored[main[1]][0] >= rules.secondary_min_ratio * scored[main[0]][0]:
        picks.append(main[1])
    out = []
    for rank, area in enumerate(picks, start=1):
        score, key, evidence = scored[area]
        others = [scored[a][0] for a in main if a != area]
        confidence, why = _confidence(score, area, max(others) if others else None, case, rules)
        focus = _focus(case, key)
        stage = suggest_stage(case.inventory[key[1]], case, rules) \
            if area == "role_dispute" and key and key[0] == "person" else None
        cfg = rules.areas[area]
        reason = f"{cfg.name.capitalize()} scores {score:g} (threshold {cfg.threshold:g})"
        if focus:
            reason += f", centred on {focus.label}"
        if cfg.last_resort:
            reason += "; no other area reached its threshold"
        out.append(Suggestion(rank, "primary" if rank == 1 else "secondary", area, score, cfg.threshold,
                              confidence, why, reason + ".", tuple(evidence), focus, stage))
    return out


def _no_suggestion(scored: dict[str, Any], rules: Rules) -> Suggestion:
    leads = sorted((a for a in AREAS if scored[a][2]), key=lambda a: -scored[a][0])
    if not leads:
        return Suggestion(1, "none", None, 0.0, 0.0, None, "",
                          "Nothing recorded points to a problem area yet: no loss, disagreement or life change "
                          "near the onset, and no sign of isolation. Ask more about the months before symptoms "
                          "began.")
    parts = []
    for area in leads:
        cfg = rules.areas[area]
        score = scored[area][0]
        if cfg.needs_focus and score == 0:
            parts.append(f"{cfg.name}, from the intake only, with no dated event or named person behind it")
        else:
            parts.append(f"{cfg.name} at {score:g} of the {cfg.threshold:g} needed")
    best = leads[0]
    evidence = tuple(e for a in leads for e in scored[a][2])
    return Suggestion(1, "none", None, scored[best][0], rules.areas[best].threshold, None, "",
                      f"No problem area has enough support yet. Leads so far: {'; '.join(parts)}. "
                      "Ask more before choosing.", evidence)
