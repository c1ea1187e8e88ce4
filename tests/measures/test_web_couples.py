"""Couples IPT: each partner fills in their own questionnaires for the one couples course.

The course's client is partner one; partner two is linked by the couples app. Each partner's
PHQ-9 for a session is due, done and scored on its own, and neither partner can open the
other's answers: HAZ-001 (the wrong person sees a client's record) in
docs/clinical-safety/hazard-log.md. A safety answer raises an alert for the partner who gave it:
HAZ-005.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.accounts.models import Role
from openipt.clients import actions as client_actions
from openipt.core.errors import ActionError
from openipt.couples import actions as couples_actions
from openipt.courses import actions as course_actions
from openipt.measures import access, actions, api
from openipt.measures.models import Administration, Status
from tests.support.measures import form_data, phq9, start_course
from tests.support.people import actor, login, make_client, make_member


@pytest.fixture
def pair(world):
    """A couples course for Sam ('self', partner one) and Lee (partner two, own login); session 1 tomorrow."""
    two = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Lee", family_name="Partner")
    login_two = make_member(world.org, Role.CLIENT)
    client_actions.link_portal_user(two, login_two.user)
    two.refresh_from_db()
    world.clients["two"], world.m["client_two"] = two, login_two
    course = course_actions.start_course(actor(world.m["therapist"]), world.clients["self"].pk, format_id="couples",
                                         start_date=timezone.localdate(), first_session=timezone.now() + timedelta(days=1))
    couples_actions.link_partner(actor(world.m["therapist"]), course.pk, record_number=two.record_number)
    actions.ensure_default_schedule(course)
    return world, course, f"c{course.pk}.s1.phq9"


def _send(client, who, key, answers):
    login(client, who)
    response = client.post(f"/measures/me/{key}/", form_data(answers))
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _due_keys(client_record) -> set[str]:
    return {d["key"] for d in api.due_for_client(client_record)}


def test_both_partners_see_their_own_phq9_due_in_the_portal(client, pair):
    world, course, key = pair
    for who in ("client", "client_two"):
        login(client, world.m[who])
        page = client.get("/me/").content.decode()
        assert "Fill in the PHQ-9" in page and "Fill in the GAD-7" in page
        form = client.get(f"/measures/me/{key}/")
        assert form.status_code == 200 and "Question 1 of 10" in form.content.decode()
    assert key in _due_keys(world.clients["self"]) and key in _due_keys(world.clients["two"])


def test_one_partner_completing_leaves_it_due_for_the_other_and_each_has_their_own_answers(client, pair):
    world, course, key = pair
    _send(client, world.m["client"], key, phq9(2, 2, 1, 2, 1, 1, 2, 1, 0, difficulty=1))  # 12
    assert key not in _due_keys(world.clients["self"])
    assert key in _due_keys(world.clients["two"])
    login(client, world.m["client_two"])
    assert "Fill in the PHQ-9" in client.get("/me/").content.decode()

    _send(client, world.m["client_two"], key, phq9(1, 0, 1, 0, 1, 0, 1, 0, 0, difficulty=0))  # 4
    assert key not in _due_keys(world.clients["two"])
    mine, theirs = (Administration.objects.get(due_key=key, client=world.clients[k]) for k in ("self", "two"))
    assert (mine.total, theirs.total) == (12, 4)
    assert mine.course_id == theirs.course_id == course.pk
    assert theirs.status == Status.COMPLETED and theirs.source == "portal"


def test_partner_one_cannot_open_partner_twos_answers_and_an_outsider_cannot_open_the_course(client, pair):
    world, course, key = pair
    response = _send(client, world.m["client_two"], key, phq9(1, 0, 1, 0, 1, 0, 1, 0, 0, difficulty=0))
    theirs = Administration.objects.get(due_key=key, client=world.clients["two"])
    assert client.get(response["Location"]).status_code == 200  # partner two reads their own result
    # HAZ-001: partner one gets "not found" for partner two's answers ...
    login(client, world.m["client"])
    assert client.get(f"/measures/me/answers/{theirs.uuid}/").status_code == 404
    # ... and the same address opens partner one's own, still empty, questionnaire
    page = client.get(f"/measures/me/{key}/")
    assert page.status_code == 200 and "value=\"1\" checked" not in page.content.decode()
    # a client in neither seat of the couple finds nothing there
    outsider = make_member(world.org, Role.CLIENT)
    client_actions.link_portal_user(world.clients["mine"], outsider.user)
    login(client, outsider)
    assert client.get(f"/measures/me/{key}/").status_code == 404
    assert client.post(f"/measures/me/{key}/save/", {"q1": "1"}).status_code == 404
    assert not Administration.objects.filter(client=world.clients["mine"]).exists()


def test_the_due_list_shows_each_partner_separately_by_name(client, pair):
    world, course, key = pair
    login(client, world.m["therapist"])
    body = client.get("/measures/due/").content.decode()
    assert "Sam Client" in body and "Lee Partner" in body
    assert "(couples: partner 2)" in body
    assert f"partner={world.clients['two'].pk}" in body  # the paper-entry link is for that partner
    rows = client.get("/measures/due/").context["rows"]
    assert {(r["client"].pk, r["item"].key) for r in rows} >= {(world.clients["self"].pk, key),
                                                                 (world.clients["two"].pk, key)}
    # once partner two has answered, only partner one's PHQ-9 for session 1 is left
    _send(client, world.m["client_two"], key, phq9(1, 0, 1, 0, 1, 0, 1, 0, 0, difficulty=0))
    login(client, world.m["therapist"])
    rows = client.get("/measures/due/").context["rows"]
    assert {r["client"].pk for r in rows if r["item"].key == key} == {world.clients["self"].pk}


def test_partner_two_is_not_listed_to_staff_who_cannot_see_them(client, pair):
    world, course, key = pair
    from openipt.clients.models import Assignment

    Assignment.objects.filter(client=world.clients["two"]).delete()  # partner two moved off the caseload
    login(client, world.m["therapist"])
    rows = client.get("/measures/due/").context["rows"]
    assert rows and world.clients["two"].pk not in {r["item"].client_id for r in rows}


def test_partner_twos_safety_answer_raises_an_alert_for_partner_two(client, pair):
    from openipt.safety.models import Alert

    world, course, key = pair
    _send(client, world.m["client_two"], key, phq9(1, 1, 1, 1, 1, 1, 1, 1, 2, difficulty=1))
    assert Alert.objects.filter(client=world.clients["two"]).exists()  # HAZ-005
    assert not Alert.objects.filter(client=world.clients["self"]).exists()
    assert Administration.objects.get(due_key=key, client=world.clients["two"]).safety_followup


def test_partner_twos_scores_stay_out_of_partner_ones_course_scores_and_signal(client, pair):
    world, course, key = pair
    _send(client, world.m["client"], key, phq9(2, 2, 1, 2, 1, 1, 2, 1, 0, difficulty=1))
    _send(client, world.m["client_two"], key, phq9(3, 3, 3, 3, 3, 3, 3, 3, 0, difficulty=3))
    _schedules, _sessions, admins = access.course_rows(course)
    assert [a.total for a in admins if a.instrument_code == "phq9"] == [12]
    _schedules, _sessions, admins = access.course_rows(course, world.clients["two"].pk)
    assert [a.total for a in admins if a.instrument_code == "phq9"] == [24]


def _paper(world, course, who=None, session=1):
    return actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=session,
                               completed_on=timezone.localdate(), answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=0),
                               client_id=who)


def test_the_therapist_enters_a_paper_form_for_either_partner(client, pair):
    world, course, key = pair
    login(client, world.m["therapist"])
    page = client.get(f"/measures/course/{course.pk}/enter/?instrument_code=phq9").content.decode()
    assert "Whose form is it?" in page and "Lee Partner" in page and "Sam Client" in page
    data = {"partner": str(world.clients["two"].pk), "instrument_code": "phq9", "session_number": "1",
            "completed_on": timezone.localdate().isoformat(), **form_data(phq9(1, 1, 1, 1, 1, 1, 1, 1, 0)),
            "difficulty": "blank", "submission_key": "k-couples-1"}
    response = client.post(f"/measures/course/{course.pk}/enter/", data)
    assert response.status_code == 302, response.content.decode()[:800]
    admin = Administration.objects.get(due_key=key)
    assert admin.client_id == world.clients["two"].pk and admin.total == 8
    assert key in _due_keys(world.clients["self"]) and key not in _due_keys(world.clients["two"])
    # partner one's paper form for the same session is their own, not a duplicate of partner two's
    assert _paper(world, course).client_id == world.clients["self"].pk


def test_paper_entry_refuses_a_client_who_is_not_one_of_the_partners(pair):
    world, course, key = pair
    with pytest.raises(ActionError) as exc:
        _paper(world, course, who=world.clients["mine"].pk)
    assert exc.value.field == "partner"
    assert not Administration.objects.exists()


def test_paper_entry_for_partner_two_needs_staff_assigned_to_partner_two(pair):
    from openipt.clients.models import Assignment

    world, course, key = pair
    Assignment.objects.filter(client=world.clients["two"]).delete()
    with pytest.raises(ActionError):
        _paper(world, course, who=world.clients["two"].pk)
    assert not Administration.objects.exists()


def test_the_paper_form_asks_whose_form_only_on_a_couples_course(client, world):
    course = start_course(world, "mine")
    login(client, world.m["therapist"])
    assert "Whose form is it?" not in client.get(f"/measures/course/{course.pk}/enter/?instrument_code=phq9").content.decode()


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_due_list_and_portal_run_the_same_queries_with_or_without_couples(client, world):
    start_course(world, "mine")
    own = start_course(world, "self")
    actions.ensure_default_schedule(own)
    login(client, world.m["therapist"])
    due_small = _count(client, "/measures/due/")
    login(client, world.m["client"])
    portal_small = _count(client, "/me/")
    for i in range(4):
        one = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"One{i}")
        two = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=f"Two{i}")
        course = course_actions.start_course(actor(world.m["therapist"]), one.pk, format_id="couples",
                                             start_date=timezone.localdate(),
                                             first_session=timezone.now() + timedelta(days=1))
        couples_actions.link_partner(actor(world.m["therapist"]), course.pk, record_number=two.record_number)
    login(client, world.m["therapist"])
    assert _count(client, "/measures/due/") == due_small
    login(client, world.m["client"])
    assert _count(client, "/me/") == portal_small


def test_partner_twos_record_shows_their_own_couples_scores_not_partner_ones(client, pair):
    world, course, key = pair
    _send(client, world.m["client"], key, phq9(2, 2, 1, 2, 1, 1, 2, 1, 0, difficulty=1))  # 12
    _send(client, world.m["client_two"], key, phq9(1, 0, 1, 0, 1, 0, 1, 0, 0, difficulty=0))  # 4
    login(client, world.m["therapist"])
    two = client.get(f"/clients/{world.clients['two'].pk}/").content.decode()
    assert "Couples course started" in two and "PHQ-9 4 " in two and "PHQ-9 12" not in two
    one = client.get(f"/clients/{world.clients['self'].pk}/").content.decode()
    assert "PHQ-9 12 " in one and "PHQ-9 4 " not in one


def test_a_reliable_rise_in_partner_twos_scores_sets_partner_twos_signal_not_partner_ones(pair):
    from openipt.measures.queries import outcomes
    from tests.support.measures import add_session

    world, course, key = pair
    add_session(world, course, days_after_last=7)
    therapist = actor(world.m["therapist"])
    for number, answers in ((1, phq9(1, 1, 1, 1, 0, 0, 0, 0, 0)), (2, phq9(3, 3, 3, 3, 2, 1, 0, 0, 0))):  # 4, then 15
        actions.enter_paper(therapist, course.pk, instrument_code="phq9", session_number=number,
                            completed_on=timezone.localdate(), answers={**answers, "difficulty": None},
                            client_id=world.clients["two"].pk)
    two = world.clients["two"].signals.get(source=outcomes.SIGNAL_SOURCE)
    assert two.level == 2 and "PHQ-9" in two.label
    assert two.url == f"/clients/{world.clients['two'].pk}/"  # partner two's scores are on their record
    assert not world.clients["self"].signals.filter(source=outcomes.SIGNAL_SOURCE, level__gt=0).exists()


def test_each_partner_gets_a_one_time_link_of_their_own_and_it_fills_in_their_own_answers(client, pair):
    from openipt.measures.models import OneTimeLink

    world, course, key = pair
    login(client, world.m["therapist"])
    page = client.get(f"/measures/course/{course.pk}/").content.decode()
    assert "Make a link for Lee Partner" in page and f"Make a link for {world.clients['self'].display_name}" in page
    response = client.post(f"/measures/course/{course.pk}/links/new/", {"partner": world.clients["two"].pk})
    page = client.get(response["Location"]).content.decode()
    assert "Copy the link for Lee Partner now" in page
    token = page.split("/measures/link/")[1].split("/")[0]
    # a link for partner one does not stop partner two's
    client.post(f"/measures/course/{course.pk}/links/new/", {"partner": world.clients["self"].pk})
    two_link, one_link = OneTimeLink.objects.filter(course=course).order_by("pk")
    assert two_link.client == world.clients["two"] and one_link.client == world.clients["self"]
    assert two_link.revoked_at is None
    client.logout()
    sent = client.post(f"/measures/link/{token}/{key}/", form_data(phq9(1, 0, 1, 0, 1, 0, 1, 0, 0, difficulty=0)))
    assert sent.status_code == 200 and "Your score is 4 out of 27" in sent.content.decode()
    theirs = Administration.objects.get(due_key=key)
    assert theirs.client == world.clients["two"] and theirs.total == 4
    assert key in _due_keys(world.clients["self"]) and key not in _due_keys(world.clients["two"])


def test_a_link_for_someone_outside_the_couple_is_refused(pair):
    from openipt.measures import link_actions

    world, course, _key = pair
    outsider = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Not", family_name="Partner")
    with pytest.raises(ActionError) as exc:
        link_actions.create_link(actor(world.m["therapist"]), course.pk, client_id=outsider.pk)
    assert exc.value.field == "partner"


def test_the_scores_page_and_report_show_either_partners_own_scores(client, pair):
    world, course, key = pair
    _send(client, world.m["client"], key, phq9(2, 2, 1, 2, 1, 1, 2, 1, 0, difficulty=1))  # 12
    _send(client, world.m["client_two"], key, phq9(1, 0, 1, 0, 1, 0, 1, 0, 0, difficulty=0))  # 4
    login(client, world.m["therapist"])
    two = world.clients["two"]
    one_page = client.get(f"/measures/course/{course.pk}/").content.decode()
    assert "Showing:" in one_page and f"?partner={two.pk}" in one_page
    two_page = client.get(f"/measures/course/{course.pk}/?partner={two.pk}").content.decode()
    assert "Scores and questionnaires · Lee Partner" in two_page
    pdf = client.get(f"/measures/course/{course.pk}/report.pdf?partner={two.pk}")
    assert pdf.status_code == 200 and two.record_number in pdf["Content-Disposition"]
    # each page's chart data holds that partner's score only
    assert "Session 1: 12 (Moderate)" in one_page and "Session 1: 4 (" in two_page
    assert "Session 1: 12 (" not in two_page and "Session 1: 4 (" not in one_page
    outsider = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Not", family_name="Partner")
    assert client.get(f"/measures/course/{course.pk}/?partner={outsider.pk}").status_code == 404


def test_staff_who_may_not_see_partner_two_get_partner_one_only(client, pair):
    world, course, _key = pair
    client_actions.unassign_staff(actor(world.m["admin"]), world.clients["two"].pk, world.m["therapist"].pk)
    login(client, world.m["therapist"])
    page = client.get(f"/measures/course/{course.pk}/").content.decode()
    assert "Showing:" not in page and "Make a link for" not in page
    assert client.get(f"/measures/course/{course.pk}/?partner={world.clients['two'].pk}").status_code == 404


def test_each_partners_unsent_answers_are_kept_under_their_own_key_in_the_browser(client, pair):
    """On a shared phone, one partner's half-filled answers must not be offered back to the other."""
    world, course, key = pair
    keys = []
    for who in ("client", "client_two"):
        login(client, world.m[who])
        page = client.get(f"/measures/me/{key}/").content.decode()
        keys.append(page.split('data-store-key="')[1].split('"')[0])
    assert keys[0] != keys[1] and all(k.startswith("oi-answers-") and k.endswith(key) for k in keys)
