"""Secure messages for tests, written through the real actions."""

from __future__ import annotations

from openipt.messaging import actions
from tests.support.people import actor

CALM = "Can we move Thursday's session to the afternoon? I have a doctor's appointment."
WORRYING = "Some days I feel like everyone would be better off without me."


def client_writes(world, text: str = CALM):
    """The world's portal client (record "self", cared for by `therapist`) sends a message; return what was sent."""
    return actions.send_from_client(actor(world.m["client"]), text)


def therapist_replies(world, text: str = "Yes, 3 pm on Thursday works. See you then."):
    return actions.reply(actor(world.m["therapist"]), world.clients["self"].pk, text)
