"""The sync protocol's rules, each through the real endpoints: replay, tampering, revocation, conflicts, refusals, risk.

Every rule here is named in docs/groups/sync.md with the test that proves it.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from openipt.audit.models import AuditEvent
from openipt.groups import actions as group_actions
from openipt.groups import edit_actions, session_actions
from openipt.groups.models import Attendance, GroupSession, QuickCheck, SessionReport
from openipt.offline.models import Conflict, Device, ReceivedChange
from openipt.safety import notify
from openipt.safety.models import Alert
from tests.offline.helpers import change, enrol, supervised_by
from tests.support.groups import PHQ9_MILD, group, phq9, running_group
from tests.support.people import actor

Q9 = {"q1": 1, "q2": 2, "q9": 2}  # a quick PHQ-2 with a worrying answer to the safety question


@pytest.fixture
def running(world):
    return running_group(world)


@pytest.fixture
def tablet(world, running, as_member):
    t = enrol(as_member, world.m["facilitator"])
    assert t.snapshot().status_code == 200
    return t


def refusals(reason: str) -> list[AuditEvent]:
    return [e for e in AuditEvent.objects.filter(event_type="offline.sync_refused") if e.details.get("reason") == reason]


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Device sign-in ------------------------------------------------------------------------------------

def test_the_same_seq_sent_again_is_refused_as_replayed_and_audited(world, running, tablet):
    grp, members = running
    body = json.dumps({"changes": [change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"})]}).encode()
    assert tablet.post(body, seq=5).status_code == 200
    again = tablet.post(body, seq=5)
    assert again.status_code == 409 and again.json()["error"] == "replayed"
    older = tablet.post(body, seq=4)
    assert older.status_code == 409
    assert len(refusals("replayed")) == 2
    assert ReceivedChange.objects.count() == 1


def test_a_body_changed_on_its_way_is_refused_and_audited(world, running, tablet):
    grp, members = running
    signed = json.dumps({"changes": [change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"})]}).encode()
    tampered = signed.replace(b"present", b"absent_")
    seq = tablet.seq + 1
    headers = tablet._headers("POST", "/offline/sync/", signed, seq=seq)
    response = tablet.http.post("/offline/sync/", tampered, content_type="application/json", **headers)
    assert response.status_code == 401
    assert not Attendance.objects.filter(session__group=grp).exists()
    assert len(refusals("bad_signature")) == 1
    # the refused request did not use up its seq: the real one still goes through
    assert tablet.post(signed, seq=seq).status_code == 200


def test_a_wrong_secret_is_audited_but_an_unknown_tablet_is_only_logged(world, running, tablet):
    assert tablet.snapshot(secret="B" * 43).status_code == 401
    assert len(refusals("bad_signature")) == 1  # a known tablet: audited
    before = AuditEvent.objects.count()
    for _ in range(5):  # anyone can make up a device id: refused, logged, and never fills the audit log
        stranger = type(tablet)(str(uuid.uuid4()), tablet.secret)
        assert stranger.snapshot().status_code == 401
    garbled = type(tablet)("z" * 36, tablet.secret)  # 36 characters, but no UUID
    assert garbled.snapshot().status_code == 401 and garbled.sync([]).status_code == 401
    assert AuditEvent.objects.count() == before and refusals("unknown_device") == []


def test_a_session_cookie_is_never_taken_instead_of_the_signature(world, running, as_member):
    web = as_member(world.m["facilitator"])
    assert web.get("/offline/snapshot/").status_code == 401
    assert web.post("/offline/sync/", "{}", content_type="application/json").status_code == 401


def test_a_revoked_tablet_is_told_to_wipe_and_its_changes_are_refused(world, running, tablet, as_member):
    grp, members = running
    supervised_by(world)
    web = as_member(world.m["supervisor"])
    assert web.post(f"/offline/devices/{tablet.device}/revoke/").status_code == 302
    device = Device.objects.get(uuid=tablet.device)
    assert device.revoked_by == world.m["supervisor"] and device.revoked_at is not None
    answer = tablet.sync([change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"})])
    assert answer.status_code == 410 and answer.json()["wipe"] is True
    assert tablet.snapshot().status_code == 410
    assert not Attendance.objects.filter(session__group=grp).exists()
    assert len(refusals("revoked")) == 2
    assert AuditEvent.objects.filter(event_type="offline.device_revoked").count() == 1


def test_only_the_owner_or_an_overseer_may_stop_a_tablet(world, running, tablet, as_member):
    for who in ("therapist", "other_admin"):
        assert as_member(world.m[who]).post(f"/offline/devices/{tablet.device}/revoke/").status_code == 404
    assert as_member(world.m["facilitator"]).post(f"/offline/devices/{'z' * 36}/revoke/").status_code == 404
    assert Device.objects.get(uuid=tablet.device).revoked_at is None
    owner = as_member(world.m["facilitator"])
    answer = owner.post(f"/offline/devices/{tablet.device}/revoke/", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and answer.json()["revoked_at"]


def test_a_tablet_whose_owner_no_longer_runs_groups_is_told_to_wipe(world, running, tablet):
    grp, _members = running
    group_actions.set_status(actor(world.m["admin"]), grp.pk, "ended")
    answer = tablet.snapshot()
    assert answer.status_code == 410 and answer.json()["wipe"] is True
    assert len(refusals("owner_inactive")) == 1


def test_a_person_who_runs_no_group_cannot_set_up_a_tablet(world, running, as_member):
    for who in ("supervisor", "therapist", "admin"):
        answer = as_member(world.m[who]).post("/offline/devices/", "{}", content_type="application/json")
        assert answer.status_code == 400 and answer.json()["error"]
    assert not Device.objects.exists()


def test_the_secret_is_shown_once_and_stored_sealed(world, running, tablet):
    device = Device.objects.get(uuid=tablet.device)
    assert tablet.secret not in device.secret and device.secret.startswith("sealed:v1:")
    assert AuditEvent.objects.filter(event_type="offline.device_enrolled").count() == 1


# Idempotency ---------------------------------------------------------------------------------------

def test_a_key_sent_in_a_new_request_is_a_duplicate_with_the_first_answer(world, running, tablet):
    grp, members = running
    first = change(grp, 3, "check", {"member": members[0].pk, "answers": PHQ9_MILD})
    answer = results(tablet.sync([first]))[0]
    assert answer["status"] == "applied" and answer["result"]["total"] == 8
    again = results(tablet.sync([first]))[0]
    assert again["status"] == "duplicate" and again["result"] == answer["result"]
    assert QuickCheck.objects.filter(session__group=grp).count() == 1


def test_one_refused_change_does_not_undo_the_others_in_the_batch(world, running, tablet):
    grp, members = running
    batch = [change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"}),
             change(grp, 3, "mark", {"member": members[1].pk, "presence": "maybe"}),
             change(grp, 3, "will_try", {"member": members[2].pk, "text": "Call my brother"})]
    assert [r["status"] for r in results(tablet.sync(batch))] == ["applied", "refused", "applied"]
    assert Attendance.objects.get(member=members[0], session__number=3).presence == "present"
    assert Attendance.objects.get(member=members[2], session__number=3).will_try == "Call my brother"
    assert Conflict.objects.get(key=batch[1]["key"]).status == "refused"


# Conflicts -----------------------------------------------------------------------------------------

def test_a_mark_changed_online_after_the_snapshot_is_a_conflict_kept_and_settled_by_keep_mine(
        world, running, tablet, as_member):
    grp, members = running
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, "absent")
    sent = change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"}, base={"presence": ""})
    answer = results(tablet.sync([sent]))[0]
    assert answer["status"] == "conflict" and answer["result"]["theirs"]["presence"] == "absent"
    assert Attendance.objects.get(member=members[0], session__number=3).presence == "absent"  # not overwritten
    conflict = Conflict.objects.get(key=sent["key"])
    web = as_member(world.m["facilitator"])
    page = web.get("/offline/conflicts/")
    assert page.status_code == 200 and b"Keep mine" in page.content
    assert web.post(f"/offline/conflicts/{conflict.pk}/", {"choice": "mine"}).status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == "kept_mine" and conflict.resolved_by == world.m["facilitator"]
    assert Attendance.objects.get(member=members[0], session__number=3).presence == "present"
    assert AuditEvent.objects.filter(event_type="offline.conflict_resolved").count() == 1


def test_notes_saved_online_meanwhile_are_a_conflict_settled_by_keep_theirs(world, running, tablet, as_member):
    grp, _members = running
    session_actions.save_notes(actor(world.m["facilitator"]), grp.pk, 3, "Written at the office.", 1)
    sent = change(grp, 3, "notes", {"text": "Written in the village."}, base={"version": 1})
    answer = results(tablet.sync([sent]))[0]
    assert answer["status"] == "conflict" and answer["result"]["theirs"]["text"] == "Written at the office."
    conflict = Conflict.objects.get(key=sent["key"])
    assert conflict.yours["data"]["text"] == "Written in the village."
    supervised_by(world)
    web = as_member(world.m["supervisor"])  # the facilitator's supervisor may settle it too
    assert web.post(f"/offline/conflicts/{conflict.pk}/", {"choice": "theirs"}).status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == "kept_theirs" and conflict.resolved_by == world.m["supervisor"]
    assert GroupSession.objects.get(group=grp, number=3).notes == "Written at the office."


def test_a_change_that_matches_the_server_or_the_base_is_no_conflict(world, running, tablet):
    grp, members = running
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, "present")
    same = change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"}, base={"presence": ""})
    seen = change(grp, 3, "mark", {"member": members[0].pk, "presence": "excused"}, base={"presence": "present"})
    assert [r["status"] for r in results(tablet.sync([same, seen]))] == ["applied", "applied"]
    assert Attendance.objects.get(member=members[0], session__number=3).presence == "excused"


def test_a_second_check_is_a_conflict_both_kept_and_its_question_9_still_raises_an_alert(world, running, tablet):
    grp, members = running
    session_actions.enter_quick_check(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, phq9(10))
    sent = change(grp, 3, "check", {"member": members[0].pk, "answers": Q9})
    answer = results(tablet.sync([sent]))[0]
    assert answer["status"] == "conflict" and answer["alert"] is True
    assert QuickCheck.objects.get(member=members[0]).total == 10
    assert Conflict.objects.get(key=sent["key"]).yours["data"]["answers"] == Q9
    assert Alert.objects.filter(client=members[0].client).exists()


# Refused changes: nothing lost ---------------------------------------------------------------------

def test_a_check_for_a_member_who_left_is_refused_kept_and_its_question_9_raises_an_alert(world, running, tablet):
    grp, members = running
    group_actions.remove_member(actor(world.m["facilitator"]), grp.pk, members[0].pk, reason="Moved away")
    sent = change(grp, 3, "check", {"member": members[0].pk, "answers": Q9})
    answer = results(tablet.sync([sent]))[0]
    assert answer["status"] == "refused" and "left the group" in answer["message"] and answer["alert"] is True
    assert Conflict.objects.get(key=sent["key"]).status == "refused"
    assert not QuickCheck.objects.filter(member=members[0]).exists()
    assert Alert.objects.filter(client=members[0].client).exists()


def test_a_mark_for_a_session_moved_to_a_later_day_is_refused_and_kept(world, running, tablet):
    grp, members = running
    later = timezone.now() + timedelta(days=2)
    edit_actions.move_session(actor(world.m["facilitator"]), grp.pk, 3, starts_at=later)
    sent = change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"})
    answer = results(tablet.sync([sent]))[0]
    assert answer["status"] == "refused" and "was moved to" in answer["message"]
    assert Conflict.objects.get(key=sent["key"]).yours["data"]["presence"] == "present"


def test_changes_for_a_group_that_ended_are_refused_but_the_tablet_may_still_send_them(world, running, as_member):
    """A facilitator with another group still running sends the ended group's last changes: refused, kept."""
    grp, members = running
    other = group(world, grp.programme, name="Friday group")
    tablet = enrol(as_member, world.m["facilitator"])
    group_actions.set_status(actor(world.m["admin"]), grp.pk, "ended")
    sent = change(grp, 3, "notes", {"text": "Last words"})
    answer = results(tablet.sync([sent]))[0]
    assert answer["status"] == "refused" and Conflict.objects.get(key=sent["key"]).status == "refused"
    assert other.pk in [g["id"] for g in tablet.snapshot().json()["groups"]]


def test_a_change_for_a_group_the_person_does_not_run_is_refused(world, running, tablet):
    grp, members = running
    sent = change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"})
    sent["group"] = 10**9
    answer = results(tablet.sync([sent]))[0]
    assert answer["status"] == "refused" and answer["message"]


# Risk entered offline ------------------------------------------------------------------------------

def test_a_worrying_answer_entered_offline_raises_the_alert_as_of_when_it_was_entered(world, running, tablet):
    grp, members = running
    entered = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    Device.objects.filter(uuid=tablet.device).update(created_at=entered - timedelta(days=1))
    sent = change(grp, 3, "check", {"member": members[0].pk, "answers": Q9}, entered_at=entered.isoformat())
    answer = results(tablet.sync([sent]))[0]
    assert answer["status"] == "applied" and answer["alert"] is True
    alert = Alert.objects.get(client=members[0].client)
    assert alert.raised_at == entered
    assert "without a connection" in alert.text
    # The next step counts from when it was entered (`level` is the next step to carry out) ...
    step = alert.level
    assert alert.next_escalation_at == entered + timedelta(minutes=int(alert.schedule[step][0]))
    # ... so a step due within the three hours since is carried out by the next escalation run, not hours later.
    assert entered + timedelta(minutes=int(alert.schedule[step][0])) <= timezone.now()
    notify.escalate_due()
    alert.refresh_from_db()
    assert alert.level > step and alert.status == "escalated"


@pytest.mark.parametrize("when, expected", [("before enrolment", "enrolled"), ("in the future", "now"),
                                            ("not a time", "now"), ("month 13", "now"), ("offset +99:00", "now")])
def test_the_time_a_change_was_entered_is_kept_within_enrolment_and_now(world, running, tablet, when, expected):
    grp, members = running
    device = Device.objects.get(uuid=tablet.device)
    value = {"before enrolment": (device.created_at - timedelta(days=30)).isoformat(),
             "in the future": (timezone.now() + timedelta(days=30)).isoformat(), "not a time": "yesterday",
             "month 13": "2026-13-45T10:00:00", "offset +99:00": "2026-01-01T10:00:00+99:00"}[when]
    before = timezone.now()
    sent = change(grp, 3, "check", {"member": members[0].pk, "answers": Q9}, entered_at=value)
    results(tablet.sync([sent]))
    raised = Alert.objects.get(client=members[0].client).raised_at
    if expected == "enrolled":
        assert raised == device.created_at
    else:
        assert before <= raised <= timezone.now()


def test_a_report_filed_offline_is_applied_once(world, running, tablet):
    grp, members = running
    mark = change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"})
    report = change(grp, 3, "report", {"went_well": "Everyone spoke.", "was_hard": "", "concerns": "", "help_wanted": ""})
    assert [r["status"] for r in results(tablet.sync([mark, report]))] == ["applied", "applied"]
    assert results(tablet.sync([report]))[0]["status"] == "duplicate"
    assert SessionReport.objects.get(session__group=grp, session__number=3).went_well == "Everyone spoke."


def test_the_device_records_its_last_sync_seq_and_changes(world, running, tablet):
    grp, members = running
    tablet.sync([change(grp, 3, "mark", {"member": m.pk, "presence": "present"}) for m in members])
    device = Device.objects.get(uuid=tablet.device)
    assert device.last_seq == tablet.seq and device.changes_received == len(members)
    assert isinstance(device.last_sync_at, datetime)
    assert AuditEvent.objects.filter(event_type="offline.sync").count() == 1


def test_the_tablets_own_earlier_change_in_the_same_request_is_no_conflict(world, running, tablet):
    grp, members = running
    first = change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"}, base={"presence": ""})
    then = change(grp, 3, "mark", {"member": members[0].pk, "presence": "excused"}, base={"presence": ""})
    notes = [change(grp, 3, "notes", {"text": text}, base={"version": 1}) for text in ("Draft", "Draft, finished")]
    assert [r["status"] for r in results(tablet.sync([first, then, *notes]))] == ["applied"] * 4
    assert Attendance.objects.get(member=members[0], session__number=3).presence == "excused"
    assert GroupSession.objects.get(group=grp, number=3).notes == "Draft, finished"


def test_a_worrying_check_for_a_group_handed_to_someone_else_meanwhile_still_raises_an_alert(world, running, as_member):
    from openipt.accounts.models import Role
    from tests.support.people import make_member

    grp, members = running
    group(world, grp.programme, name="Friday group")  # the facilitator still runs another group
    tablet = enrol(as_member, world.m["facilitator"])
    assert tablet.snapshot().status_code == 200  # the tablet held the group before it was handed over
    successor = make_member(world.org, Role.FACILITATOR)
    grp.refresh_from_db()
    edit_actions.update_group(actor(world.m["admin"]), grp.pk, expected_version=grp.version, name=grp.name,
                              facilitator_id=successor.pk, supervisor_id=grp.supervisor_id, start_time=grp.start_time,
                              session_minutes=grp.session_minutes, language=grp.language, location=grp.location)
    sent = change(grp, 3, "check", {"member": members[0].pk, "answers": Q9})
    answer = results(tablet.sync([sent]))[0]
    assert answer["status"] == "refused" and answer["alert"] is True
    assert not QuickCheck.objects.filter(member=members[0]).exists()
    assert Alert.objects.filter(client=members[0].client).exists()
    assert Conflict.objects.get(key=sent["key"]).status == "refused"


def test_the_conflicts_page_shows_both_versions_in_words(world, running, tablet, as_member):
    grp, members = running
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, "absent")
    tablet.sync([change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"}, base={"presence": ""})])
    page = as_member(world.m["facilitator"]).get("/offline/conflicts/").content.decode()
    assert "Came" in page and "Did not come" in page and "{&#x27;" not in page


def test_an_open_conflict_about_a_client_stops_their_record_being_erased_until_it_is_settled(
        world, running, tablet, as_member):
    """A conflict may hold answers a person still has to look at: the record is not erased under it."""
    from openipt.clients import record_actions
    from openipt.core.errors import ActionError

    grp, members = running
    session_actions.mark_attendance(actor(world.m["facilitator"]), grp.pk, 3, members[0].pk, "absent")
    sent = change(grp, 3, "mark", {"member": members[0].pk, "presence": "present"}, base={"presence": ""})
    assert results(tablet.sync([sent]))[0]["status"] == "conflict"
    client = members[0].client
    with pytest.raises(ActionError) as refused:
        record_actions.erase_record(actor(world.m["admin"]), client.pk,
                                    confirm_name=f"{client.given_name} {client.family_name}", reason="Asked.")
    assert "tablet" in refused.value.message
    assert Conflict.objects.get(key=sent["key"]).yours  # nothing was wiped
