"""The first-word index finds exactly the matches that running every rule over the text finds.

The detector tries a rule only at the words it can start with (openipt/safety/riskdetect/dispatch.py).
That is a speed-up and must never change what is flagged: these tests compare it with the plain
way (every rule's regex over the whole text) on every labelled sentence and on random text.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from openipt.safety.riskdetect import default_patterns, scan
from openipt.safety.riskdetect.detector import rule_index
from openipt.safety.riskdetect.dispatch import first_words
from openipt.safety.riskeval import CORPUS_DIR

CORPORA = ("kinds_dev.tsv", "kinds_dev2.tsv", "kinds_blind.tsv", "dev.tsv", "heldout.tsv", "heldout2.tsv")


def corpus_texts() -> list[str]:
    texts = []
    for name in CORPORA:
        for line in (CORPUS_DIR / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                texts.append(line.split("\t")[-1])
    return texts


def both_ways(text: str) -> tuple[list, list]:
    patterns = default_patterns()
    index = rule_index(patterns)
    indexed, plain = [], []
    for view in patterns.normaliser.views(text):
        indexed += sorted((rule.id, m.span()) for rule, m in index.finditer(view.text))
        plain += sorted((rule.id, m.span()) for rule in patterns.rules for m in rule.regex.finditer(view.text))
    return indexed, plain


def test_every_labelled_sentence_gives_the_same_matches_both_ways():
    texts = corpus_texts()
    for text in texts + ["\n".join(texts)]:
        indexed, plain = both_ways(text)
        assert indexed == plain, text


WORDS = sorted({w for t in corpus_texts() for w in t.lower().replace(".", " . ").split()})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_random_text_from_the_corpus_words_gives_the_same_matches_both_ways(words):
    indexed, plain = both_ways(" ".join(words))
    assert indexed == plain


def test_first_words_lists_the_words_a_pattern_can_start_with():
    assert first_words("(?<![a-z0-9])(?:(?:kill|off) myself)(?![a-z0-9])") == {("kill", True), ("off", True)}
    assert first_words("(?<![a-z0-9])(?:fantasi[sz]e)(?![a-z0-9])") == {("fantasise", True), ("fantasize", True)}
    assert ("stockpil", False) not in first_words("(?<![a-z0-9])(?:stockpil(?:e|ing))(?![a-z0-9])")


def test_a_rule_that_may_start_with_a_sign_still_runs_over_the_whole_text():
    index = rule_index(default_patterns())
    assert "cannot_keep_safe.short_message" in {rule.id for rule in index.everywhere}
    assert scan("Unsafe tonight. Please call.").kinds == {"unable_to_keep_safe": "high"}
