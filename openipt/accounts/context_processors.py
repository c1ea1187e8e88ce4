"""Template context about the page's language: whether it shows translations nobody has checked yet."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from openipt.accounts.queries import unreviewed_translations
from openipt.core.i18n import catalogues


def language(request: HttpRequest) -> dict[str, Any]:
    """`translation_unreviewed`: true on a page in a language whose catalogue still has unreviewed entries.

    A callable, so the catalogue and the sign-offs are read only when a template asks (never for English).
    """

    def unreviewed() -> bool:
        code = translation.get_language() or "en"
        return code in catalogues.LANGUAGES and bool(unreviewed_translations(code))

    return {"translation_unreviewed": unreviewed}
