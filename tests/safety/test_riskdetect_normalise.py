"""Normalisation: many ways of typing the same words reach one canonical form, with spans kept."""

from hypothesis import given
from hypothesis import strategies as st

from openipt.safety.riskdetect import default_patterns


def canon(text: str) -> list[str]:
    return [view.text for view in default_patterns().normaliser.views(text)]


def test_curly_quotes_and_contractions_become_plain_words():
    # given a sentence typed on a phone, with a curly apostrophe
    # when it is normalised
    # then the contraction is spelled out
    assert canon("I don’t want to live") == ["i do not want to live"]


def test_straight_and_missing_apostrophes_give_the_same_form():
    assert canon("I won't") == canon("I wont") == canon("i will not")


def test_full_width_and_styled_letters_fold_to_plain_letters():
    assert canon("ｋｉｌｌ ＭＹＳＥＬＦ") == ["kill myself"]
    assert canon("𝐤𝐢𝐥𝐥") == ["kill"]


def test_accents_are_removed_whether_precomposed_or_combining():
    assert canon("súicidal") == ["suicidal"]
    assert canon("su\u0301icidal") == ["suicidal"]


def test_invisible_characters_inside_a_word_are_dropped():
    assert canon("my\u200bself") == ["myself"]
    assert canon("self\u00adharm") == ["selfharm"]


def test_hyphens_and_dashes_become_spaces():
    assert canon("self-harm") == ["self harm"]
    assert canon("self–harm") == ["self harm"]


def test_stretched_letters_give_one_and_two_letter_views():
    assert canon("diiiie") == ["die", "diie"]
    assert "kill" in canon("kiiiill")


def test_text_speak_is_expanded_from_the_lexicon():
    assert canon("u r gonna b ok") == ["you are going to b ok"]
    assert canon("idk tbh") == ["i do not know to be honest"]


def test_apostrophe_s_means_is_only_after_listed_words():
    assert canon("it's my mum's") == ["it is my mums"]


def test_control_characters_become_spaces_and_line_breaks_stay():
    assert canon("one\x00two\tthree\n\nfour") == ["one two three\nfour"]


def test_original_span_points_at_what_the_person_typed():
    # given a stretched word after a contraction
    text = "I wanna diiiie"
    view = default_patterns().normaliser.views(text)[0]
    # when the canonical word "die" is mapped back
    start = view.text.index("die")
    original = view.original_span(start, start + 3)
    # then it covers the whole stretched word
    assert text[original[0] : original[1]] == "diiiie"


def test_an_expanded_contraction_maps_back_to_the_whole_token():
    text = "they’d be"
    view = default_patterns().normaliser.normalise(text)
    assert view.text == "they would be"
    start = view.text.index("would")
    s, e = view.original_span(start, start + len("would"))
    assert text[s:e] == "they’d"


@given(st.text(max_size=300))
def test_every_canonical_character_maps_inside_the_original(text):
    for view in default_patterns().normaliser.views(text):
        assert len(view.starts) == len(view.ends) == len(view.text)
        for s, e in zip(view.starts, view.ends, strict=True):
            assert 0 <= s < e <= len(text)
