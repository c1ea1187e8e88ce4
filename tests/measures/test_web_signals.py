"""Not on track: each completed PHQ-9 or GAD-7 sets (or clears) the client's signal on the caseload."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.clients.models import Client, ClientSignal
from openipt.measures import actions, outcome_actions
from openipt.measures.models import MeasuresSettings
from openipt.measures.queries import outcomes
from tests.support.measures import add_session, phq9, shift_course, start_course
from tests.support.people import actor, login


def _scores(world, course, totals):
    """Enter a PHQ-9 with the given total at sessions 1, 2, ... (adding past sessions as needed)."""
    have = course.sessions.count()
    for _ in range(len(totals) - have):
        add_session(world, course, days_after_last=7)
    for number, total in enumerate(totals, start=1):
        values = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
        assert sum(values) == total
        actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=number,
                            completed_on=timezone.localdate(), answers=phq9(*values, difficulty=0))


def _signal(world, key="mine"):
    return ClientSignal.objects.filter(client=world.clients[key], source="measures").first()


def test_a_reliable_rise_is_red_at_once_even_before_the_waiting_sessions(world):
    course = start_course(world)
    _scores(world, course, [10, 17])  # +7 on the PHQ-9 (reliable at 6)
    signal = _signal(world)
    assert signal.level == 2 and signal.label == "PHQ-9: not on track at session 2"
    assert signal.url == f"/measures/course/{course.pk}/#track"
    assert Client.objects.get(pk=world.clients["mine"].pk).attention == 2


def test_no_amber_before_the_waiting_sessions(world):
    course = start_course(world)
    _scores(world, course, [15, 15, 15])  # no change by session 3; the default wait is 4 sessions
    assert _signal(world) is None


def test_amber_when_slower_than_expected_then_cleared_when_back_on_track(world):
    # moderately severe start (17): at session 4 the expected score is 13.2, the usual range up to 19.2
    course = start_course(world)
    _scores(world, course, [17, 17, 16, 16])
    signal = _signal(world)
    assert signal.level == 1 and "slower than expected" in signal.label
    # a fifth score at or below the expected path clears it
    _scores_more(world, course, 5, 8)
    assert _signal(world) is None
    # The structured review offered while it was amber stays (at level 1) until one is recorded (HAZ-023).
    offer = ClientSignal.objects.get(client=world.clients["mine"], source="course_review")
    assert offer.level == 1 and offer.label.startswith("Review due (now back on track): PHQ-9: slower than expected")
    from openipt.courses.review_actions import AREA_IDS, record_review
    record_review(actor(world.m["therapist"]), course.pk, findings={a: {"finding": "ok"} for a in AREA_IDS},
                  outcomes=["continue"], plan="")
    assert Client.objects.get(pk=world.clients["mine"].pk).attention == 0


def _scores_more(world, course, number, total):
    add_session(world, course, days_after_last=7)
    values = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=number,
                        completed_on=timezone.localdate(), answers=phq9(*values, difficulty=0))


def test_red_when_worse_than_the_usual_range(world):
    course = start_course(world)
    _scores(world, course, [17, 17, 18, 18, 20, 20])  # session 6: expected 11.6, usual range up to 17.6
    assert _signal(world).level == 2


def test_the_waiting_sessions_come_from_the_organisation_setting(world):
    MeasuresSettings.objects.create(organisation=world.org, wait_sessions=8)
    course = start_course(world)
    _scores(world, course, [17, 17, 17, 17, 17, 17])
    assert _signal(world) is None  # too early to say before session 8


def test_red_clients_come_first_on_the_caseload(world, client):
    course = start_course(world, "self")
    _scores(world, course, [8, 16])
    login(client, world.m["therapist"])
    body = client.get("/clients/").content.decode()
    assert body.index("Sam Client") < body.index("Maya Okafor")
    assert "PHQ-9: not on track at session 2" in body


def test_a_signal_is_set_only_for_open_courses(world):
    course = start_course(world)
    _scores(world, course, [10, 17])
    from openipt.courses.models import Course

    Course.objects.filter(pk=course.pk).update(status="completed")
    assert outcome_actions.refresh_signal(world.clients["mine"].pk, world.org.pk) is None
    assert _signal(world) is None


@pytest.mark.parametrize("own", [True, False])
def test_the_expected_path_comes_from_the_default_table_until_enough_courses(world, own):
    MeasuresSettings.objects.create(organisation=world.org, use_own_trajectories=own)
    from openipt.measures import instruments

    table = outcome_actions.trajectory_table(world.org.pk, instruments.get("phq9"))
    assert {b.source for b in table.bands} == {"default"}  # no completed courses yet
    assert [b.band_id for b in table.bands] == ["mild", "moderate", "moderately_severe", "severe"]


def test_the_organisations_own_table_is_used_once_it_has_thirty_completed_courses(world):
    from openipt.measures import instruments
    from openipt.measures.engine import Administration as Row
    from openipt.measures.engine import derive_table

    inst = instruments.get("phq9")
    day = timezone.localdate()
    courses = [[Row(day, 1, 12), Row(day, 2, 12), Row(day, 3, 11)] for _ in range(30)]
    table = derive_table(inst, courses, min_per_session=10)
    moderate = table.for_band("moderate")
    assert moderate.source == "organisation" and moderate.courses == 30
    assert moderate.cell(2).expected_change == 0 and not moderate.cell(2).from_default
    assert table.for_band("severe").source == "default"


def test_time_travel_helper_keeps_sessions_in_order(world):
    course = start_course(world)
    add_session(world, course)
    shift_course(course, 30)
    starts = list(course.sessions.order_by("number").values_list("scheduled_start", flat=True))
    assert starts == sorted(starts) and starts[-1] < timezone.now()


def test_the_organisations_table_is_derived_from_its_own_completed_courses_in_the_database(world):
    """30 completed courses that start moderate (12) and stay flat give the organisation's own moderate band."""
    from openipt.courses import actions as course_actions
    from openipt.courses.models import Course
    from openipt.measures import instruments
    from tests.support.people import make_client

    therapist = actor(world.m["therapist"])
    flat = [(2, 2, 2, 2, 2, 1, 1, 0, 0), (2, 2, 2, 2, 2, 1, 1, 0, 0), (2, 2, 2, 2, 1, 1, 1, 0, 0)]  # 12, 12, 11
    made = []
    for _ in range(30):
        person = make_client(world.m["admin"], assign_to=world.m["therapist"])
        course = course_actions.start_course(therapist, person.pk, format_id="individual",
                                             start_date=timezone.localdate(), first_session=timezone.now())
        for _n in range(2):
            add_session(world, course, days_after_last=1)
        for number, values in enumerate(flat, start=1):
            actions.enter_paper(therapist, course.pk, instrument_code="phq9", session_number=number,
                                completed_on=timezone.localdate(), answers=phq9(*values, difficulty=0))
        made.append(course.pk)
    # an open course with a steep fall does not count, and neither does another organisation's
    still_open = start_course(world, "self")
    _scores(world, still_open, [12, 2])
    inst = instruments.get("phq9")
    table, used = outcomes.derive_for_organisation(world.org.pk, inst)
    assert used == 0 and table.for_band("moderate").source == "default"  # none completed yet
    Course.objects.filter(pk__in=made).update(status="completed")
    table, used = outcomes.derive_for_organisation(world.org.pk, inst)
    assert used == 30
    moderate = table.for_band("moderate")
    assert moderate.source == "organisation" and moderate.courses == 30
    assert moderate.cell(2).expected_change == 0 and moderate.cell(3).expected_change == -1
    assert outcomes.derive_for_organisation(world.other_org.pk, inst)[1] == 0
    # once the organisation chooses its own paths, the stored table is the derived one
    MeasuresSettings.objects.create(organisation=world.org, use_own_trajectories=True)
    stored = outcome_actions.trajectory_table(world.org.pk, inst, refresh=True)
    assert stored.for_band("moderate").source == "organisation"
    assert outcome_actions.trajectory_table(world.org.pk, inst).for_band("moderate").courses == 30
