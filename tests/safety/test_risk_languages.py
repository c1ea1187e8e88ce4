"""Risk detection in Spanish and Swahili, and the rule for text in a language the detector cannot read.

No database: the detector and the rule evaluator are pure.

    .venv/bin/python -m pytest -p no:django tests/safety/test_risk_languages.py -q

The Spanish and Swahili patterns are UNVALIDATED (no native speaker has reviewed them); these tests
pin what they do, not that they are right.
"""

from __future__ import annotations

import pytest

from openipt.safety.riskdetect import (
    DataError,
    can_read,
    language_code,
    languages_for,
    load_language,
    parse_pattern_text,
    scan,
    scan_languages,
    shipped_languages,
)
from openipt.safety.rules import evaluate_text, load_shipped
from openipt.safety.rules.evaluate import UNREADABLE_KIND


def test_spanish_and_swahili_ship_with_every_kind_the_english_set_knows():
    english = set(load_language("en").family_kind.values())
    for code in ("es", "sw"):
        patterns = load_language(code)
        assert patterns.language == code
        assert set(patterns.family_kind.values()) == english, code
        assert all(rule.id.startswith(f"{code}.") for rule in patterns.rules), code
        assert patterns.markers, code
    assert shipped_languages()[0] == "en" and {"es", "sw"} <= set(shipped_languages())


SPANISH = [
    ("Quiero morirme.", "suicide_self_harm", "high"),
    ("ya no kiero vivir", "suicide_self_harm", "high"),
    ("Pienso en quitarme la vida.", "suicide_self_harm", "high"),
    ("Me voy a tirar del puente.", "suicide_self_harm", "high"),
    ("Estoy escribiendo una carta de despedida.", "suicide_self_harm", "high"),
    ("La única salida es la muerte.", "suicide_self_harm", "high"),
    ("Volví a hacerme daño anoche.", "suicide_self_harm", "high"),
    ("Tengo miedo de hacerle daño a mi bebé.", "harm_to_others", "medium"),
    ("Voy a matar a mi vecino.", "harm_to_others", "medium"),
    ("Mi marido me pega cuando bebe.", "being_harmed", "medium"),
    ("Él me amenaza con quitarme a los niños.", "being_harmed", "medium"),
    ("Mi pareja no me deja ver a mis amigas.", "being_harmed", "medium"),
    ("Mi esposo le pega a mi hijo.", "child_safeguarding", "medium"),
    ("Deja a los niños solos toda la noche.", "child_safeguarding", "medium"),
    ("No puedo mantenerme a salvo esta noche.", "unable_to_keep_safe", "high"),
    ("Escondan las pastillas, por favor.", "unable_to_keep_safe", "high"),
    ("Dejé de ponerme la insulina.", "self_neglect", "medium"),
    ("Estoy planeando mi funeral.", "self_neglect", "high"),
]

SWAHILI = [
    ("Nataka kufa.", "suicide_self_harm", "high"),
    ("Nitajiua leo usiku.", "suicide_self_harm", "high"),
    ("nilitaka kujiua", "suicide_self_harm", "high"),
    ("ntajiua bwana", "suicide_self_harm", "high"),
    ("Sitaki kuishi tena.", "suicide_self_harm", "high"),
    ("Nataka kujidhuru.", "suicide_self_harm", "high"),
    ("Kwaheri kwa wote.", "suicide_self_harm", "high"),
    ("Naogopa nitamdhuru mtoto wangu.", "harm_to_others", "medium"),
    ("Nitamuua.", "harm_to_others", "medium"),
    ("Mume wangu ananipiga kila siku.", "being_harmed", "medium"),
    ("Ananitishia kuniua.", "being_harmed", "medium"),
    ("Ananizuia kuona familia yangu.", "being_harmed", "medium"),
    ("Atamuua mtoto.", "child_safeguarding", "medium"),
    ("Anamwacha mtoto peke yake usiku.", "child_safeguarding", "medium"),
    ("Siwezi kujiweka salama usiku huu.", "unable_to_keep_safe", "high"),
    ("Msiniache peke yangu usiku huu.", "unable_to_keep_safe", "high"),
    ("Nimeacha kunywa dawa za ARV.", "self_neglect", "medium"),
    ("Nimepanga mazishi yangu.", "self_neglect", "high"),
]


@pytest.mark.parametrize(("text", "kind", "severity"), SPANISH)
def test_spanish_sentences_are_flagged_with_their_kind_and_severity(text, kind, severity):
    result = scan(text, load_language("es"))
    assert result.kinds.get(kind) == severity, result.to_dict()
    assert all(m.language == "es" for m in result.matches)


@pytest.mark.parametrize(("text", "kind", "severity"), SWAHILI)
def test_swahili_sentences_are_flagged_with_their_kind_and_severity(text, kind, severity):
    result = scan(text, load_language("sw"))
    assert result.kinds.get(kind) == severity, result.to_dict()
    assert all(m.language == "sw" for m in result.matches)


@pytest.mark.parametrize("text", [
    "Me muero de risa con este grupo.", "Me mata el calor de esta ciudad.", "La comida está que mata.",
    "Le pegó una mirada que daba miedo.", "Se me quemó el arroz.", "Me corté el pelo muy corto.",
    "Mi mamá me va a matar si llego tarde.", "No puedo más, estoy llena.", "El perro me sigue a todas partes.",
    "Quiero desaparecer de las redes un tiempo.", "Mi hijo tiene moretones de jugar fútbol.",
])
def test_spanish_false_friends_are_not_flagged(text):
    assert not scan_languages(text, "es").flag, scan_languages(text, "es").to_dict()


@pytest.mark.parametrize("text", [
    "Simu imekufa, nitakupigia kesho.", "Nimechoka kufa, nataka kulala tu.", "Nitakupigia simu jioni.",
    "Tulipiga picha nyingi harusini.", "Tulienda kuua muda mjini.", "Nimeua mende jikoni.",
    "Nilicheka hadi kufa.", "Alinipiga jeki ya pesa nilipokuwa na shida.", "Mama ataniua nikichelewa kurudi.",
    "Nimejikata kidole nikipika.", "Siwezi kujizuia kula chokoleti.",
])
def test_swahili_false_friends_are_not_flagged(text):
    assert not scan_languages(text, "sw").flag, scan_languages(text, "sw").to_dict()


@pytest.mark.parametrize(("language", "text"), [
    ("es", "No quiero morirme."),
    ("es", "Nunca me haría daño a propósito, me quiero demasiado."),
    ("sw", "Sitajiua."),
    ("sw", "Sitaki kufa."),
])
def test_a_negated_statement_still_flags_low(language, text):
    result = scan(text, load_language(language))
    assert result.flag and result.severity == "low", result.to_dict()


@pytest.mark.parametrize(("language", "text"), [
    ("es", "Mi hermana dice que se quiere matar."),
    ("es", "Mi amiga quiere suicidarse."),
    ("sw", "Rafiki yangu anataka kujiua."),
    ("sw", "Wanataka kufa."),
])
def test_words_about_someone_else_are_reported_and_low(language, text):
    result = scan(text, load_language(language))
    assert result.flag and result.severity == "low", result.to_dict()
    assert all("reported" in m.modifiers for m in result.matches)


def test_being_hit_keeps_its_severity_when_someone_else_is_the_subject():
    """He hits me: someone else is the subject, and that is the point (keep_severity, as in English)."""
    assert scan("Él me golpeó anoche.", load_language("es")).kinds == {"being_harmed": "medium"}
    assert scan("Alinipiga jana usiku.", load_language("sw")).kinds == {"being_harmed": "medium"}


def test_a_plan_keeps_high_and_cannot_keep_safe_is_high():
    assert scan("Ya tengo el plan de cómo matarme.", load_language("es")).severity == "high"
    assert scan("Njia pekee ni kufa.", load_language("sw")).severity == "high"
    assert scan("No me siento segura conmigo misma.", load_language("es")).kinds == {"unable_to_keep_safe": "high"}


# -- which pattern sets read a text ------------------------------------------------------------

def test_english_always_reads_and_the_writers_language_is_added():
    assert languages_for("hello", "en") == ("en",)
    assert languages_for("hola", "es") == ("en", "es")
    assert languages_for("habari", "sw-KE") == ("en", "sw")
    assert languages_for("anything", "lg") == ("en",)  # no Luganda patterns: English only, and can_read says so
    assert languages_for("anything", None) == ("en",)


def test_a_language_whose_words_appear_is_read_too_whatever_the_writers_language():
    assert languages_for("Some days. Quiero morirme.", "en") == ("en", "es")
    assert languages_for("Nimechoka, nataka kufa", "lg") == ("en", "sw")
    mixed = scan_languages("I can't do this anymore. Nataka kufa.", "en")
    assert "sw" in {m.language for m in mixed.matches} and mixed.severity == "high"
    assert any(m.rule_id.startswith("sw.") and m.text == "Nataka kufa" for m in mixed.matches)


def test_an_english_sentence_from_a_spanish_writer_is_still_read_in_english():
    result = scan_languages("I want to kill myself.", "es")
    assert result.severity == "high" and {m.language for m in result.matches} == {"en"}


def test_ordinary_english_does_not_wake_the_other_pattern_sets():
    for text in ("Me and my sister went to the shops.", "I had a good week at work, thanks.", "Tell me more."):
        assert languages_for(text, "en") == ("en",), text


@pytest.mark.parametrize(("code", "readable"), [
    ("en", True), ("es", True), ("es-MX", True), ("SW", True), ("", True), (None, True),
    ("lg", False), ("ar", False), ("so", False), ("luganda", False),
])
def test_can_read_says_which_languages_have_patterns(code, readable):
    assert can_read(code) is readable
    assert language_code("es_MX") == "es"


# -- the rule for a language the detector cannot read ---------------------------------------------

def test_text_in_a_language_without_patterns_gives_one_low_read_this_signal():
    """HAZ-030: text the detector cannot read is never taken as safe."""
    signals = evaluate_text(load_shipped(), "Nnina ennaku nnyingi nnyo leero.", "practice.worksheet", language="lg")
    assert [(s.kind, s.severity, s.policy) for s in signals] == [(UNREADABLE_KIND, "low", "review")]
    assert "cannot read" in signals[0].reason and "lg" in signals[0].reason
    assert signals[0].evidence[0].kind == "language"


def test_a_flag_in_a_readable_language_replaces_the_read_this_signal():
    """English or Swahili words from a Luganda writer are read; a flag raises its own kind instead."""
    signals = evaluate_text(load_shipped(), "I want to die.", "practice.worksheet", language="lg")
    assert [s.kind for s in signals] == ["suicide_self_harm"]
    signals = evaluate_text(load_shipped(), "Nataka kufa.", "practice.worksheet", language="lg")
    assert [s.kind for s in signals] == ["suicide_self_harm"] and "[sw]" in signals[0].reason


def test_a_language_read_in_full_raises_nothing_for_ordinary_words():
    for language, text in (("en", "A good week."), ("en-GB", "Fine, thanks."), (None, "ok")):
        assert evaluate_text(load_shipped(), text, "practice.worksheet", language=language) == [], language


def test_a_language_read_only_in_part_still_sends_unflagged_text_to_a_person():
    """Spanish and Swahili patterns caught 21-57 % of blind risk sentences per kind: their silence is not "safe"."""
    for language, text in (("es", "Una buena semana."), ("sw", "Wiki nzuri."), ("es-MX", "Todo bien.")):
        signals = evaluate_text(load_shipped(), text, "practice.worksheet", language=language)
        assert [(s.kind, s.severity) for s in signals] == [(UNREADABLE_KIND, "low")], language
        assert "only in part" in signals[0].reason
    # a flag in the language replaces the read-this signal
    signals = evaluate_text(load_shipped(), "Quiero morirme.", "practice.worksheet", language="es")
    assert [s.kind for s in signals] == ["suicide_self_harm"]


def test_coverage_in_a_pattern_file_is_full_or_partial():
    assert load_language("en").coverage == "full"
    assert load_language("es").coverage == load_language("sw").coverage == "partial"
    text = open(load_language("es").source, encoding="utf-8").read()
    with pytest.raises(DataError) as caught:
        parse_pattern_text(text.replace("coverage: partial", "coverage: most", 1), source="es.yaml")
    assert "coverage" in str(caught.value) and "es.yaml" in str(caught.value)


def test_the_read_this_kind_shows_the_client_nothing_new():
    kind = load_shipped().kinds[UNREADABLE_KIND]
    assert kind.client_page == "none" and kind.policy_by_severity["low"] == "review"


def test_a_marker_must_be_one_word():
    text = (load_language("es").source and open(load_language("es").source, encoding="utf-8").read())
    broken = text.replace("markers: [quiero,", "markers: [quiero mucho,", 1)
    with pytest.raises(DataError) as caught:
        parse_pattern_text(broken, source="es.yaml")
    assert "markers[0]" in str(caught.value) and "es.yaml" in str(caught.value)
