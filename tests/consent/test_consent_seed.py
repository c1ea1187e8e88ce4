"""The demo: the portal client and the demo couple signed the consent form once, and the others have not."""

from __future__ import annotations

import pytest

from openipt.consent.models import ConsentEvent
from openipt.seed import demo


@pytest.mark.slow
def test_the_demo_portal_logins_signed_the_consent_form_once(db, client):
    demo.load_demo()
    demo.load_demo()
    signed = sorted(ConsentEvent.objects.values_list("client__given_name", "kind", "how", "document__number"))
    assert signed == [
        ("Amara", "signed", "portal", 1),
        ("Karim", "signed", "portal", 1),
        ("Nadia", "signed", "portal", 1),
    ]
    client.post("/account/login/", {"username": "client", "password": demo.DEMO_PASSWORD})
    assert "You signed the consent form on" in client.get("/me/").content.decode()
