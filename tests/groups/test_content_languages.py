"""A facilitator reads the group session steps in their language, and a step the pack lacks in English with a mark."""

from __future__ import annotations

import pytest

from openipt.accounts.models import User
from openipt.groups import actions
from openipt.protocol import load_protocol
from openipt.protocol.loader import CONTENT_ROOT
from tests.protocol.test_content_language_packs import _copy_sw, _without_step
from tests.support.groups import client_of, group, screen
from tests.support.people import actor

MARK = "oi-in-english"


@pytest.fixture
def running(world):
    grp = group(world, weeks_ago=2)
    members = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world, given_name=f"Member{i}").pk)
               for i in range(4)]
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    return grp


def _choose(membership, code: str) -> None:
    User.objects.filter(pk=membership.user_id).update(language=code)


def test_facilitator_mode_in_swahili_shows_every_step_in_swahili_without_a_mark(world, running, as_member):
    _choose(world.m["facilitator"], "sw")
    page = as_member(world.m["facilitator"]).get(f"/groups/{running.pk}/sessions/1/").content.decode()
    assert "Kikao cha kwanza cha kikundi" in page and "Wakaribishe wote" in page and "Kubalianeni kanuni za kikundi" in page
    assert "Welcome everyone" not in page and MARK not in page


def test_a_step_the_swahili_pack_lacks_is_shown_in_english_with_the_mark_and_the_rest_in_swahili(
        world, running, as_member, tmp_path, monkeypatch):
    protocol = load_protocol(CONTENT_ROOT / "en", [_without_step(_copy_sw(tmp_path), "group.first.rules")])
    monkeypatch.setattr("openipt.courses.present.default_protocol", lambda: protocol)
    _choose(world.m["facilitator"], "sw")
    page = as_member(world.m["facilitator"]).get(f"/groups/{running.pk}/sessions/1/").content.decode()
    assert "Agree the group rules" in page and "Kubalianeni kanuni" not in page
    assert page.count(MARK) == 1
    mark_at, step_at = page.index(MARK), page.index("Agree the group rules")
    assert 0 < mark_at - step_at < 400  # beside that step
    assert '<strong lang="en">Agree the group rules</strong>' in page
    assert "Wakaribishe wote" in page and "Kila mwanakikundi anataja lengo" in page
    # The printed guide carries the same mark (its HTML, before it becomes a PDF).
    from django.template.loader import render_to_string
    from django.utils import translation

    from openipt.groups.models import GroupSession
    from openipt.groups.printables import _base
    session = GroupSession.objects.get(group=running, number=1)
    with translation.override("sw"):
        html = render_to_string("groups/print/guide.html", _base(actor(world.m["facilitator"]), session))
    assert html.count(MARK) == 1 and "Wakaribishe wote" in html and "Agree the group rules" in html


def test_the_pre_group_meeting_steps_are_in_spanish_for_a_spanish_reader(world, running, as_member):
    _choose(world.m["facilitator"], "es")
    page = as_member(world.m["facilitator"]).get(f"/groups/{running.pk}/meetings/new/pre_group/").content.decode()
    assert "Pregunte por su seguridad" in page and "Dé esperanza" in page and MARK not in page
