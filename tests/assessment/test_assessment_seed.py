"""Demo assessments, loaded once through the real actions; synthetic assessments in bulk; the bench scenarios."""

from __future__ import annotations

import pytest

from openipt.assessment import api, casebuild
from openipt.assessment.models import (
    AreaChoice,
    ClientAssessment,
    FormulationVersion,
    InventoryPerson,
    InventoryRevision,
    LifeEvent,
)
from openipt.audit.actions import verify_chain
from openipt.clients.models import Client
from openipt.courses.models import Course
from openipt.seed import demo, synth


def _counts():
    return (InventoryPerson.objects.count(), LifeEvent.objects.count(), FormulationVersion.objects.count(),
            AreaChoice.objects.count(), InventoryRevision.objects.count())


@pytest.mark.slow
def test_the_demo_has_inventories_timelines_and_formulations_and_loads_once(db, client):
    world = demo.load_demo()
    first = _counts()
    demo.load_demo()
    assert _counts() == first and first[0] >= 10
    assert verify_chain().ok
    daniel = world.clients["Daniel Kowalski"]
    assert casebuild.build(daniel).suggestions[0].area == "grief"
    amara = world.clients["Amara Haddad"]
    course = Course.objects.get(client=amara)
    assert api.has_agreed_formulation(course) is True
    leila = InventoryPerson.objects.get(client=amara, name="Leila")
    assert leila.client_version == leila.version == 2  # changed by Amara in the portal
    client.post("/account/login/", {"username": "therapist", "password": demo.DEMO_PASSWORD})
    page = client.get(f"/assessment/client/{amara.pk}/inventory/").content.decode()
    assert "1 entry was changed by the client since you last looked." in page
    for c in Client.objects.filter(inventory_people__isnull=False).distinct():
        for url in (f"/assessment/client/{c.pk}/inventory/", f"/assessment/client/{c.pk}/timeline/"):
            assert client.get(url).status_code == 200
    for course in Course.objects.filter(client__inventory_people__isnull=False).distinct():
        assert client.get(f"/assessment/course/{course.pk}/suggestions/").status_code == 200
        assert client.get(f"/assessment/course/{course.pk}/formulation/").status_code == 200
    client.post("/account/logout/")
    client.post("/account/login/", {"username": "client", "password": demo.DEMO_PASSWORD})
    assert "You agreed with this on" in client.get("/assessment/mine/formulation/").content.decode()


@pytest.mark.slow
def test_synthetic_courses_get_inventories_timelines_and_formulations_in_bulk(db):
    world = synth.generate(300, seed=5, slug="synth-assessment")
    courses = Course.objects.filter(organisation=world.organisation).exclude(format_id="group")  # group courses: tests/groups
    assert courses.exists()
    with_people = Client.objects.filter(organisation=world.organisation, inventory_people__isnull=False).distinct().count()
    assert with_people == courses.count() == len(world.assessment_client_ids)
    assert InventoryRevision.objects.count() == InventoryPerson.objects.count()
    assert ClientAssessment.objects.count() == courses.count() == LifeEvent.objects.count()
    chosen = courses.exclude(primary_area="")
    assert AreaChoice.objects.count() == chosen.count() == FormulationVersion.objects.count()
    middle = chosen.exclude(phase="initial").first()
    if middle is not None:
        assert api.has_agreed_formulation(middle) is True
    built = casebuild.build(courses.first().client)
    assert built.problem == "" and built.data["inventory"]


@pytest.mark.slow
def test_the_bench_scenarios_answer_as_working_pages(db, client):
    from bench.scenarios.assessment import scenarios
    from tests.support.people import login

    world = synth.generate(200, seed=9, slug="synth-bench-assessment")
    found = scenarios(world)
    assert {s.name for s in found} >= {"assessment.inventory.therapist", "assessment.timeline.therapist",
                                       "assessment.suggestions.therapist", "assessment.formulation.therapist"}
    for scenario in found:
        client.logout()
        login(client, scenario.membership)
        assert client.get(scenario.path).status_code == 200, scenario.name
