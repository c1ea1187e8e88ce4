"""The analyser's feedback for the language a client writes in, with Django's translations where the analyser has none.

The analyser reads English, Spanish and Swahili, and writes its feedback in the language of the pattern
file it used. A client whose preferred language has no pattern file gets no tips; the analyser says so in
English, and this module puts that sentence (and the two others it may give such a client: nothing written
yet, or words that may be about harm) through the catalogues, so the client reads it in their page's
language where it is translated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django.utils.translation import gettext as _

from openipt.practice.analyser import Analysis, analyse, language_code, languages


def not_available() -> str:
    return _("Tips on how a message may come across are not available in this language yet. You can still "
             "practise saying it out loud, and talk it over with your therapist.")


def _held() -> str:
    return _("No tips on this message. What you wrote sounds serious and important. Please tell your therapist, "
             "or someone you trust, today. If you are in danger now, call your local emergency number.")


def _empty() -> str:
    return _("There is nothing to look at yet. Write what you would say to them, and you will get some tips.")


def reads(language: str | None) -> bool:
    """True when the analyser has patterns for this language (English, Spanish, Swahili today)."""
    return language_code(language) in languages()


def in_page_language(result: Analysis) -> Analysis:
    """The result with its feedback translated when the analyser had no patterns for the text's language."""
    if result.supported:
        return result
    words = _held() if result.held else _empty() if result.english else not_available()
    return replace(result, feedback=words)


def analyse_in(text: str, language: str | None, screen: Callable[[str], bool] | None = None) -> Analysis:
    """Analyse a client's text in their language (`language`, e.g. their preferred language)."""
    return in_page_language(analyse(text, screen=screen, language=language))


def _texts(pset) -> dict[str, dict[str, str]]:
    """The words a client reads in one pattern file, by piece: each pattern's, and the fixed sentences."""
    from dataclasses import asdict

    texts = {f"analyser:{p.id}": {"label": p.label, "feedback": p.feedback, "suggestion": p.suggestion}
             for p in pset.patterns}
    texts["analyser:messages"] = dict(asdict(pset.messages))
    return texts


def analyser_pieces(lang: str) -> dict:
    """The analyser's words in `lang` as content pieces (one per pattern, and its fixed sentences), for the
    translations review page and the status counts; empty for English and for a language with no pattern file
    (it gives no tips there, so nothing is shown in English)."""
    from openipt.practice.analyser import default_patterns, patterns_for
    from openipt.protocol.pieces import compare

    code = language_code(lang)
    found = patterns_for(code) if code != "en" else None
    if found is None:
        return {}
    return compare(_texts(default_patterns()), _texts(found))
