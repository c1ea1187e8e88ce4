"""List pages keep the same number of queries as data grows: my ratings, sign-offs."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openipt.supervision import actions as sup
from tests.support.competency import assess
from tests.support.people import actor, login, make_member
from tests.support.supervision import held, rate


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_my_ratings_page_query_count_is_constant(world, client, course):
    rate(world, held(world, course), comment="one")
    login(client, world.m["therapist"])
    little = _count(client, reverse("supervision:mine"))
    for i in range(6):
        rating = rate(world, held(world, course), comment=f"more {i}")
        if i % 2:
            sup.reply(actor(world.m["therapist"]), rating.pk, text="thanks")
    assert _count(client, reverse("supervision:mine")) == little


def test_signoff_page_query_count_is_constant(world, client):
    assess(world.m["admin"], world.m["facilitator"])
    sup.sign_off(actor(world.m["admin"]), world.m["facilitator"].pk, competency="group_lead")
    login(client, world.m["admin"])
    little = _count(client, reverse("supervision:signoffs"))
    for _ in range(5):
        member = make_member(world.org, "facilitator", supervisor=world.m["supervisor"])
        assess(world.m["admin"], member)
        made = sup.sign_off(actor(world.m["admin"]), member.pk, competency="group_lead")
        sup.withdraw_sign_off(actor(world.m["admin"]), made.pk, reason="test")
        sup.sign_off(actor(world.m["admin"]), member.pk, competency="group_lead")
    assert _count(client, reverse("supervision:signoffs")) == little


def test_the_competency_pages_query_counts_are_constant(world, client):
    trainee = world.m["facilitator"]
    assess(world.m["admin"], trainee, 3)
    login(client, world.m["admin"])
    pages = [reverse("supervision:competency"), reverse("supervision:competency_trainee", args=[trainee.pk])]
    little = [_count(client, url) for url in pages]
    for n in range(4):
        other = make_member(world.org, "facilitator", username=f"trainee-q{n}")
        assess(world.m["admin"], other, 2, warmth=1)
        assess(world.m["admin"], trainee, 4 if n % 2 else 2, risk=1)
    assert [_count(client, url) for url in pages] == little
