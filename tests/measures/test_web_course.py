"""The course's scores: chart with bands, cut-off, phases and expected range; verdicts; items; client summary."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.measures import actions
from openipt.measures.models import Administration
from openipt.measures.queries import summary
from tests.support.measures import add_session, phq9, start_course
from tests.support.people import actor, login


def _enter(world, course, number, code, values):
    return actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code=code, session_number=number,
                               completed_on=timezone.localdate(), answers=values)


def _improver(world):
    """A course with PHQ-9 18 -> 12 -> 7 -> 5 and GAD-7 12 -> 6 (sessions 1-4)."""
    course = start_course(world)
    actions.ensure_default_schedule(course)
    for _ in range(3):
        add_session(world, course)
    for n, values in enumerate([(3, 3, 3, 3, 3, 3, 0, 0, 0), (3, 3, 3, 3, 0, 0, 0, 0, 0),
                                (3, 2, 1, 1, 0, 0, 0, 0, 0), (2, 1, 1, 1, 0, 0, 0, 0, 0)], start=1):
        _enter(world, course, n, "phq9", phq9(*values, difficulty=1))
    _enter(world, course, 1, "gad7", {f"q{i}": v for i, v in enumerate([2, 2, 2, 2, 2, 1, 1], start=1)} | {"difficulty": 1})
    _enter(world, course, 4, "gad7", {f"q{i}": v for i, v in enumerate([1, 1, 1, 1, 1, 1, 0], start=1)} | {"difficulty": 0})
    return course


def test_the_course_page_shows_the_chart_verdicts_and_item_answers(world, client):
    course = _improver(world)
    login(client, world.m["therapist"])
    response = client.get(f"/measures/course/{course.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    # the chart, drawn on the server, with the severity bands, the cut-off, the phases and its table
    assert body.count('<svg') >= 2 and "Moderately severe" in body and "Cut-off 10" in body
    assert "Initial phase" in body and "Show the numbers" in body
    # verdicts: 18 -> 5 is a reliable improvement (6+), a response (50%+) but not remission (under 5)
    assert "Reliable improvement" in body and ">Response<" in body and "No remission" in body
    # the NHS Talking Therapies pair: a case at the start, recovered (PHQ-9 < 10 and GAD-7 < 8 at the end)
    assert "PHQ-9 and GAD-7 together" in body and "Reliable recovery" in body
    # the definitions are one click away, and each question's answers are visible
    assert "What these words mean" in body and "Jacobson" in body
    assert "Answers to each PHQ-9 question" in body and "Little interest or pleasure in doing things" in body
    data = response.context["summary"]
    phq = data.instruments[0]
    assert phq.inst.code == "phq9" and [a.total for a in phq.administrations] == [18, 12, 7, 5]
    assert phq.outcome.reliable_change.status == "improvement" and phq.outcome.response.status == "response"
    assert data.pair.recovery.status == "met" and data.pair.reliable_recovery.status == "met"


def test_one_score_is_honestly_not_enough_data(world, client):
    course = start_course(world)
    _enter(world, course, 1, "phq9", phq9(2, 2, 2, 2, 2, 0, 0, 0, 0, difficulty=1))
    login(client, world.m["therapist"])
    body = client.get(f"/measures/course/{course.pk}/").content.decode()
    assert "Not enough data" in body and "1 attended session with a score; 2 needed" in body


def test_the_expected_range_is_drawn_from_the_first_score(world):
    course = _improver(world)
    data = summary.course_summary(course)
    chart = data.instruments[0].chart
    assert "oi-expected" in chart.svg
    expected = [row for row in chart.table_rows if row[0] == "4"][0]
    # moderately severe start (band midpoint 17): E(4) = -0.5 * 17 * (1 - e^-0.6) = -3.84, upper E + 6
    assert expected[3] == "14.2–20.2", expected


def test_the_course_page_shows_the_same_chart_as_the_panel_on_the_course_overview(world, client):
    course = _improver(world)
    login(client, world.m["therapist"])
    overview = client.get(f"/courses/{course.pk}/").content.decode()
    assert "All scores and questionnaires" in overview and "Reliable improvement" in overview
    assert 'id="panel-phq9-title"' in overview


def test_dates_are_placed_between_sessions_on_the_axis():
    class C:
        start_date = date(2026, 1, 1)
        frequency = "weekly"
        sessions_planned = 12

    anchors = [(1, date(2026, 1, 5)), (2, date(2026, 1, 12)), (3, date(2026, 1, 26))]
    assert summary.position_of(date(2025, 12, 20), C, anchors) is None  # before the course
    assert summary.position_of(date(2026, 1, 3), C, anchors) == 1.0
    assert summary.position_of(date(2026, 1, 19), C, anchors) == 2.5
    assert summary.position_of(date(2026, 2, 2), C, anchors) == 4.0  # past the last session, by the frequency
    assert summary.position_of(date(2027, 1, 1), C, anchors) == 12  # never past the contract


def test_an_administration_page_shows_every_answer_and_its_score(world, client):
    course = _improver(world)
    admin = Administration.objects.filter(course=course, instrument_code="phq9").order_by("session_number").first()
    login(client, world.m["supervisor"])
    body = client.get(f"/measures/answers/{admin.uuid}/").content.decode()
    assert "Nearly every day (3)" in body and "Not at all (0)" in body and "not scored" in body
    assert "Entered by staff" in body


def test_the_client_record_shows_the_latest_scores(world, client):
    course = _improver(world)
    login(client, world.m["therapist"])
    body = client.get(f"/clients/{world.clients['mine'].pk}/").content.decode()
    assert "PHQ-9 5 (mild)" in body and "4 scores" in body
    assert f"/measures/course/{course.pk}/" in body


def test_the_course_page_runs_the_same_queries_with_few_or_many_scores(world, client):
    course = start_course(world)
    actions.ensure_default_schedule(course)
    login(client, world.m["therapist"])
    _enter(world, course, 1, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=1))

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [f"/measures/course/{course.pk}/", f"/courses/{course.pk}/", f"/clients/{world.clients['mine'].pk}/"]
    small = [count(u) for u in urls]
    for n in range(2, 9):
        add_session(world, course)
        _enter(world, course, n, "phq9", phq9(2, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=1))
        if n % 4 == 0:
            _enter(world, course, n, "gad7", {f"q{i}": 1 for i in range(1, 8)} | {"difficulty": 1})
    _enter(world, course, 1, "gad7", {f"q{i}": 1 for i in range(1, 8)} | {"difficulty": 1})
    large = [count(u) for u in urls]
    assert large == small


def test_life_events_from_the_timeline_are_drawn_between_the_sessions(world, client):
    from openipt.assessment import timeline_actions
    from tests.support.measures import shift_course

    course = start_course(world)
    for _ in range(3):
        add_session(world, course)
    shift_course(course, 20)  # sessions 1-3 are past, session 4 is next week
    today = timezone.localdate()
    timeline_actions.add_event(actor(world.m["therapist"]), world.clients["mine"].pk, {
        "kind": "dispute", "year": today.year, "month": today.month, "day": today.day,
        "description": "Row with my sister"})
    timeline_actions.add_event(actor(world.m["therapist"]), world.clients["mine"].pk, {
        "kind": "death_loss", "year": today.year - 2, "description": "Father died"})
    _enter(world, course, 1, "phq9", phq9(2, 2, 2, 2, 2, 0, 0, 0, 0, difficulty=1))
    data = summary.course_summary(course)
    chart = data.instruments[0].chart
    assert "Row with my sister" in chart.svg
    assert [e.label for e in data.events_before] == ["Father died"]
    login(client, world.m["therapist"])
    body = client.get(f"/measures/course/{course.pk}/").content.decode()
    assert "Life events before the course:" in body and "Father died" in body


def test_the_charts_table_of_numbers_says_the_stored_score_of_each_session(world):
    course = _improver(world)
    data = summary.course_summary(course, id_prefix="t")
    for s in data.instruments:
        stored = {a.session_number: a.total for a in Administration.objects.filter(
            course=course, instrument_code=s.inst.code, status="completed")}
        assert list(s.chart.table_headers[:3]) == ["Session", s.inst.short_name, "Severity"]
        shown = {int(row[0]): int(row[1]) for row in s.chart.table_rows if row[1]}
        assert len(stored) >= 2 and shown == stored, s.inst.code
        # and each severity word is the band of the stored score
        for row in s.chart.table_rows:
            if row[1]:
                assert row[2] == s.inst.band_for(int(row[1])).label


def test_a_score_from_before_the_course_started_is_drawn_at_zero_and_said_so(world):
    """A screening score entered by date before the course's start (an import, the API, paper) is on the chart and
    in its table of numbers, at 0, with a note; never a chart saying "No scores yet" beside "2 scores"."""
    course = start_course(world)
    before = timezone.localdate() - timedelta(days=10)
    for day, values in ((before, (3, 3, 2, 2, 2, 1, 1, 0, 0)), (timezone.localdate(), (2, 2, 1, 1, 1, 0, 0, 0, 0))):
        actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=None,
                            completed_on=day, answers=phq9(*values, difficulty=1))
    chart = summary.course_summary(course).instruments[0].chart
    assert "No scores yet" not in chart.svg and "2 scores" in chart.description
    rows = {row[0]: row for row in chart.table_rows}
    assert rows["0"][1] == "14" and "before the course started" in " ".join(rows["0"])
    assert chart.svg.count("oi-line") == 1
