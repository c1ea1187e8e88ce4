"""The facilitator-mode sync endpoint with hostile or incomplete changes: refused one by one, nothing lost."""

from __future__ import annotations

import json

import pytest

from openipt.groups import session_actions
from openipt.groups.models import Attendance, GroupSession
from tests.support.groups import running_group
from tests.support.people import actor


@pytest.fixture
def running(world):
    return running_group(world)


def _sync(web, grp, changes, number=3):
    body = changes if isinstance(changes, (str, bytes)) else json.dumps({"changes": changes})
    return web.post(f"/groups/{grp.pk}/sessions/{number}/sync/", body, content_type="application/json")


def _notes(grp, number=3):
    return GroupSession.objects.get(group=grp, number=number).notes


def test_a_notes_change_without_text_is_refused_and_the_notes_stay(world, running, as_member):
    grp, _members = running
    session_actions.save_notes(actor(world.m["facilitator"]), grp.pk, 3, "Ruth spoke about her sister.", None)
    web = as_member(world.m["facilitator"])
    for i, data in enumerate([{}, {"version": 1}, {"text": None}, {"text": 5}, {"text": ["a"]}]):
        result = _sync(web, grp, [{"key": f"n{i}", "kind": "notes", "data": data}]).json()["results"][0]
        assert result["ok"] is False and result["code"] == "incomplete" and "nothing was changed" in result["error"]
    assert _notes(grp) == "Ruth spoke about her sister."
    # An empty text on purpose still clears them: that is a real change the facilitator made.
    assert _sync(web, grp, [{"key": "n9", "kind": "notes", "data": {"text": ""}}]).json()["results"][0]["ok"]
    assert _notes(grp) == ""


@pytest.mark.parametrize("kind, data", [
    ("will_try", {"member": "M"}), ("mark", {"member": "M"}), ("check", {"member": "M"}), ("steps", {}),
    ("mark", {"presence": "present"}),
])
def test_every_kind_of_change_must_carry_what_it_changes(world, running, as_member, kind, data):
    grp, members = running
    data = {k: (members[0].pk if v == "M" else v) for k, v in data.items()}
    result = _sync(as_member(world.m["facilitator"]), grp, [{"key": "k1", "kind": kind, "data": data}]).json()
    assert result["results"][0]["ok"] is False and result["results"][0]["code"] == "incomplete"
    assert not Attendance.objects.filter(session__group=grp).exists()


def test_nul_characters_are_removed_and_the_rest_of_the_batch_is_saved(world, running, as_member):
    grp, members = running
    web = as_member(world.m["facilitator"])
    response = _sync(web, grp, [
        {"key": "a\x00", "kind": "notes", "data": {"text": "Notes\x00 with a NUL"}},
        {"key": "b1", "kind": "will_try", "data": {"member": members[0].pk, "text": "Call\x00 my mother"}},
        {"key": "b2", "kind": "mark", "data": {"member": members[1].pk, "presence": "present"}},
    ])
    assert response.status_code == 200
    assert all(r["ok"] for r in response.json()["results"])
    assert _notes(grp) == "Notes with a NUL"
    assert Attendance.objects.get(member=members[0]).will_try == "Call my mother"
    assert Attendance.objects.get(member=members[1]).presence == "present"


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,
    '{"changes": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"changes": [{"key": "x", "kind": "notes", "data": {"text": NaN}}]}',
    b"\xff\xfe not utf-8",
])
def test_deep_or_unreadable_json_is_a_400_with_a_message(world, running, as_member, body):
    grp, _members = running
    response = _sync(as_member(world.m["facilitator"]), grp, body)
    assert response.status_code == 400
    assert "could not be read" in response.json()["error"] and response.json()["detail"]


def test_changes_sent_as_a_form_instead_of_json_are_a_400(world, running, as_member):
    grp, _members = running
    web = as_member(world.m["facilitator"])
    response = web.post(f"/groups/{grp.pk}/sessions/3/sync/", {"changes": "x"})  # multipart form data
    assert response.status_code == 400 and "application/json" in response.json()["detail"]
