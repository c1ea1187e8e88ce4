"""A client's text messages in the whole-record export, and their erasure (issue 15's data lifecycle)."""

from __future__ import annotations

import pytest

from openipt.clients import record_actions
from openipt.core.errors import ActionError
from openipt.sms import actions
from openipt.sms.models import SmsConsent, SmsMessage
from tests.support.people import actor
from tests.support.sms import PHONES, consent


def test_a_client_still_texted_cannot_be_erased_until_messages_are_stopped(world):
    client = world.clients["mine"]
    consent(world, client, PHONES[0], neutral_name="Maya's Tuesday")
    admin = actor(world.m["admin"])
    with pytest.raises(ActionError) as refused:
        record_actions.erase_record(admin, client.pk, confirm_name="Maya Okafor", reason="Asked.")
    assert "stop all messages" in refused.value.message
    assert SmsConsent.objects.get(client=client).neutral_name == "Maya's Tuesday"  # nothing was wiped

    actions.end_consent(admin, client.pk)
    record_actions.erase_record(admin, client.pk, confirm_name="Maya Okafor", reason="Asked.")
    row = SmsConsent.objects.get(client=client)
    assert row.neutral_name != "Maya's Tuesday" and PHONES[0][-3:] not in row.phone_hint
    assert "sealed" not in row.phone and row.phone_key != actions.phone_key(PHONES[0])
    assert all("Maya" not in m.body for m in SmsMessage.objects.filter(client=client))


def test_two_erased_clients_of_one_organisation_keep_their_wiped_consents(world):
    admin = actor(world.m["admin"])
    first, second = world.clients["mine"], world.clients["theirs"]
    for client, phone in ((first, PHONES[0]), (second, PHONES[1])):
        consent(world, client, phone)
        actions.end_consent(admin, client.pk)
        record_actions.erase_record(admin, client.pk, confirm_name=f"{client.given_name} {client.family_name}",
                                    reason="Asked.")
    assert SmsConsent.objects.filter(client__in=[first, second]).count() == 2
