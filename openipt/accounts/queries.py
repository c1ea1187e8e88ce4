"""What the accounts pages read: the organisation's people and its open invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts import access
from openipt.accounts.models import Invitation, Membership, TranslationSignOff
from openipt.core.i18n import catalogues
from openipt.core.i18n.po import Entry
from openipt.protocol import default_protocol
from openipt.protocol.pieces import Piece

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def people(actor: Actor, show: str) -> QuerySet[Membership]:
    """The organisation's people by role and name: the active ones, those turned off, or all ("all")."""
    members = access.visible_memberships(actor).order_by("role", "user__display_name", "user__username")
    if show == "active":
        members = members.filter(is_active=True)
    elif show == "inactive":
        members = members.filter(is_active=False)
    return members


def open_invitations(actor: Actor, limit: int = 50) -> QuerySet[Invitation]:
    """Invitations not accepted and not taken back (at most `limit`)."""
    return access.visible_invitations(actor).filter(accepted_at__isnull=True, revoked_at__isnull=True)[:limit]


def unreviewed_translations(lang: str) -> list[Entry]:
    """The project's translations in a language that nobody has signed off (for this exact wording)."""
    marked = catalogues.marked_unreviewed(lang)
    if not marked:
        return []
    signed = set(TranslationSignOff.objects.filter(language=lang).values_list("msgctxt", "msgid_hash", "msgstr_hash"))
    return [e for e in marked
            if (e.msgctxt or "", catalogues.digest(e.msgid), catalogues.digest(catalogues.translation_text(e))) not in signed]


def translation_overview() -> list[dict[str, object]]:
    """Per language: entries, translated, and how many of those are still unreviewed."""
    rows = []
    for lang in catalogues.LANGUAGES:
        catalogue = catalogues.cached(lang)
        translated = sum(1 for e in catalogue.entries if e.translated and not e.fuzzy)
        rows.append({"lang": lang, "entries": len(catalogue.entries), "translated": translated,
                     "unreviewed": len(unreviewed_translations(lang))})
    return rows


# Content packs (session plans, group guides, reading): reviewed piece by piece --------------------

CONTENT_CONTEXT = "content:"


def content_languages() -> list[str]:
    """The languages with a content pack, other than the English base."""
    protocol = default_protocol()
    return [lang for lang in protocol.languages if lang != protocol.base_language]


def piece_id(piece: Piece) -> str:
    """A short id of a piece and its wording, for forms: a piece whose English or translation changed after the
    page was shown has another id, so a sign-off never covers wording the reviewer did not see."""
    return catalogues.digest(f"{piece.key}\x04{piece.english}\x04{piece.translation}")[:16]


def unreviewed_content(lang: str) -> list[Piece]:
    """The pieces a language's pack translates (wholly or in part) that nobody has signed off for this wording."""
    translated = [p for p in default_protocol().pieces(lang) if p.translated]
    if not translated:
        return []
    signed = set(TranslationSignOff.objects.filter(language=lang, msgctxt__startswith=CONTENT_CONTEXT)
                 .values_list("msgctxt", "msgid_hash", "msgstr_hash"))
    return [p for p in translated
            if (CONTENT_CONTEXT + p.key, catalogues.digest(p.english), catalogues.digest(p.translation)) not in signed]


def content_overview() -> list[dict[str, object]]:
    """Per content pack language: pieces, wholly translated, partly translated, unreviewed, shown in English."""
    rows = []
    for lang in content_languages():
        pieces = default_protocol().pieces(lang)
        whole = sum(1 for p in pieces if p.complete)
        partly = sum(1 for p in pieces if p.translated and not p.complete)
        rows.append({"lang": lang, "pieces": len(pieces), "translated": whole, "partly": partly,
                     "unreviewed": len(unreviewed_content(lang)), "english": len(pieces) - whole})
    return rows
