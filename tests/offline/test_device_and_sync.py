"""A facilitator's tablet: enrolled once, then snapshot and sync signed with its own secret, each change once."""

from __future__ import annotations

import pytest

from openipt.groups.models import AppliedChange, Attendance, GroupSession
from tests.offline.helpers import change, enrol
from tests.support.groups import running_group


@pytest.fixture
def running(world):
    return running_group(world)


def test_a_facilitator_keeps_their_groups_and_sends_a_session_once(world, running, as_member):
    grp, members = running
    tablet = enrol(as_member, world.m["facilitator"])
    assert tablet.enrolment["app_url"] == "/offline/app/" and tablet.enrolment["wipe_after_days"] == 7
    snap = tablet.snapshot()
    assert snap.status_code == 200
    data = snap.json()
    assert [g["id"] for g in data["groups"]] == [grp.pk]
    assert {m["id"] for m in data["groups"][0]["members"]} == {m.pk for m in members}
    changes = [change(grp, 3, "mark", {"member": m.pk, "presence": "present"}) for m in members]
    changes.append(change(grp, 3, "notes", {"text": "We talked about sleep."}, base={"version": 1}))
    first = tablet.sync(changes)
    assert first.status_code == 200, first.content
    assert [r["status"] for r in first.json()["results"]] == ["applied"] * len(changes)
    again = tablet.sync(changes)  # the answer was lost: the tablet sends the same changes in a new request
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * len(changes)
    assert Attendance.objects.filter(session__group=grp, session__number=3, presence="present").count() == len(members)
    assert AppliedChange.objects.filter(session__group=grp).count() == len(changes)
    assert GroupSession.objects.get(group=grp, number=3).notes == "We talked about sleep."


def test_the_app_shell_service_worker_and_manifest_need_no_sign_in(client):
    shell = client.get("/offline/app/")
    assert shell.status_code == 200 and b'id="offline-words"' in shell.content and b"offline/app.js" in shell.content
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("application/javascript")
    assert "no-cache" in worker["Cache-Control"]
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["start_url"] == "/offline/app/" and manifest["display"] == "standalone"
    assert {i["sizes"] for i in manifest["icons"]} == {"any", "192x192", "512x512"}
