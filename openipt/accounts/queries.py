"""What the accounts pages read: the organisation's people and its open invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openipt.accounts import access
from openipt.accounts.models import Invitation, Membership, TranslationSignOff
from openipt.core.i18n import catalogues
from openipt.core.i18n.po import Entry

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
