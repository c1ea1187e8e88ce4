"""The Messages pages as a client and as staff: what each sees, what they may do, and what is kept on a refusal."""

from __future__ import annotations

from django.urls import reverse

from openipt.messaging import actions
from openipt.messaging.models import MAX_LENGTH, Message
from openipt.safety.models import Alert
from tests.support.messaging import WORRYING, client_writes, therapist_replies
from tests.support.pages import text
from tests.support.people import actor, login

MINE = "/messages/mine/"


def _thread(world):
    return reverse("messaging:thread", args=[world.clients["self"].pk])


def test_the_client_page_states_the_reply_time_and_that_it_is_not_for_emergencies(world, client):
    actions.set_reply_days(actor(world.m["admin"]), 3, expected_version=0)
    login(client, world.m["client"])
    page = text(client.get(MINE))
    assert "We reply within 3 working days." in page
    assert "Messages are not for emergencies." in page
    assert f'href="{reverse("safety:help")}">Get help now</a>' in page


def test_one_working_day_is_said_without_a_plural(world, client):
    actions.set_reply_days(actor(world.m["admin"]), 1, expected_version=0)
    login(client, world.m["client"])
    assert "We reply within 1 working day." in text(client.get(MINE))


def test_a_client_sends_a_message_and_sees_it_in_the_conversation(world, client):
    login(client, world.m["client"])
    response = client.post(MINE, {"body": "Can we talk about my sister on Thursday?"}, follow=True)
    page = text(response)
    assert "Your message is sent." in page
    assert "You wrote" in page and "Can we talk about my sister on Thursday?" in page
    assert Message.objects.filter(client=world.clients["self"], from_client=True).count() == 1


def test_a_double_press_sends_the_message_once(world, client):
    login(client, world.m["client"])
    data = {"body": "Only once please", "submission_key": "k" * 32}
    client.post(MINE, data)
    client.post(MINE, data)
    assert Message.objects.filter(body="Only once please").count() == 1


def test_html_in_a_message_is_shown_as_text(world, client):
    client_writes(world, '<script>alert("x")</script><b>bold</b>')
    login(client, world.m["client"])
    raw = client.get(MINE).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in raw
    assert "<b>bold</b>" not in raw


def test_an_empty_or_too_long_message_is_refused_and_what_was_typed_stays(world, client):
    login(client, world.m["client"])
    page = text(client.post(MINE, {"body": "   "}))
    assert "Write your message first." in page
    long = "My week was long. " * 300
    assert len(long.strip()) > MAX_LENGTH
    response = client.post(MINE, {"body": long})
    page = text(response)
    assert response.status_code == 200
    assert "the most is 4,000" in page and "Your words are still in the box." in page
    assert long.strip()[:200] in page  # the draft is back in the box
    assert not Message.objects.exists()


def test_a_worrying_message_too_long_to_send_is_refused_kept_in_the_box_and_still_raises_one_alert(
    world, client
):
    login(client, world.m["client"])
    long = WORRYING + " " + "x" * 4100
    response = client.post(MINE, {"body": long})
    page = text(response)
    assert response.status_code == 200
    assert "the most is 4,000" in page and "Your words are still in the box." in page
    assert long[:300] in page  # the draft is back in the box
    assert not Message.objects.exists()
    [alert] = Alert.objects.filter(client=world.clients["self"])
    assert alert.source == "messaging.message" and alert.source_id == "" and WORRYING in alert.text


def test_risk_words_at_the_end_of_a_very_long_refused_message_still_raise_an_alert(world, client):
    login(client, world.m["client"])
    client.post(MINE, {"body": "My week was long. " * 600 + WORRYING})
    assert not Message.objects.exists()
    assert Alert.objects.filter(client=world.clients["self"], source="messaging.message").count() == 1


def test_an_empty_message_raises_no_alert(world, client):
    login(client, world.m["client"])
    client.post(MINE, {"body": "  \n "})
    assert not Alert.objects.exists()


def test_a_worrying_message_raises_an_alert_and_the_client_sees_the_crisis_contacts(world, client):
    login(client, world.m["client"])
    response = client.post(MINE, {"body": WORRYING}, follow=True)
    page = text(response)
    assert Alert.objects.filter(client=world.clients["self"], source_type="messaging.message").count() == 1
    assert "Your message is sent." in page and WORRYING in page
    assert (
        "You are not alone. Help is here." in page
    )  # the crisis box every portal page shows after a risk signal


def test_the_alert_links_to_the_message_for_staff(world, client):
    sent = client_writes(world, WORRYING)
    [alert] = sent.alerts
    login(client, world.m["therapist"])
    page = text(client.get(reverse("safety:alert", args=[alert.pk])))
    link = f"{_thread(world)}#message-{sent.message.pk}"
    assert f'<a href="{link}">Open the message</a>' in page
    assert "Words in a secure message to the care team" in page
    thread = text(client.get(_thread(world)))
    assert f'id="message-{sent.message.pk}"' in thread


def test_the_alert_shows_the_message_link_only_to_those_who_may_read_the_thread(world, client):
    sent = client_writes(world, WORRYING)
    [alert] = sent.alerts
    link = f"{_thread(world)}#message-{sent.message.pk}"
    for role, shown in (("therapist", True), ("supervisor", True), ("admin", False)):
        login(client, world.m[role])
        response = client.get(reverse("safety:alert", args=[alert.pk]))
        assert response.status_code == 200, role
        page = text(response)
        assert ("Open the message" in page) is shown, role
        assert (link in page) is shown, role
        # like every alert, one raised by a message shows the words that raised it to whoever handles alerts
        assert "better off without me" in page, role
        if shown:
            assert client.get(_thread(world)).status_code == 200, role


def test_the_client_sees_the_reply_and_reading_it_is_recorded(world, client):
    client_writes(world)
    reply = therapist_replies(world, "Yes, 3 pm on Thursday works.")
    login(client, world.m["client"])
    page = text(client.get(MINE))
    assert f"{world.m['therapist'].user} wrote" in page and "Yes, 3 pm on Thursday works." in page
    reply.refresh_from_db()
    assert reply.read_by == world.m["client"] and reply.read_at is not None


def test_the_therapist_inbox_counts_unread_and_opening_the_thread_reads_them(world, client):
    client_writes(world, "First")
    client_writes(world, "Second")
    login(client, world.m["therapist"])
    inbox = text(client.get("/messages/"))
    assert "2 messages from your clients are not read yet." in inbox
    assert "2 new messages" in inbox and world.clients["self"].display_name in inbox
    assert client.get(reverse("nav_count", args=["messaging:inbox"])).content.decode() == " (2)"
    page = text(client.get(_thread(world)))
    assert "First" in page and "Second" in page
    assert f"Read by {world.m['therapist'].user} on" in page
    assert "0 messages from your clients are not read yet." in text(client.get("/messages/"))
    assert client.get(reverse("nav_count", args=["messaging:inbox"])).content.decode() == ""


def test_the_therapist_replies_and_sees_when_the_client_read_it(world, client):
    client_writes(world)
    login(client, world.m["therapist"])
    page = text(client.post(_thread(world), {"body": "See you Thursday."}, follow=True))
    assert "Reply sent." in page and "The client has not read this yet" in page
    actions.open_thread(actor(world.m["client"]), world.clients["self"])
    assert "The client read this on" in text(client.get(_thread(world)))


def test_an_empty_reply_is_refused_beside_the_box(world, client):
    login(client, world.m["therapist"])
    page = text(client.post(_thread(world), {"body": ""}))
    assert "Write your reply first." in page and not Message.objects.exists()


def test_a_supervisor_reads_without_a_reply_box_and_may_not_post(world, client):
    client_writes(world)
    login(client, world.m["supervisor"])
    response = client.get(_thread(world))
    page = text(response)
    assert response.status_code == 200 and "Send reply" not in page
    assert "Not read by the care team yet" in page  # looking on does not count as the care team reading
    assert client.post(_thread(world), {"body": "Hello"}).status_code == 403
    assert Message.objects.filter(from_client=False).count() == 0


def test_the_today_page_lists_clients_with_unread_messages(world, client):
    client_writes(world)
    login(client, world.m["therapist"])
    page = text(client.get("/today/"))
    assert "Messages not read yet" in page and "1 new message" in page
    assert _thread(world) in page
    client.get(_thread(world))
    assert "You have read every message from your clients." in text(client.get("/today/"))


def test_the_portal_start_page_says_when_a_reply_is_waiting(world, client):
    client_writes(world)
    therapist_replies(world)
    login(client, world.m["client"])
    page = text(client.get("/me/"))
    assert "You have 1 new message from your care team." in page
    client.get(MINE)
    assert "You can write to your care team between sessions." in text(client.get("/me/"))


def test_an_admin_sets_the_reply_time_on_the_settings_page(world, client):
    login(client, world.m["admin"])
    assert "Message reply time" in text(client.get(reverse("accounts:settings")))
    response = client.post(reverse("messaging:settings"), {"reply_days": "4", "version": "0"}, follow=True)
    assert "Reply time saved." in text(response) and actions.reply_days(world.org.pk) == 4
    page = text(client.post(reverse("messaging:settings"), {"reply_days": "99", "version": "1"}))
    assert "Choose a number of working days from the list." in page and actions.reply_days(world.org.pk) == 4


def test_the_audit_log_reads_message_events_in_words(world, client):
    client_writes(world)
    login(client, world.m["admin"])
    page = text(client.get(reverse("audit:log")))
    assert 'data-label="What">Secure message sent<br><span class="oi-muted">From: client; Length: ' in page


def test_without_a_care_team_the_message_is_refused_kept_in_the_box_and_still_checked_for_risk(world, client):
    from openipt.clients.models import Assignment

    Assignment.objects.filter(client=world.clients["self"]).delete()
    login(client, world.m["client"])
    assert "Nobody from your care team is linked to your messages yet" in text(client.get(MINE))
    page = text(client.post(MINE, {"body": WORRYING}))
    assert "so this message was not sent" in page and "Your words are still in the box." in page
    assert WORRYING in page  # the draft is back in the box
    assert not Message.objects.exists()
    # nobody could read the message, but the risk signal in it is not dropped
    assert Alert.objects.filter(client=world.clients["self"], source="messaging.message").count() == 1
    assert "You are not alone. Help is here." in page


def test_the_client_record_links_to_the_messages_for_those_who_may_read_them(world, client):
    client_writes(world)
    record = reverse("clients:detail", args=[world.clients["self"].pk])
    for role, shown in (("therapist", True), ("supervisor", True), ("admin", False)):
        login(client, world.m[role])
        page = text(client.get(record))
        assert ("1 message from the client is not read yet." in page) is shown, role
        assert (f'href="{_thread(world)}"' in page) is shown, role
