"""Demo and synthetic questionnaire data: the four stories of the demo, and bulk trajectories for synth."""

from __future__ import annotations

import pytest

from openipt.clients.models import ClientSignal
from openipt.courses.models import Course
from openipt.measures.models import Administration, MeasurePlan, Schedule, Status
from openipt.measures.queries import summary


def _outcome(name):
    given, family = name.split(" ", 1)
    course = Course.objects.filter(client__given_name=given, client__family_name=family).first()
    return summary.course_summary(course).instruments[0]


@pytest.mark.slow
def test_the_demo_tells_four_stories_and_loading_twice_changes_nothing(db):
    from openipt.seed.demo import load_demo

    load_demo()
    count = Administration.objects.count()
    load_demo()
    assert Administration.objects.count() == count > 40
    improver, late, non, worse = (_outcome(n) for n in ("Tomás Herrera", "Fatima Yusuf", "Hannah Schmidt", "Amara Haddad"))
    assert improver.outcome.reliable_change.status == "improvement" and improver.outcome.response.status == "response"
    assert late.outcome.reliable_change.status == "improvement"
    assert [t.zone for t in late.track][:4] == ["too_early", "too_early", "amber", "amber"]  # sessions 2-5
    assert non.outcome.reliable_change.status == "no_reliable_change"
    assert worse.outcome.reliable_change.status == "deterioration"
    red = ClientSignal.objects.get(source="measures", client__given_name="Amara")
    assert red.level == 2 and red.label.startswith("PHQ-9: not on track")
    assert Administration.objects.filter(instrument_code="hamd17", status=Status.COMPLETED).count() == 2


@pytest.mark.slow
def test_synthetic_courses_get_schedules_and_trajectories_in_bulk(db):
    from openipt.seed.synth import generate

    world = generate(120, seed=7)
    courses = Course.objects.filter(organisation=world.organisation).exclude(format_id="group")  # group courses: tests/groups
    assert MeasurePlan.objects.filter(course__in=courses).count() == courses.count() > 0
    assert Schedule.objects.filter(course__in=courses).count() == 2 * courses.count()
    admins = Administration.objects.filter(organisation=world.organisation)
    assert admins.count() == world.measures_administrations > 0
    assert not admins.exclude(status=Status.COMPLETED).exists()
    sample = admins.filter(instrument_code="phq9").first()
    assert sum(v for k, v in sample.answers.items() if k.startswith("q")) == sample.total
    assert sample.answers["q9"] == 0
