"""What the SMS pages and the client panel show: rows in a fixed number of queries, whatever the data's size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from openipt.clients.access import visible_clients
from openipt.clients.models import Client
from openipt.measures import instruments
from openipt.sms import access
from openipt.sms.actions import settings_for
from openipt.sms.models import SmsConsent, SmsMessage, SmsReply, SmsSettings, Status

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

PAGE_ROWS = 50


@dataclass
class OutboxPage:
    messages: list[tuple[SmsMessage, str]]
    waiting: list[tuple[SmsReply, str]]
    recent_replies: list[tuple[SmsReply, str]]
    settings: SmsSettings
    counts: dict[str, int]


def outbox(actor: Actor, now: Any) -> OutboxPage:
    """The latest messages, the replies waiting for a person, and today's count against the limit."""
    from openipt.sms.outbox_actions import sent_today

    messages = list(access.visible_messages(actor).order_by("-created_at", "-pk")[:PAGE_ROWS])
    # Worrying words from a number we do not know come first: there is no client, so no alert, to show them.
    waiting = list(access.visible_replies(actor).filter(needs_person=True, handled_at__isnull=True)
                   .order_by("-urgent", "-received_at", "-pk")[:PAGE_ROWS])
    recent = list(access.visible_replies(actor).exclude(needs_person=True, handled_at__isnull=True)
                  .order_by("-received_at", "-pk")[:PAGE_ROWS])
    ids = {m.client_id for m in messages if m.client_id} | {r.client_id for r in waiting + recent if r.client_id}
    names = {c.pk: c.display_name for c in visible_clients(actor).filter(pk__in=ids)}
    row = settings_for(actor.organisation_id)
    counts = {"today": sent_today(actor.organisation_id, now), "limit": row.daily_limit,
              "held": access.visible_messages(actor).filter(status=Status.HELD).count()}
    return OutboxPage([(m, names.get(m.client_id or 0, m.to_hint)) for m in messages],
                      [(r, names.get(r.client_id or 0, r.from_hint)) for r in waiting],
                      [(r, names.get(r.client_id or 0, r.from_hint)) for r in recent], row, counts)


def open_urgent_count(actor: Actor) -> int:
    """Worrying messages from unknown numbers nobody has closed yet, for those who close them (else 0)."""
    if not access.can_handle_unknown(actor):
        return 0
    return SmsReply.objects.filter(organisation_id=actor.organisation_id, client__isnull=True, urgent=True,
                                   handled_at__isnull=True).count()


def today_panel_context(request: Any, _obj: object) -> dict[str, Any] | None:
    """On Today, for an admin or the safeguarding lead: the urgent messages from unknown numbers still open."""
    actor = getattr(request, "actor", None)
    count = open_urgent_count(actor) if actor is not None else 0
    return {"count": count} if count else None


def consent_of(client: Client) -> SmsConsent | None:
    return SmsConsent.objects.filter(client=client).first()


def recent_for_client(client: Client) -> tuple[list[SmsMessage], list[SmsReply]]:
    messages = list(SmsMessage.objects.filter(client=client).order_by("-created_at", "-pk")[:10])
    got = list(SmsReply.objects.filter(client=client).order_by("-received_at", "-pk")[:10])
    return messages, got


def client_panel_context(request: Any, client: Client) -> dict[str, Any] | None:
    """On the staff view of a record: whether the client gets text messages, and a link to their SMS choices."""
    actor = getattr(request, "actor", None)
    if actor is None or not access.can_view_consent(actor, client):
        return None
    consent = consent_of(client)
    waiting = SmsReply.objects.filter(client=client, needs_person=True, handled_at__isnull=True).count()
    return {"client": client, "consent": consent, "waiting": waiting}


def alert_source_link(client_id: int, source_id: str) -> str:
    """Where an SMS reply that raised a risk alert is shown to staff: the client's SMS page, at its replies."""
    return reverse("sms:consent", args=[client_id]) + "#replies"


def can_open_alert_source(actor: Actor, client_id: int) -> bool:
    """Staff who may see the client see "Open the text message" on an alert raised by an SMS reply."""
    return access.client_for_staff(actor, client_id) is not None


@dataclass
class Card:
    """The three check-in questions in the published PHQ wording (never translated by the project), and the answers."""

    instructions: str
    questions: list[str]
    answers: list[tuple[int, str]]
    source: str


CARD_ITEMS = ("q1", "q2", "q9")  # PHQ-2 (PHQ-9 questions 1 and 2) and PHQ-9 question 9, in the order of a reply


def checkin_card() -> Card:
    phq9 = instruments.get("phq9")
    if phq9 is None:  # pragma: no cover - the PHQ-9 ships with OpenIPT
        return Card("", [], [], "")
    by_id = {item.id: item for item in phq9.items}
    first = by_id["q1"]
    return Card(phq9.instructions, [by_id[code].text for code in CARD_ITEMS],
                [(option.value, option.label) for option in first.options], phq9.source)
