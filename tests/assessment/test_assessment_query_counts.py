"""Assessment pages run the same number of queries with a small and with a large inventory and timeline."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from openipt.assessment import actions, formulation_actions, timeline_actions
from tests.support.assessment import person
from tests.support.people import actor, login


def _count(browser, url):
    browser.get(url)  # warm up: the first request of a session also stores the session
    with CaptureQueriesContext(connection) as ctx:
        response = browser.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, client, course, n):
    """Add people (some changed by the client), events linked to them, snapshots and formulation versions."""
    staff = actor(world.m["therapist"])
    me = actor(world.m["client"])
    for i in range(n):
        p = actions.add_person(staff, client.pk, person(f"P{i}", "friend", ["inner", "middle", "outer"][i % 3],
                                                        conflicts="Money" if i % 2 else "", satisfying="Walks"))
        if i % 2:
            actions.save_person(me, p.pk, {**actions.person_data(p), "changes_wanted": f"More time {i}"}, expected_version=1)
        if i % 3 == 0:
            actions.save_person(me, p.pk, {**actions.person_data(p), "recent_changes": "Clash"}, expected_version=1)
        timeline_actions.add_event(staff, client.pk, {"year": 2020 + i % 6, "month": 1 + i % 12, "kind": "dispute",
                                                      "main_person": p.pk, "people": [str(p.pk)], "description": f"E{i}"})
    actions.take_snapshot(staff, client.pk, kind="other")
    draft = getattr(course, "formulation_draft", None)
    version = draft.version if draft else 0
    for i in range(max(1, n // 4)):
        _v, _ = formulation_actions.save_version(staff, course.pk, text=f"Formulation text {n} {i}.", expected_version=version)
        version += 1
    course.refresh_from_db()


def test_the_assessment_pages_do_not_grow_with_the_inventory_timeline_and_versions(world, client, course):
    staff = actor(world.m["therapist"])
    timeline_actions.save_intake(staff, course.client_id, onset={"year": 2024}, onset_note="Low", answers={}, expected_version=0)
    formulation_actions.choose_area(staff, course.pk, area="role_dispute", stage="renegotiation", rationale="Rows")
    c = course.client
    urls = [f"/assessment/client/{c.pk}/inventory/", f"/assessment/client/{c.pk}/timeline/",
            f"/assessment/client/{c.pk}/snapshots/", f"/assessment/course/{course.pk}/suggestions/",
            f"/assessment/course/{course.pk}/formulation/", f"/clients/{c.pk}/", f"/courses/{course.pk}/"]
    login(client, world.m["therapist"])
    _grow(world, c, course, 2)
    small = [_count(client, u) for u in urls]
    _grow(world, c, course, 24)
    large = [_count(client, u) for u in urls]
    assert large == small, dict(zip(urls, zip(small, large, strict=True), strict=True))
    print("staff pages", dict(zip(urls, small, strict=True)))


def test_the_clients_own_pages_do_not_grow_with_their_list(world, client, course):
    staff = actor(world.m["therapist"])
    formulation_actions.choose_area(staff, course.pk, area="grief", stage="", rationale="Loss")
    login(client, world.m["client"])
    urls = ["/assessment/mine/people/", "/assessment/mine/formulation/", "/me/"]
    _grow(world, course.client, course, 2)
    formulation_actions.share_latest(staff, course.pk)
    small = [_count(client, u) for u in urls]
    _grow(world, course.client, course, 20)
    formulation_actions.share_latest(staff, course.pk)
    large = [_count(client, u) for u in urls]
    assert large == small, dict(zip(urls, zip(small, large, strict=True), strict=True))
