"""Demo data for consent: the demo portal client (Amara Haddad) and both partners of the demo couple signed the
shipped form in the portal; the other demo clients have not signed yet, so the records show both states. The
setting "Consent required before a course starts" stays off in the demo."""

from __future__ import annotations

from openipt.accounts.actor import Actor
from openipt.consent import access, actions
from openipt.consent.models import ConsentEvent
from openipt.consent.queries import records

SIGNERS = (("client", "Amara Haddad"), ("nadia", "Nadia Rahman"), ("karim", "Karim Rahman"))


def add_demo_consent(world) -> None:
    """Each demo portal login signs the current form once (idempotent)."""
    for username, name in SIGNERS:
        member = world.members.get(username)
        client = access.own_client(Actor(member)) if member is not None else None
        if client is None or ConsentEvent.objects.filter(client=client).exists():
            continue
        number = records.current_document(client.organisation_id).number
        actions.sign_own(Actor(member), version=number, agree=True, name=name)


DEMO_STEPS = (add_demo_consent,)
