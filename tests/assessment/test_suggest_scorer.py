"""The scorer: which area it suggests, with what evidence, stage and confidence.

Expected points are worked out by hand from the shipped rules.yaml: a rule's weight times the
mood-effect factor (much_worse 1.25, worse 1.0, unknown 0.8, none 0.5, better 0.4), the
date-precision factor (year 0.6, month or day 1.0) and, for person rules, the ring factor.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openipt.assessment.suggest import AREAS, STAGES, load_rules, parse_case, parse_rules, suggest
from openipt.assessment.suggest.rules import DEFAULT_RULES_FILE
from openipt.assessment.suggest.scorer import tally

RULES = load_rules()


def person(name, relationship="friend", ring="inner", **extra):
    return {"name": name, "relationship": relationship, "ring": ring, **extra}


def event(date, kind, people=(), mood="worse", description=""):
    return {"date": date, "kind": kind, "people": list(people), "mood_effect": mood, "description": description}


def case(inventory=(), timeline=(), onset="2026-05", intake=None, reference="2026-07-01"):
    data = {"reference_date": reference, "inventory": list(inventory), "timeline": list(timeline)}
    if onset:
        data["onset"] = {"date": onset}
    if intake:
        data["intake"] = intake
    return parse_case(data)


def areas(result):
    return [s.area for s in result]


def test_death_two_months_before_onset_suggests_grief_with_a_plain_sentence():
    # given a father who died in March and symptoms from May
    c = case([person("Dad", "father")], [event("2026-03", "death", ["Dad"], "much_worse")])
    # when scored
    result = suggest(c)
    # then grief is the only suggestion: 5 x 1.25 = 6.25 points, at or above the high band (6)
    assert areas(result) == ["grief"]
    top = result[0]
    assert (top.role, top.score, top.confidence) == ("primary", 6.25, "high")
    assert top.focus.kind == "person" and top.focus.index == 0
    [ev] = top.evidence
    assert ev.sentence == "Death of Dad (father) in March 2026, about 2 months before symptoms began → grief"
    assert ev.rule == "grief.close_death_before_onset"
    assert (ev.people[0].index, ev.people[0].name, ev.events) == (0, "Dad", (0,))
    assert top.stage is None


def test_death_long_before_onset_is_not_tied_to_it():
    # given a death ten years before the onset, a full inventory and nothing else
    family = [person("Dad", "father"), person("Ann", "wife"), person("Bo", "son"), person("Cy", "friend", "middle")]
    c = case(family, [event("2016-05", "death", ["Dad"], "much_worse")], onset="2026-01",
             reference="2026-03-01")
    # then no area is suggested, and the reason says nothing points anywhere yet
    [only] = suggest(c)
    assert only.area is None and only.role == "none"
    assert only.reason.startswith("Nothing recorded points to a problem area yet")


def test_death_after_onset_counts_as_keeping_the_mood_low():
    # a mother dies 3 months after onset: grief.death_after_onset, 4 x 1.25 = 5 points
    c = case([person("Mum", "mother")], [event("2026-04", "death", ["Mum"], "much_worse")], onset="2026-01")
    [top] = suggest(c)
    assert (top.area, top.score) == ("grief", 5.0)
    assert "3 months after symptoms began, may keep the low mood going" in top.evidence[0].sentence


def test_a_loss_without_a_named_person_still_counts_for_grief():
    # a pregnancy loss: grief.loss_without_named_person, 3.5 x 1.25 = 4.375 -> 4.38, in the low band
    c = case([person("Bilal", "husband")], [event("2026-04-10", "death", (), "much_worse", "Miscarriage")])
    [top] = suggest(c)
    assert (top.area, top.score, top.confidence) == ("grief", 4.38, "low")
    assert top.evidence[0].sentence.startswith("Loss: Miscarriage on 10 April 2026, about 1 month before")


def test_a_death_dated_only_by_year_counts_for_less():
    # "2025" stands for 1 July 2025, 106 days (3.48 months) before 15 October: 5 x 1.25 x 0.6 = 3.75
    c = case([person("Gran", "grandmother")], [event("2025", "death", ["Gran"], "much_worse")],
             onset="2025-10", reference="2026-01-10")
    [top] = suggest(c)
    assert (top.area, top.score) == ("grief", 3.75)
    assert "in 2025, about 3 months before symptoms began" in top.evidence[0].sentence


def test_an_outer_ring_dispute_of_unknown_effect_on_mood_is_not_enough():
    # conflict 4 x 0.8 (mood unknown) x 0.6 (outer) = 1.92, and the dispute event about the same person is
    # the same dispute (counted once); mismatch 2 x 0.5 = 1: total 2.92 < 3
    colleague = person("Greg", "colleague", "outer", expectations={"match": "no"}, conflicts=[{"topic": "meetings"}])
    c = case([colleague], [event("2026-04", "dispute", ["Greg"])])
    [only] = suggest(c)
    assert only.area is None
    assert "role dispute at 2.92 of the 3 needed" in only.reason


def test_a_dispute_with_a_boss_outside_the_inner_circle_that_hurts_is_a_role_dispute():
    # closeness is not importance: 4 x 1.25 (much worse) x 0.6 (outer) = 3, mismatch 1: total 4
    boss = person("Mr Hale", "boss", "outer", expectations={"match": "no"},
                  conflicts=[{"topic": "my projects", "talking": "stopped", "mood_effect": "much_worse"}])
    [top] = suggest(case([boss], [event("2026-04", "dispute", ["Mr Hale"], "much_worse")]))
    assert (top.area, top.score) == ("role_dispute", 4.0)
    assert top.focus.label == "Mr Hale (boss)"
    assert top.stage.stage == "impasse"
    assert top.evidence[0].sentence == 'Disagreement with Mr Hale (boss) about "my projects" (mood much worse) → role dispute'


def test_the_same_dispute_in_the_inner_ring_is_a_role_dispute():
    # conflict 4 x 0.8 (mood unknown) + mismatch 2 = 5.2, the medium band; the event is the same dispute
    partner = person("Jo", "partner", "inner", expectations={"match": "no"},
                     conflicts=[{"topic": "money", "talking": "open", "hope": "yes"}])
    [top] = suggest(case([partner], [event("2026-04", "dispute", ["Jo"])]))
    assert (top.area, top.score, top.confidence) == ("role_dispute", 5.2, "medium")
    assert top.evidence[0].sentence == 'Disagreement with Jo (partner) about "money" (effect on mood not known) → role dispute'


def test_a_conflict_and_an_event_are_weighed_the_same_way_by_mood_effect():
    # the same death and the same dispute, once with the effect on mood unknown and once known
    for effect, factor in (("unknown", 0.8), ("much_worse", 1.25), ("none", 0.5)):
        dad, sue = person("Dad", "father"), person("Sue", "sister", conflicts=[{"topic": "x", "mood_effect": effect}])
        c = case([dad, sue], [event("2026-03", "death", ["Dad"], effect)])
        points = {e.rule: e.points for s in suggest(c) for e in s.evidence}
        assert points["grief.close_death_before_onset"] == round(5 * factor, 2)
        assert points["dispute.conflict_with_person"] == round(4 * factor, 2)


def test_a_dispute_that_grew_from_a_death_does_not_outrank_the_death():
    # father dies, then the siblings argue about his house; nobody recorded the effect on mood
    dad = person("Papa", "father")
    luis = person("Luis", "brother", "middle", expectations={"match": "no"},
                  conflicts=[{"topic": "Selling the house", "talking": "open"}])
    c = case([dad, luis], [event("2026-02", "death", ["Papa"], "unknown"), event("2026-03", "dispute", ["Luis"], "unknown")],
             onset="2026-03", intake={"recent_bereavement": True, "current_disagreement": True})
    first, *rest = suggest(c)
    assert first.area == "grief"
    assert [s.area for s in rest] == ["role_dispute"]
    assert first.score > rest[0].score
    assert any(e.rule == "grief.dispute_after_death" and "began about 1 month after Papa (father) died" in e.sentence
               for e in first.evidence)


@pytest.mark.parametrize("conflict, stage", [
    ({"talking": "open", "hope": "yes"}, "renegotiation"),
    ({"talking": "stopped", "hope": "unsure"}, "impasse"),
    ({"talking": "open", "ending": "considering"}, "dissolution"),
    ({"ending": "decided"}, "dissolution"),
    ({"note": "Weeks of silence between us"}, "impasse"),
    ({"note": "She has asked me for a divorce"}, "dissolution"),
    ({"note": "We argue about it but we are trying"}, "renegotiation"),
])
def test_dispute_stage_follows_the_signs(conflict, stage):
    partner = person("Jo", "partner", conflicts=[{"topic": "money", **conflict}])
    [top] = suggest(case([partner]))
    assert top.area == "role_dispute"
    assert top.stage.stage == stage
    assert top.stage.why and f"→ {stage}" in top.stage.why[0]


def test_dispute_without_any_stage_sign_defaults_to_renegotiation_and_says_so():
    [top] = suggest(case([person("Jo", "partner", conflicts=[{"topic": "money"}])]))
    assert top.stage.stage == "renegotiation"
    assert top.stage.why == ("No sign that talking with Jo (partner) has stopped or that either of them wants to "
                             "end the relationship, so the usual starting point is renegotiation (still "
                             "negotiating, perhaps arguing)",)


def test_a_tie_between_stages_goes_to_the_later_stage():
    # ending considering (3) and talking stopped (3) tie; tie_order puts dissolution first
    partner = person("Jo", "partner", conflicts=[{"topic": "money", "talking": "stopped", "ending": "considering"}])
    [top] = suggest(case([partner]))
    assert top.stage.scores["dissolution"] == top.stage.scores["impasse"] == 3.0
    assert top.stage.stage == "dissolution"


def test_a_welcome_promotion_still_counts_as_a_role_transition():
    c = case([person("Efua", "wife")],
             [event("2026-04", "role_change", (), "worse", "Promoted to team leader")])
    [top] = suggest(c)
    assert (top.area, top.score) == ("role_transition", 4.0)
    assert top.focus.kind == "event" and top.focus.index == 0


LONELY = {"lives_alone": True, "close_confidants": 0, "long_standing_loneliness": True}


def test_deficits_are_suggested_when_nothing_else_fits_and_isolation_is_clear():
    # confidants 0 (3 + 1), lifelong loneliness 3, lives alone 1, empty inner ring 2, small inventory 1:
    # 11 >= 8, high
    [top] = suggest(case([person("Mum", "mother", "middle")], intake=LONELY))
    assert (top.area, top.score, top.confidence) == ("interpersonal_deficits", 11.0, "high")
    assert top.reason.endswith("no other area reached its threshold.")


def test_deficits_give_way_when_another_area_reaches_its_threshold():
    # the same isolated person, but a retirement 2 months before onset (4 points) reaches the transition threshold
    c = case([person("Mum", "mother", "middle")], [event("2026-03", "role_change", description="Retired")],
             intake=LONELY)
    assert areas(suggest(c)) == ["role_transition"]


def test_a_mixed_case_gives_a_primary_and_a_secondary():
    # death 6.25 (grief) and a move 4.0 (transition); 4.0 is at least half of 6.25
    c = case([person("Bill", "husband")], [event("2026-02", "death", ["Bill"], "much_worse"),
                                             event("2026-04", "role_change", (), "worse", "Moved town")])
    result = suggest(c)
    assert [(s.area, s.role) for s in result] == [("grief", "primary"), ("role_transition", "secondary")]


def test_a_weak_second_area_is_not_offered():
    # grief 6.25 + intake 1 = 7.25; transition 4 x 0.8 = 3.2 reaches its threshold but is under half of 7.25
    c = case([person("Bill", "husband")], [event("2026-02", "death", ["Bill"], "much_worse"),
                                             event("2026-04", "role_change", (), "unknown", "Moved town")],
             intake={"recent_bereavement": True})
    assert areas(suggest(c)) == ["grief"]


def test_close_scores_lower_the_confidence():
    # grief 6.25 and dispute 6 (conflict 4 + mismatch 2) are within 1.5 points: both drop one step
    c = case([person("Bill", "husband"), person("Sis", "sister", expectations={"match": "no"},
                                                conflicts=[{"topic": "the funeral"}])],
             [event("2026-02", "death", ["Bill"], "much_worse")])
    result = suggest(c)
    assert [(s.area, s.confidence) for s in result] == [("grief", "medium"), ("role_dispute", "low")]
    assert "another area scores within 1.5 points" in result[0].confidence_why


def test_unknown_onset_measures_from_the_reference_date_and_lowers_confidence():
    # 15 March to 1 July is about 3.6 months; 6.25 points would be high, one step down is medium
    c = case([person("Dad", "father")], [event("2026-03", "death", ["Dad"], "much_worse")], onset=None)
    [top] = suggest(c)
    assert (top.area, top.confidence) == ("grief", "medium")
    assert "about 4 months before this assessment" in top.evidence[0].sentence
    assert "onset unknown" in top.confidence_why


def test_a_rule_counts_once_per_person_however_many_events():
    jo = person("Jo", "partner", conflicts=[{"topic": "money", "mood_effect": "none"}])
    c = case([jo], [event("2026-02", "dispute", ["Jo"]), event("2026-03", "dispute", ["Jo"]),
                    event("2026-04", "dispute", ["Jo"], "much_worse")])
    [top] = suggest(c)
    rules = [e.rule for e in top.evidence]
    # the conflict and the dispute events are one dispute: only the strongest of them counts
    assert sum(r in ("dispute.conflict_with_person", "dispute.event_before_onset", "dispute.event_after_onset")
               for r in rules) == 1
    # the strongest is kept: the much-worse event, 2 x 1.25 = 2.5 (the conflict, of no effect on mood: 4 x 0.5 = 2)
    assert next(e.points for e in top.evidence if e.rule == "dispute.event_before_onset") == 2.5


def test_an_intake_answer_alone_does_not_make_a_suggestion():
    [only] = suggest(case([person("Ann")], intake={"recent_bereavement": True}))
    assert only.area is None
    assert "grief, from the intake only, with no dated event or named person behind it" in only.reason
    assert "grief.intake_bereavement" in [e.rule for e in only.evidence]


def test_an_empty_case_says_there_is_too_little_information():
    [only] = suggest(case(onset=None))
    assert only.area is None and only.reason.startswith("Too little information")


def test_an_anniversary_of_an_earlier_death_stirs_grief():
    # death 13 months before onset (2 x 1.0) and an anniversary event at onset (3 x 1.25): 5.75
    c = case([person("David", "partner")],
             [event("2025-04", "death", ["David"]),
              event("2026-05", "other", ["David"], "much_worse", "First anniversary")])
    [top] = suggest(c)
    assert (top.area, top.score) == ("grief", 5.75)


def test_a_site_can_raise_a_threshold_in_its_own_rules_file():
    # given a rules file where grief needs 10 points
    text = DEFAULT_RULES_FILE.read_text(encoding="utf-8").replace(
        "    threshold: 3\n    medium: 5\n    high: 6\n", "    threshold: 10\n    medium: 11\n    high: 12\n", 1)
    strict = parse_rules(text, "strict.yaml")
    c = case([person("Dad", "father")], [event("2026-03", "death", ["Dad"], "much_worse")])
    # then the same case no longer reaches grief
    assert suggest(c, strict)[0].area is None
    assert suggest(c)[0].area == "grief"


# ---- properties over generated cases --------------------------------------------------------

NAMES = ["Ann", "Ben", "Cat", "Dev", "Eve", "Fay"]
REFERENCE = dt.date(2026, 6, 30)


@st.composite
def cases(draw):
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=5))
    inventory = []
    for name in names:
        conflicts = draw(st.lists(st.fixed_dictionaries({
            "topic": st.just("something"),
            "talking": st.sampled_from(["open", "stopped", "unknown"]),
            "hope": st.sampled_from(["yes", "unsure", "no", "unknown"]),
            "ending": st.sampled_from(["no", "considering", "decided", "unknown"]),
            "note": st.sampled_from(["", "we argue", "total silence", "talk of divorce"]),
        }), max_size=2))
        inventory.append({
            "name": name, "relationship": "someone", "ring": draw(st.sampled_from(["inner", "middle", "outer"])),
            "satisfying": draw(st.lists(st.just("good"), max_size=1)),
            "unsatisfying": draw(st.lists(st.just("bad"), max_size=1)),
            "expectations": {"match": draw(st.sampled_from(["yes", "partly", "no", "unknown"]))},
            "conflicts": conflicts,
        })
    dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=REFERENCE).flatmap(
        lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7], d.isoformat()[:4]]))
    timeline = draw(st.lists(st.fixed_dictionaries({
        "date": dates,
        "kind": st.sampled_from(["death", "pregnancy_loss", "death_loss", "dispute", "role_change", "isolation", "other"]),
        "people": st.lists(st.sampled_from(names), unique=True, max_size=2) if names else st.just([]),
        "mood_effect": st.sampled_from(["much_worse", "worse", "none", "better", "unknown"]),
    }), max_size=6))
    intake = draw(st.fixed_dictionaries({}, optional={
        "lives_alone": st.booleans(), "close_confidants": st.integers(0, 5), "recent_move": st.booleans(),
        "recent_bereavement": st.booleans(), "recent_life_change": st.booleans(),
        "current_disagreement": st.booleans(), "long_standing_loneliness": st.booleans()}))
    data = {"reference_date": REFERENCE.isoformat(), "inventory": inventory, "timeline": timeline,
            "intake": intake}
    if draw(st.booleans()):
        data["onset"] = {"date": draw(dates)}
    return parse_case(data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_suggestions_keep_their_promises_for_any_case(c):
    result = suggest(c)
    # one or two suggestions, ranked 1..n, distinct areas
    assert 1 <= len(result) <= 2
    assert [s.rank for s in result] == list(range(1, len(result) + 1))
    if result[0].area is None:
        # "none" stands alone
        assert len(result) == 1 and result[0].role == "none" and result[0].reason
        return
    assert len({s.area for s in result}) == len(result)
    scores = {a: t.score(RULES.areas[a].needs_focus)[0] for a, t in tally(c, RULES).items()}
    for s in result:
        assert s.area in AREAS
        assert s.score >= RULES.areas[s.area].threshold
        assert s.confidence in ("low", "medium", "high")
        assert s.evidence
        # a dispute always comes with a stage and a person; other areas never have a stage
        assert (s.stage is not None) == (s.area == "role_dispute")
        if s.stage:
            assert s.stage.stage in STAGES and s.focus.kind == "person"
        # every piece of evidence points at real entries
        for e in s.evidence:
            for ref in e.people:
                assert c.inventory[ref.index].name == ref.name
            assert all(0 <= i < len(c.timeline) for i in e.events)
        assert s.to_dict()["area"] == s.area
    if len(result) == 2:
        assert result[1].score <= result[0].score
        assert "interpersonal_deficits" not in areas(result)
    if "interpersonal_deficits" in areas(result):
        # deficits only when no other area reaches its threshold
        assert all(scores[a] < RULES.areas[a].threshold for a in AREAS if a != "interpersonal_deficits")
    else:
        # the primary is the highest-scoring area that reached its threshold
        reached = [a for a in AREAS if a != "interpersonal_deficits" and scores[a] >= RULES.areas[a].threshold]
        assert scores[result[0].area] == max(scores[a] for a in reached)
