"""Consent for tests: the setting, a portal signature, a paper signature and a withdrawal, through the real actions."""

from __future__ import annotations

from django.utils import timezone

from openipt.consent import actions
from openipt.consent.queries import records
from tests.support.people import actor


def require_consent(world, on: bool = True, who: str = "admin"):
    """Turn "Consent required before a course starts" on (or off) for the world's organisation."""
    saved = records.settings_for(world.m[who].organisation_id)
    return actions.update_settings(
        actor(world.m[who]), required_before_start=on, expected_version=saved.version
    )


def current_version(world) -> int:
    return records.current_document(world.org.pk).number


def sign_in_portal(world, who: str = "client", name: str = "Sam Client"):
    """The portal client signs the current form."""
    return actions.sign_own(actor(world.m[who]), version=current_version(world), agree=True, name=name)


def record_paper(world, client, who: str = "therapist", name: str = "Maya Okafor"):
    """Staff record that a client signed the current form on paper today."""
    return actions.record_paper(
        actor(world.m[who]),
        client.pk,
        version=current_version(world),
        name=name,
        signed_on=timezone.localdate(),
    )


def withdraw_in_portal(world, who: str = "client", note: str = ""):
    """The portal client takes back their consent; the note is screened for risk first, as the page does."""
    actions.screen_withdrawal_note(actor(world.m[who]), note)
    return actions.withdraw_own(actor(world.m[who]), confirm=True, note=note)
