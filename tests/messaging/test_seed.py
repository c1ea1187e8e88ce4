"""Demo messages for the demo client, loaded once, and what the demo logins see of them."""

from __future__ import annotations

import pytest

from openipt.audit.actions import verify_chain
from openipt.messaging.models import Message
from openipt.seed import demo
from tests.support.pages import text


@pytest.mark.slow
def test_the_demo_client_and_therapist_have_a_conversation_with_one_message_unread_loaded_once(db, client):
    demo.load_demo()
    assert Message.objects.count() == 3
    demo.load_demo()
    assert Message.objects.count() == 3
    assert verify_chain().ok
    client.post("/account/login/", {"username": "therapist", "password": demo.DEMO_PASSWORD})
    assert "Amara Haddad" in text(client.get("/today/")) and "1 new message" in text(client.get("/today/"))
    client.post("/account/logout/")
    client.post("/account/login/", {"username": "client", "password": demo.DEMO_PASSWORD})
    page = text(client.get("/messages/mine/"))
    assert "Thanks for letting me know, Amara." in page and "We reply within 2 working days." in page
