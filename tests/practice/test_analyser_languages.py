"""The analyser reads Spanish and Swahili with their own pattern files, answers in that language, holds its tips on
words about harm in that language, and says plainly when a language has no patterns yet.

Pure Python: no database. The figures for each language are written by bench/analyser_accuracy.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openipt.practice.analyser import (
    NOT_AVAILABLE,
    DataError,
    analyse,
    default_patterns,
    languages,
    parse_patterns_text,
    patterns_for,
)
from openipt.practice.analyser.evaluate import TUNED, load_labelled, score
from openipt.practice.rehearsal import load_scenarios, next_reply
from openipt.practice.rehearsal.translations import load_translations, localise

DATA = Path(__file__).parent / "data"
ENGLISH = default_patterns()
SCENARIOS = load_scenarios()

# An I-statement with a clear request, and blame, in each language.
KIND = {"es": "Me siento sola cuando no hablamos. ¿Podemos cenar juntos el domingo?",
        "sw": "Ninajisikia mpweke tusipoongea. Tunaweza kula pamoja Jumapili?"}
BLAME = {"es": "Nunca me escuchas, siempre llegas tarde.",
         "sw": "Hunisikilizi kamwe, kila mara unachelewa."}
WORKS = {"es": "Lo que funciona:", "sw": "Kinachofanya kazi:"}
CHANGE = {"es": "Cosas que cambiar:", "sw": "Mambo ya kubadilisha:"}


def test_spanish_and_swahili_are_shipped_with_the_english_ids_families_and_order():
    assert languages() == ("en", "es", "sw")
    for lang in ("es", "sw"):
        pset = patterns_for(lang)
        assert pset is not None and pset.language == lang
        assert [(p.id, p.family) for p in pset.patterns] == [(p.id, p.family) for p in ENGLISH.patterns]
        assert pset.hold, "each language holds its tips on its own words about harm"
        # the words a client reads are in the language, not the English ones
        assert all(p.label != e.label and p.suggestion != e.suggestion for p, e in zip(pset.patterns, ENGLISH.patterns, strict=True))


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_an_i_statement_with_a_request_is_praised_in_the_language(lang):
    result = analyse(KIND[lang], language=lang)
    assert {"i_statement", "naming_feeling", "specific_request"} <= result.patterns
    assert result.hurtful == 0 and result.language == lang and result.supported
    assert result.feedback.startswith(WORKS[lang]) and "What works" not in result.feedback
    assert all(KIND[lang][f.start:f.end] == f.text for f in result.findings)  # spans point at what was written


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_blame_is_found_in_the_language_and_the_advice_is_in_it(lang):
    result = analyse(BLAME[lang], language=lang)
    assert {"blame_you_statement", "always_never"} <= result.patterns and result.helpful == 0
    assert result.feedback.startswith(CHANGE[lang])
    label = patterns_for(lang).by_id["blame_you_statement"].label
    assert any(f.label == label for f in result.findings)


def test_english_patterns_are_used_only_for_english():
    # the same Spanish words read with the English patterns find nothing; with the Spanish ones, blame
    assert analyse(BLAME["es"]).patterns == frozenset()
    assert analyse(BLAME["es"], language="en").patterns == frozenset()
    assert "blame_you_statement" in analyse(BLAME["es"], language="es-MX").patterns
    assert "blame_you_statement" in analyse(BLAME["sw"], language="sw_KE").patterns
    assert analyse("You never listen to me.", language="EN").patterns == {"blame_you_statement", "always_never"}


def test_spanish_accents_are_optional_and_spans_keep_them():
    typed = analyse("¿Qué piensas tú?", language="es")
    plain = analyse("que piensas tu?", language="es")
    assert typed.patterns == plain.patterns == {"inviting_question"}
    assert typed.findings[0].text == "Qué"


@pytest.mark.parametrize("lang, text", [
    ("es", "A veces quiero morirme."),
    ("es", "Si vuelves a hacerlo, te voy a matar."),
    ("es", "Estaríais mejor sin mí."),
    ("sw", "Wakati mwingine nataka kufa."),
    ("sw", "Ukifanya hivyo tena nitakuua."),
    ("sw", "Mngekuwa bora bila mimi."),
])
def test_a_harm_word_in_the_language_holds_every_tip(lang, text):
    result = analyse(text, language=lang)
    assert result.held and result.findings == () and result.helpful == result.hurtful == 0
    assert result.feedback == patterns_for(lang).messages.held


@pytest.mark.parametrize("lang", ["ar", "lg", "fr", "xx-1"])
def test_a_language_with_no_patterns_gets_no_findings_and_says_tips_are_not_available(lang):
    result = analyse("I feel sad. Could you call me?", language=lang)  # even English words: the language decides
    assert result.findings == () and not result.supported and not result.english
    assert result.feedback == NOT_AVAILABLE
    assert "nothing here clearly helps" not in result.feedback.lower()
    assert analyse("", language=lang).feedback != NOT_AVAILABLE  # nothing written: the usual "write something"
    held = analyse("I want to die", language=lang, screen=lambda text: True)
    assert held.held and held.findings == ()


def test_a_pattern_file_in_another_language_must_bring_its_own_words():
    text = """version: 1
language: es
patterns:
  - {id: a, family: helpful, label: A, feedback: A., suggestion: A., rules: ["me siento"]}
"""
    with pytest.raises(DataError) as caught:
        parse_patterns_text(text, "x.yaml")
    assert "messages" in str(caught.value) and "question_words" in str(caught.value)
    with pytest.raises(DataError) as caught:
        parse_patterns_text(text.replace("language: es", "language: Spanish"), "x.yaml")
    assert "x.yaml:2" in str(caught.value) and "language code" in str(caught.value)


def test_a_part_inside_a_word_can_be_matched():
    pset = parse_patterns_text("""version: 1
patterns:
  - {id: forgot, family: hurtful, label: F, feedback: F., suggestion: F., rules: ["~sahau~"]}
""")
    assert analyse("Ulinisahau tena.", pset).patterns == {"forgot"}
    assert analyse("Umesahau.", pset).patterns == {"forgot"}
    assert analyse("Nimekumbuka.", pset).patterns == frozenset()


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_the_partner_softens_at_an_i_statement_and_bristles_at_blame_in_the_language(lang):
    scenario, left = localise(SCENARIOS["saying_no_friend"],
                              load_translations(SCENARIOS).for_scenario(lang, "saying_no_friend"))
    assert not left
    kind = next_reply(scenario, None, [KIND[lang]], language=lang)
    assert kind.reaction == "softer" and kind.node == "listening" and kind.text in scenario.nodes["listening"].say
    blame = next_reply(scenario, None, [BLAME[lang]], language=lang)
    assert blame.reaction == "defensive" and blame.node == "bristle" and blame.text in scenario.nodes["bristle"].say
    assert blame.feedback is not None and blame.feedback.feedback.startswith(CHANGE[lang])
    # without the language the same words are not read (the English patterns): the neutral path
    assert next_reply(scenario, None, [BLAME[lang]]).reaction == "neutral"


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_each_language_has_a_labelled_set_with_a_held_out_share_and_reaches_0_8(lang):
    pset = patterns_for(lang)
    families = {p.id: p.family for p in pset.patterns}
    items = load_labelled(DATA / f"utterances.{lang}.yaml", families)
    heldout = [i for i in items if i.split == "heldout"]
    assert len(items) >= 150 and len(heldout) >= 60
    assert {i.split for i in items} <= {"heldout", "tuning", "unseen"}
    for pid in families:  # every pattern id is labelled, in the held-out part too
        assert sum(1 for i in items if pid in i.patterns) >= 5, pid
        assert any(pid in i.patterns for i in heldout), pid

    def predict(text: str) -> frozenset[str]:
        return analyse(text, language=lang).patterns

    for chosen in (items, heldout):
        for family, counts in score(chosen, predict, families).per_family.items():
            assert counts.precision >= 0.8 and counts.recall >= 0.8, (lang, family, counts)
    # on everything never tuned on (held-out and unseen) what is flagged is still mostly right; recall on new
    # wording is much lower and is reported, not required (docs/practice/communication-analyser.md)
    never = [i for i in items if i.split not in TUNED]
    for family, counts in score(never, predict, families).per_family.items():
        assert counts.precision >= 0.8, (lang, family, counts)
