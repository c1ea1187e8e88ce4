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
