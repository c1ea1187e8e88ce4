"""A site adds its own licensed questionnaire as a file: it is scheduled, filled in and scored with no code change."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from openipt.core.errors import ActionError
from openipt.measures import actions, instruments
from openipt.measures.models import Administration
from tests.support.measures import start_course
from tests.support.people import actor, login

EXAMPLE = Path(__file__).parent / "data" / "example_perinatal.yaml"


@pytest.fixture
def site_dir(tmp_path):
    def make(embeddable: bool) -> str:
        text = EXAMPLE.read_text(encoding="utf-8")
        if embeddable:  # the site holds the licence, so it may show the wording to its clients
            text = text.replace("embeddable: false", "embeddable: true")
        (tmp_path / "example_perinatal.yaml").write_text(text, encoding="utf-8")
        return str(tmp_path)

    instruments.registry.cache_clear()
    yield make
    instruments.registry.cache_clear()


def test_a_licensed_file_the_site_adds_is_given_and_scored_like_the_shipped_ones(world, client, site_dir):
    with override_settings(OPENIPT_INSTRUMENT_DIRS=[site_dir(True)]):
        instruments.registry.cache_clear()
        course = start_course(world, "self")
        actions.add_schedule(actor(world.m["therapist"]), course.pk, instrument_code="example_perinatal",
                             rule="every_session")
        login(client, world.m["client"])
        assert "Fill in the EPS" in client.get("/me/").content.decode()
        key = f"c{course.pk}.s1.example_perinatal"
        page = client.get(f"/measures/me/{key}/").content.decode()
        assert "I have been able to laugh at small things." in page
        answers = {f"q{i}": "0" for i in range(1, 11)}
        response = client.post(f"/measures/me/{key}/", answers)
        assert response.status_code == 302
        admin = Administration.objects.get(due_key=key)
        # answer 0 scores 0 on the plain items and 3 on the reverse-scored ones
        inst = instruments.get("example_perinatal")
        expected = sum(3 if item.reverse else 0 for item in inst.scored_items)
        assert admin.total == expected and admin.instrument_version == "1.0"


def test_a_file_whose_licence_forbids_showing_it_cannot_be_given(world, site_dir):
    with override_settings(OPENIPT_INSTRUMENT_DIRS=[site_dir(False)]):
        instruments.registry.cache_clear()
        course = start_course(world)
        with pytest.raises(ActionError) as caught:
            actions.add_schedule(actor(world.m["therapist"]), course.pk, instrument_code="example_perinatal",
                                 rule="every_session")
        assert caught.value.field == "instrument_code"
