"""The SMS pages as staff use them, and the gateway's callback addresses with any body at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openipt.sms import actions, outbox_actions
from openipt.sms.models import Outcome, SmsConsent, SmsReply
from tests.support.people import actor
from tests.support.sms import PHONES, consent, evening_before, group_tomorrow

FORM = {"phone": "+254 712 000 101", "neutral_name": "Tuesday group", "language": "sw", "reminders": "on",
        "checkins": "on", "submission_key": "k" * 32}


def test_staff_record_consent_on_the_clients_page_and_print_the_card(world, as_member):
    client = world.clients["mine"]
    browser = as_member(world.m["therapist"])
    detail = browser.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert reverse("sms:consent", args=[client.pk]) in detail and "Text messages (SMS)" in detail
    page = browser.get(reverse("sms:consent", args=[client.pk])).content.decode()
    assert "Thoughts that you would be better off dead" in page and "For example: 1 0 0" in page
    assert reverse("sms:card", args=[client.pk]) in page
    assert "Tuesday group: time for your check-in. Reply with your 3 numbers, like 1 0 0." in page
    response = browser.post(reverse("sms:consent", args=[client.pk]), FORM)
    assert response.status_code == 302
    row = SmsConsent.objects.get(client=client)
    assert (row.language, row.checkins, row.crisis_texts, row.phone_hint) == ("sw", True, False, "…101")
    page = browser.get(reverse("sms:consent", args=[client.pk])).content.decode()
    assert "+254712000101" not in page and "…101" in page


def test_a_bad_number_is_shown_next_to_the_field_and_the_rest_is_kept(world, as_member):
    client = world.clients["mine"]
    response = as_member(world.m["therapist"]).post(reverse("sms:consent", args=[client.pk]),
                                                    {**FORM, "phone": "0712 000 101"})
    page = response.content.decode()
    assert response.status_code == 200 and "with + and the country code" in page and 'value="Tuesday group"' in page
    assert not SmsConsent.objects.exists()


def test_a_supervisor_sees_the_choices_but_cannot_change_them(world, as_member):
    consent(world, world.clients["mine"])
    browser = as_member(world.m["supervisor"])
    assert browser.get(reverse("sms:consent", args=[world.clients["mine"].pk])).status_code == 200
    assert browser.post(reverse("sms:consent", args=[world.clients["mine"].pk]), FORM).status_code == 403


def test_the_sms_page_names_clients_only_to_staff_who_may_see_them(world, as_member):
    _grp, members = group_tomorrow(world, members=1)
    consent(world, members[0].client, PHONES[0])
    outbox_actions.send_due(evening_before())
    admin_page = as_member(world.m["admin"]).get(reverse("sms:outbox")).content.decode()
    assert members[0].client.display_name in admin_page and "Delivered" in admin_page
    therapist_page = as_member(world.m["therapist"]).get(reverse("sms:outbox")).content.decode()
    assert members[0].client.display_name not in therapist_page and "time for your check-in" not in therapist_page


def test_the_admin_sets_the_gateway_and_the_key_is_never_shown(world, as_member):
    browser = as_member(world.m["admin"])
    response = browser.post(reverse("sms:settings"), {
        "backend": "africastalking", "username": "sandbox", "api_key": "atsk_secret_value_1", "sender": "",
        "sandbox": "on", "daily_limit": "30", "send_hour": "18"})
    assert response.status_code == 302
    page = browser.get(reverse("sms:settings")).content.decode()
    assert "atsk_secret_value_1" not in page and "atsk…" in page
    row = actions.settings_for(world.org.pk)
    assert reverse("sms:inbound", args=[row.inbound_token]) in page and row.daily_limit == 30


@pytest.fixture
def token(world):
    return actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                                 sandbox=True, daily_limit=50, send_hour=17).inbound_token


@pytest.mark.parametrize("body, content_type", [
    (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"), (b"{not json", "application/json"),
    (b"[1, 2]", "application/json"), (b"text=hello", "application/x-www-form-urlencoded"),
    (b"from=%2B254712000101&text=" + b"9" * 5000, "application/x-www-form-urlencoded"), (b"", "text/plain"),
    (b"a" * 30000, "text/plain"), (b"[" * 5000 + b"]" * 5000, "application/json"),
    (b"from=%2B254712000101&text=1%000%000", "application/x-www-form-urlencoded"),
    (b'{"from": "+254712000101", "text": "\\u0000 \\ud800"}', "application/json"),
])
def test_any_body_posted_to_the_inbound_address_is_kept_never_a_server_error(client, world, token, body, content_type):
    response = client.post(reverse("sms:inbound", args=[token]), body, content_type=content_type)
    assert response.status_code == 200
    assert SmsReply.objects.count() == 1


def test_a_wrong_address_is_not_found_and_a_get_is_refused(client, world, token):
    assert client.post(reverse("sms:inbound", args=["x" * 43]), {"from": PHONES[0], "text": "1 0 0"}).status_code == 404
    assert client.get(reverse("sms:inbound", args=[token])).status_code == 405
    assert client.post(reverse("sms:delivery", args=[token]), {"id": "nope", "status": "Success"}).status_code == 200
    assert not SmsReply.objects.exists()


def test_an_inbound_reply_from_an_unknown_number_is_listed_for_the_admin(client, world, token, as_member):
    client.post(reverse("sms:inbound", args=[token]), {"from": "+255700000999", "text": "who is this?"})
    assert SmsReply.objects.get().outcome == Outcome.UNKNOWN
    page = as_member(world.m["admin"]).get(reverse("sms:outbox")).content.decode()
    assert "who is this?" in page and "Unknown number ending …999" in page


def test_changing_the_choices_keeps_the_saved_number_when_the_box_is_left_empty(world, as_member):
    client = world.clients["mine"]
    made = consent(world, client)
    browser = as_member(world.m["therapist"])
    response = browser.post(reverse("sms:consent", args=[client.pk]),
                            {**FORM, "phone": "", "neutral_name": "Friday club", "version": made.version})
    assert response.status_code == 302
    row = SmsConsent.objects.get(client=client)
    assert (row.neutral_name, row.phone_hint, row.phone_key) == ("Friday club", made.phone_hint, made.phone_key)


def test_the_printed_card_has_the_published_wording_and_no_menu(world, as_member):
    consent(world, world.clients["mine"])
    page = as_member(world.m["therapist"]).get(reverse("sms:card", args=[world.clients["mine"].pk])).content.decode()
    assert "<h1>Tuesday group</h1>" in page and "Little interest or pleasure in doing things" in page
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in page
    assert "0 = Not at all" in page and "3 = Nearly every day" in page and "oi-nav" not in page


def test_worrying_words_from_an_unknown_number_come_first_on_the_sms_page(world, as_member):
    from openipt.sms import inbound_actions

    actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                          sandbox=True, daily_limit=100, send_hour=17)
    row = actions.settings_for(world.org.pk)
    inbound_actions.receive(row, {"from": "+255700000998", "text": "I want to kill myself tonight", "id": "u-1"}, b"")
    inbound_actions.receive(row, {"from": "+255700000999", "text": "hello who is this", "id": "u-2"}, b"")
    page = as_member(world.m["admin"]).get(reverse("sms:outbox")).content.decode()
    assert "worrying words from a number we do not know" in page
    assert page.index("I want to kill myself tonight") < page.index("hello who is this")
