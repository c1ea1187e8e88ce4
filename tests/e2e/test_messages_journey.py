"""Secure messages in Chromium: a client writes, the therapist reads and replies, the client reads the reply.

axe runs on every page visited (desktop and a 360-pixel phone), and the CSP must block nothing.
"""

from __future__ import annotations

from openipt.messaging.models import Message
from tests.support.people import PASSWORD, make_world


def test_a_client_writes_the_therapist_reads_and_replies_and_the_client_sees_the_reply(ui):
    world = make_world()
    client_login = world.m["client"].user.username
    therapist = world.m["therapist"]

    # the client opens Messages from the navigation and sends a message (an empty one first is refused)
    ui.sign_in(client_login, PASSWORD)
    ui.page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    ui.check()
    assert "Messages are not for emergencies." in ui.page.content()
    assert ui.page.get_by_text("We reply within 2 working days.").is_visible()
    ui.page.get_by_role("button", name="Send message").click()
    ui.check()
    assert ui.page.get_by_text("Write your message first.").first.is_visible()
    ui.page.get_by_label("Your message").fill("Could we talk about my mother at the next session?")
    ui.page.get_by_role("button", name="Send message").click()
    ui.check()
    assert ui.page.get_by_text("Your message is sent.").is_visible()
    ui.screenshot("messages-client")
    ui.page.set_viewport_size({"width": 360, "height": 740})
    ui.check()  # the same page on a phone
    ui.page.set_viewport_size({"width": 1280, "height": 900})
    ui.sign_out()

    # the therapist sees it on Today, opens the thread (which marks it read) and replies
    ui.sign_in(therapist.user.username, PASSWORD)
    assert ui.page.url.endswith("/today/")
    ui.page.get_by_role("link", name=world.clients["self"].display_name).first.click()
    ui.check()
    assert "Could we talk about my mother at the next session?" in ui.page.content()
    assert ui.page.get_by_text(f"Read by {therapist.user} on", exact=False).is_visible()
    ui.page.get_by_label("Your reply").fill("Yes, let's start with that on Thursday.")
    ui.page.get_by_role("button", name="Send reply").click()
    ui.check()
    assert ui.page.get_by_text("The client has not read this yet").is_visible()
    ui.screenshot("messages-thread")
    ui.goto("/messages/")
    ui.sign_out()

    # the client reads the reply; the therapist then sees when it was read
    ui.sign_in(client_login, PASSWORD)
    ui.goto("/messages/mine/")
    assert ui.page.get_by_text("Yes, let's start with that on Thursday.").is_visible()
    assert Message.objects.get(from_client=False).read_by == world.m["client"]
    ui.sign_out()
    ui.sign_in(therapist.user.username, PASSWORD)
    ui.goto(f"/messages/clients/{world.clients['self'].pk}/")
    assert ui.page.get_by_text("The client read this on", exact=False).is_visible()

    # the admin's reply-time setting page passes axe too
    ui.sign_out()
    ui.sign_in(world.m["admin"].user.username, PASSWORD)
    ui.goto("/messages/settings/")
    ui.page.get_by_label("We reply to a client's message within").select_option("3")
    ui.page.get_by_role("button", name="Save").click()
    ui.check()
    assert ui.page.get_by_text("We reply within 3 working days.").is_visible()
