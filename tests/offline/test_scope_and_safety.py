"""What a tablet's changes may reach, who oversees them, and that nothing a tablet sends is lost or breaks a sync.

Each test here was first a reviewer's proof of a defect (docs/groups/sync.md, HAZ-038 and HAZ-039).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.accounts.models import Membership, Role, Site
from openipt.audit.models import AuditEvent
from openipt.groups import actions as group_actions
from openipt.groups import report_actions
from openipt.groups.models import Attendance, Group
from openipt.offline import actions as offline_actions
from openipt.offline.models import Conflict, Device
from openipt.safety.models import Alert
from tests.offline.helpers import change, enrol, supervised_by
from tests.support.groups import client_of, co_facilitator, group, running_group
from tests.support.people import actor, make_member

WORRY = "Member0 said she wants to kill herself tonight and has pills"


@pytest.fixture
def running(world):
    return running_group(world)


@pytest.fixture
def tablet(world, running, as_member):
    t = enrol(as_member, world.m["facilitator"])
    assert t.snapshot().status_code == 200
    return t


def someone_elses_group(world, prog):
    """A group run by another facilitator, with a member the tablet's owner may not see."""
    grp = group(world, prog, weeks_ago=2, facilitator_id=co_facilitator(world).pk, name="Other group")
    client = client_of(world, who="therapist", given_name="Secretname")
    return grp, group_actions.add_member(actor(world.m["admin"]), grp.pk, client.pk), client


# 1. A change is linked only to a member of the group it names, one the owner ran and may see -----------------

def test_a_member_of_another_group_is_never_linked_to_a_conflict_nor_alerted(world, running, tablet, as_member):
    grp, _members = running
    other, stranger, secret = someone_elses_group(world, grp.programme)
    answer = tablet.sync([change(grp, 3, "mark", {"member": stranger.pk, "presence": "present"})]).json()["results"][0]
    assert answer["status"] == "refused"
    assert Conflict.objects.get(key=answer["key"]).client is None
    assert b"Secretname" not in as_member(world.m["facilitator"]).get("/offline/conflicts/").content

    sent = change(other, 1, "check", {"member": stranger.pk, "instrument": "phq2", "answers": {"q1": 0, "q2": 0, "q9": 3}})
    answer = tablet.sync([sent]).json()["results"][0]
    assert answer["status"] == "refused" and answer["alert"] is False
    assert not Alert.objects.filter(client=secret).exists()
    kept = Conflict.objects.get(key=sent["key"])  # the answer is not lost: it stays on the kept change
    assert kept.client is None and kept.yours["data"]["answers"]["q9"] == 3


# 2. Supervisors oversee the tablets and conflicts of the people they supervise ------------------------------

def test_a_supervisor_who_does_not_supervise_the_owner_neither_sees_nor_settles_the_conflict(world, running, tablet,
                                                                                            as_member):
    grp, members = running
    first = {"member": members[0].pk, "instrument": "phq2", "answers": {"q1": 1, "q2": 1, "q9": 0}}
    tablet.sync([change(grp, 3, "check", first)])
    answer = tablet.sync([change(grp, 3, "check", {**first, "answers": {"q1": 3, "q2": 3, "q9": 0}})]).json()["results"][0]
    assert answer["status"] == "conflict"
    conflict = Conflict.objects.get()
    assert conflict.client == members[0].client
    stranger = as_member(make_member(world.org, Role.SUPERVISOR))
    assert members[0].client.display_name.encode() not in stranger.get("/offline/conflicts/").content
    assert stranger.post(f"/offline/conflicts/{conflict.pk}/", {"choice": "theirs"}).status_code == 404
    assert stranger.post(f"/offline/devices/{tablet.device}/revoke/").status_code == 404
    conflict.refresh_from_db()
    assert conflict.status == "open" and Device.objects.get(uuid=tablet.device).revoked_at is None

    supervised_by(world)
    own = as_member(world.m["supervisor"])
    assert members[0].client.display_name.encode() in own.get("/offline/conflicts/").content
    assert own.post(f"/offline/conflicts/{conflict.pk}/", {"choice": "theirs"}).status_code == 302


# 3. A site-limited facilitator's tablet never receives a group of another site -----------------------------

def test_a_tablet_never_receives_a_group_of_another_site(world, running, tablet):
    grp, members = running
    here, there = (Site.objects.create(organisation=world.org, name=name) for name in ("Here", "There"))
    Group.objects.filter(pk=grp.pk).update(site=there)
    Membership.objects.filter(pk=world.m["facilitator"].pk).update(site=here)
    # the facilitator still runs a group of their own site, so the tablet itself stays in use
    group(world, grp.programme, name="Home group", site_id=here.pk)
    names = [g["name"] for g in tablet.snapshot().json()["groups"]]
    assert names == ["Home group"]
    answer = tablet.sync([change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"})]).json()["results"][0]
    assert answer["status"] == "refused" and not Attendance.objects.filter(session__group=grp).exists()


# 4. The text of a report that conflicts or is refused is scanned for risk as an online report is ------------

def test_the_worry_in_a_conflicting_report_still_raises_an_alert_and_stays_in_sight(world, running, tablet, as_member):
    grp, members = running
    tablet.sync([change(grp, 3, "mark", {"member": m.pk, "presence": "present"}) for m in members])
    report_actions.file_report(actor(world.m["facilitator"]), grp.pk, 3, went_well="ok")
    sent = change(grp, 3, "report", {"went_well": "fine", "concerns": WORRY})
    answer = tablet.sync([sent]).json()["results"][0]
    assert answer["status"] == "conflict" and answer["alert"] is True
    assert Alert.objects.filter(client=members[0].client).exists()
    web = as_member(world.m["facilitator"])
    assert WORRY.encode() in web.get("/offline/conflicts/").content
    conflict = Conflict.objects.get(key=sent["key"])
    mine = web.post(f"/offline/conflicts/{conflict.pk}/", {"choice": "mine"}, follow=True)
    assert b"already kept on the record" not in mine.content and b"stays on this conflict" in mine.content


def test_the_worry_in_a_report_refused_because_the_group_ended_still_raises_an_alert(world, running, tablet):
    grp, members = running
    tablet.sync([change(grp, 3, "mark", {"member": m.pk, "presence": "present"}) for m in members])
    group_actions.set_status(actor(world.m["admin"]), grp.pk, "ended")
    group(world, grp.programme, name="Next group")  # the facilitator still runs a group
    answer = tablet.sync([change(grp, 3, "report", {"went_well": "fine", "was_hard": WORRY})]).json()["results"][0]
    assert answer["status"] == "refused" and answer["alert"] is True
    assert Alert.objects.filter(client=members[0].client).exists()


# 5. A question 9 answer that is not a whole number, or a fault in one change, never fails the batch ---------

@pytest.mark.parametrize("q9", [True, "x", 2.5, [1], 7])
def test_an_unreadable_question_9_answer_is_kept_and_the_batch_goes_through(world, running, tablet, q9):
    grp, members = running
    check = {"member": members[0].pk, "instrument": "phq2", "answers": {"q1": 1, "q2": 1, "q9": 0}}
    tablet.sync([change(grp, 3, "check", check)])
    odd = change(grp, 3, "check", {**check, "answers": {"q1": 3, "q2": 3, "q9": q9}})
    then = change(grp, 3, "mark", {"member": members[1].pk, "presence": "present"})
    response = tablet.sync([odd, then])
    assert response.status_code == 200, response.content
    first, second = response.json()["results"]
    assert first["status"] in ("conflict", "refused") and "could not be read" in first["message"]
    assert Conflict.objects.get(key=odd["key"]).yours["data"]["answers"]["q9"] == q9
    assert second["status"] == "applied"


def test_a_fault_in_one_change_is_kept_as_refused_and_the_others_are_applied(world, running, tablet, monkeypatch):
    grp, members = running
    real = offline_actions._apply

    def faulty(actor_, device, key, data, *args):
        if key == "breaks":
            raise RuntimeError("a fault nobody foresaw")
        return real(actor_, device, key, data, *args)

    monkeypatch.setattr(offline_actions, "_apply", faulty)
    broken = change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"}, key="breaks")
    fine = change(grp, 3, "mark", {"member": members[1].pk, "presence": "present"})
    response = tablet.sync([broken, fine])
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["refused", "applied"]
    assert Conflict.objects.get(key="breaks").status == "refused"
    assert tablet.sync([broken]).json()["results"][0]["status"] == "duplicate"  # kept once, never retried forever


# 6. A long outbox is sent in chunks that each fit the server's limits ----------------------------------------

def test_an_outbox_of_201_changes_lands_whole_in_two_requests(world, running, tablet):
    grp, members = running
    n = len(members)  # each member's "will try" changed again and again, each change seeing the one before
    changes = [change(grp, 3, "will_try", {"member": members[i % n].pk, "text": f"Try {i}"},
                      base={"will_try": f"Try {i - n}" if i >= n else ""}) for i in range(201)]
    answers = [r["status"] for chunk in (changes[:200], changes[200:]) for r in tablet.sync(chunk).json()["results"]]
    assert answers == ["applied"] * 201


def test_the_tablet_script_sends_its_outbox_in_chunks():
    from pathlib import Path

    script = (Path(offline_actions.__file__).parent / "static/offline/app.js").read_text()
    assert "var CHUNK_CHANGES = 200;" in script and "chunksOf(items)" in script
    assert offline_actions.MAX_CHANGES > 200


# 7. A change carried into a new enrolment keeps the time it was made -----------------------------------------

def test_a_change_carried_into_a_new_enrolment_keeps_when_it_was_made(world, running, tablet, as_member):
    now = timezone.now()
    Device.objects.filter(uuid=tablet.device).update(created_at=now - timedelta(days=10))
    again = Device.objects.get(uuid=enrol(as_member, world.m["facilitator"]).device)  # a forgotten PIN
    five_days_ago = now - timedelta(days=5)
    assert offline_actions._when(five_days_ago.isoformat(), again, now) == five_days_ago
    Device.objects.filter(uuid=tablet.device).update(created_at=now - timedelta(days=400))
    fresh = Device.objects.get(pk=again.pk)
    assert offline_actions._when((now - timedelta(days=300)).isoformat(), fresh, now) == now - timedelta(days=60)
    assert offline_actions._when((now + timedelta(days=3)).isoformat(), fresh, now) == now


# 8. A made-up device id fills no audit log ------------------------------------------------------------------

def test_requests_naming_an_unknown_device_are_not_audited(db, client):
    before = AuditEvent.objects.count()
    for _ in range(5):
        response = client.get("/offline/snapshot/", HTTP_X_OPENIPT_DEVICE=str(uuid.uuid4()), HTTP_X_OPENIPT_SEQ="1",
                              HTTP_X_OPENIPT_SIGNATURE="x")
        assert response.status_code == 401
    assert AuditEvent.objects.count() == before
