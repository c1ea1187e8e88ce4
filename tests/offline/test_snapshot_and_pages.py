"""What a tablet receives (only its owner's own groups), the offline limit, and the pages that list tablets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.accounts.models import Role
from openipt.groups import session_actions
from openipt.groups.models import Programme
from openipt.offline.models import Device
from tests.offline.helpers import enrol, supervised_by
from tests.support.groups import client_of, group, programme, running_group, screen
from tests.support.people import actor, make_member


def test_the_snapshot_holds_only_the_owners_own_groups(world, as_member):
    grp, members = running_group(world)
    someone = make_member(world.org, Role.FACILITATOR)
    theirs = group(world, grp.programme, name="Their group", facilitator_id=someone.pk)
    tablet = enrol(as_member, world.m["facilitator"])
    data = tablet.snapshot().json()
    assert [g["id"] for g in data["groups"]] == [grp.pk]
    assert theirs.pk not in [g["id"] for g in data["groups"]]
    # the other facilitator's tablet holds their group only, and none of this group's members
    other = enrol(as_member, someone)
    other_data = other.snapshot().json()
    assert [g["id"] for g in other_data["groups"]] == [theirs.pk]
    names = {m.client.display_name for m in members}
    assert not names & {m["name"] for g in other_data["groups"] for m in g["members"]}


def test_someone_in_another_organisation_gets_nothing_of_it(world, as_member):
    running_group(world)
    assert as_member(world.m["other_admin"]).post("/offline/devices/", {}).status_code == 400
    assert as_member(world.m["other_therapist"]).get("/offline/devices/stale/").status_code == 403
    tablet = enrol(as_member, world.m["facilitator"])
    assert as_member(world.m["other_admin"]).post(f"/offline/devices/{tablet.device}/revoke/").status_code == 404
    assert tablet.device.encode() not in as_member(world.m["other_admin"]).get("/offline/").content


def test_the_snapshot_has_what_a_session_needs_offline(world, as_member):
    grp, members = running_group(world)
    facilitator = actor(world.m["facilitator"])
    session_actions.mark_attendance(facilitator, grp.pk, 2, members[0].pk, "present")
    session_actions.save_will_try(facilitator, grp.pk, 2, members[0].pk, "Walk with my sister")
    tablet = enrol(as_member, world.m["facilitator"])
    data = tablet.snapshot().json()
    assert data["version"] == 1 and data["device"] == tablet.device and data["wipe_after_days"] == 7
    assert [i["key"] for i in data["instruments"]["phq9"]["items"]] == [f"q{n}" for n in range(1, 10)]
    assert data["instruments"]["phq2"]["items"] == ["q1", "q2", "q9"]
    assert len(data["instruments"]["phq9"]["choices"]) == 4
    assert data["safety_steps"] and data["crisis"]["steps"]
    sessions = data["groups"][0]["sessions"]
    # from the last held session (2) to the next three not held
    assert [s["number"] for s in sessions] == [2, 3, 4, 5]
    held = sessions[0]
    assert held["held"] is True and held["attendance"][str(members[0].pk)]["will_try"] == "Walk with my sister"
    assert all(s["steps"] and all(st["script"] for st in s["steps"]) for s in sessions)
    assert data["groups"][0]["facilitator"] is True


@pytest.mark.parametrize("language, english", [("en", False), ("sw", False), ("ar", True)])
def test_each_step_on_the_tablet_says_whether_it_is_shown_in_english(world, as_member, language, english):
    """Swahili has the group guides; Arabic has no content pack, so the tablet marks every step as English."""
    running_group(world)
    user = world.m["facilitator"].user
    user.language = language
    user.save(update_fields=["language"])
    data = enrol(as_member, world.m["facilitator"]).snapshot().json()
    sessions = data["groups"][0]["sessions"]
    assert data["language"] == language
    assert {st["english"] for s in sessions for st in s["steps"]} == {english}
    assert {s["guide"]["english"] for s in sessions} == {english}


def test_the_snapshot_is_audited_once_per_download(world, as_member):
    from openipt.audit.models import AuditEvent

    running_group(world)
    tablet = enrol(as_member, world.m["facilitator"])
    tablet.snapshot()
    tablet.snapshot()
    assert AuditEvent.objects.filter(event_type="offline.snapshot").count() == 2


def test_an_admin_sets_the_offline_limit_on_the_programme_page_and_the_tablet_takes_the_smallest(world, as_member):
    grp, _members = running_group(world)
    small = programme(world, name="Short limit")
    group(world, small, name="Second group")
    web = as_member(world.m["admin"])
    page = web.get(f"/groups/programmes/{small.pk}/")
    assert b"offline_days" in page.content
    form = {"name": small.name, "min_members": 4, "max_members": 14, "sessions_default": 8, "last_join_session": 2,
            "offline_days": 3, "version": small.version}
    assert web.post(f"/groups/programmes/{small.pk}/", form).status_code == 302
    assert Programme.objects.get(pk=small.pk).offline_days == 3
    bad = web.post(f"/groups/programmes/{small.pk}/", {**form, "offline_days": 61, "version": small.version + 1})
    assert bad.status_code == 200 and Programme.objects.get(pk=small.pk).offline_days == 3
    tablet = enrol(as_member, world.m["facilitator"])
    assert tablet.enrolment["wipe_after_days"] == 3
    assert tablet.snapshot().json()["wipe_after_days"] == 3


def test_supervisors_see_tablets_past_their_limit_and_stopped_ones(world, as_member):
    running_group(world)
    supervised_by(world)
    fresh = enrol(as_member, world.m["facilitator"], "Fresh tablet")
    old = enrol(as_member, world.m["facilitator"], "Forgotten tablet")
    Device.objects.filter(uuid=old.device).update(created_at=timezone.now() - timedelta(days=20))
    page = as_member(world.m["supervisor"]).get("/offline/devices/stale/")
    assert page.status_code == 200
    assert b"Forgotten tablet" in page.content and b"Fresh tablet" not in page.content
    assert as_member(world.m["facilitator"]).get("/offline/devices/stale/").status_code == 403
    assert fresh.snapshot().status_code == 200


def test_the_facilitators_page_lists_their_tablets_and_offers_to_keep_the_groups(world, as_member):
    running_group(world)
    web = as_member(world.m["facilitator"])
    assert b"Keep my groups on this tablet" in web.get("/offline/").content
    enrol(as_member, world.m["facilitator"], "Village tablet")
    page = as_member(world.m["facilitator"]).get("/offline/")
    assert b"Village tablet" in page.content and b"Stop using this tablet" in page.content


def test_members_added_later_reach_the_tablet_with_the_next_snapshot(world, as_member):
    from openipt.groups import actions as group_actions

    grp = group(world, weeks_ago=0)
    tablet = enrol(as_member, world.m["facilitator"])
    assert tablet.snapshot().json()["groups"][0]["members"] == []
    member = group_actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world, given_name="Late").pk)
    screen(world, member)
    assert [m["id"] for m in tablet.snapshot().json()["groups"][0]["members"]] == [member.pk]


def test_the_tablets_link_counts_the_changes_still_to_settle(world, as_member):
    from openipt.offline.models import Conflict

    running_group(world)
    supervised_by(world)
    tablet = enrol(as_member, world.m["facilitator"])
    now = timezone.now()
    device = Device.objects.get(uuid=tablet.device)
    Conflict.objects.create(device=device, organisation=world.org, key="c1", kind="notes", yours={"data": {}},
                            entered_at=now, received_at=now)
    Conflict.objects.create(device=device, organisation=world.org, key="c2", kind="notes", yours={"data": {}},
                            entered_at=now, received_at=now, status="kept_theirs")
    web = as_member(world.m["facilitator"])
    assert b"/offline/" in web.get("/groups/").content
    assert web.get("/nav/count/offline:home/").content == b" (1)"
    assert as_member(world.m["supervisor"]).get("/nav/count/offline:home/").content == b" (1)"
    assert as_member(world.m["therapist2"]).get("/nav/count/offline:home/").content == b""
