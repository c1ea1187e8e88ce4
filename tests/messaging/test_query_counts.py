"""The inbox, a conversation and the Today page run the same number of queries with few and many messages."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from openipt.accounts.models import Role
from openipt.clients.actions import link_portal_user
from openipt.messaging import actions
from tests.support.messaging import client_writes, therapist_replies
from tests.support.people import actor, login, make_client, make_member


def _count(browser, url):
    browser.get(url)  # warm up, and mark what is unread as read
    with CaptureQueriesContext(connection) as ctx:
        response = browser.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _more_clients_writing(world, n):
    for i in range(n):
        someone = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Writer{i}")
        login_ = make_member(world.org, Role.CLIENT)
        link_portal_user(someone, login_.user)
        actions.send_from_client(actor(login_), f"Message number {i}")


def test_the_inbox_and_today_do_not_grow_with_the_number_of_conversations(world, client):
    login(client, world.m["therapist"])
    _more_clients_writing(world, 1)
    small = (_count(client, "/messages/"), _count(client, "/today/"))
    _more_clients_writing(world, 15)
    assert (_count(client, "/messages/"), _count(client, "/today/")) == small


def test_a_conversation_does_not_grow_with_its_length(world, client):
    url = f"/messages/clients/{world.clients['self'].pk}/"
    login(client, world.m["therapist"])
    client_writes(world)
    therapist_replies(world)
    small = _count(client, url)
    for _ in range(10):
        client_writes(world)
        therapist_replies(world)
    client.get(url)
    assert _count(client, url) == small
