"""Demo and synthetic supervision data."""

from __future__ import annotations

import pytest

from openipt.audit.actions import verify_chain
from openipt.seed import demo, synth
from openipt.supervision import api
from openipt.supervision.models import FidelityRating, RatingReply, SignOff


@pytest.mark.slow
def test_the_demo_has_ratings_a_reply_and_a_signed_off_facilitator_and_loads_once(db, client):
    world = demo.load_demo()
    counts = (FidelityRating.objects.count(), SignOff.objects.count(), RatingReply.objects.count())
    demo.load_demo()
    assert (FidelityRating.objects.count(), SignOff.objects.count(), RatingReply.objects.count()) == counts
    assert FidelityRating.objects.filter(is_current=True).count() >= 3
    assert FidelityRating.objects.filter(version=2).exists()
    assert RatingReply.objects.exclude(text="").exists()
    assert api.is_signed_off(world.members["facilitator"].pk)
    assert verify_chain().ok
    client.post("/account/login/", {"username": "supervisor", "password": demo.DEMO_PASSWORD})
    page = client.get("/supervision/").content.decode()
    assert "Sam Okoro" in page and "<svg" in page


@pytest.mark.slow
def test_synthetic_data_has_ratings_from_each_therapists_supervisor(db):
    world = synth.generate(300, seed=3)
    ratings = FidelityRating.objects.filter(organisation=world.organisation)
    assert ratings.count() > 5
    sample = ratings.select_related("rated", "rater").first()
    assert sample.rater_id == sample.rated.supervisor_id
    assert 0 <= sample.score_percent <= 100


@pytest.mark.slow
def test_the_demo_has_trainees_at_different_competency_levels_one_signed_off_and_one_flagged(db):
    from openipt.supervision.models import CompetencyAssessment, CompetencyFlag, SignOff

    world = demo.load_demo()
    demo.load_demo()  # a second load adds nothing
    org = world.organisation
    grace = world.members["facilitator"]
    assert SignOff.objects.filter(membership=grace, competency="group_lead", withdrawn_at__isnull=True).count() == 1
    firsts = CompetencyAssessment.objects.filter(organisation=org, first__isnull=True)
    assert firsts.filter(trainee=grace).count() == 2
    assert CompetencyAssessment.objects.filter(organisation=org, first__isnull=False).count() == 1  # a second rater
    lowest = {a.trainee.user.username: min(a.levels.values()) for a in firsts.order_by("observed_on", "pk")}
    assert lowest == {"facilitator": 3, "trainee-joseph": 2, "trainee-mary": 1}
    [flag] = CompetencyFlag.objects.filter(organisation=org)
    assert flag.trainee.user.username == "trainee-mary" and flag.acted_at is None
