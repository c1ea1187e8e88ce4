"""An admin changes how long to wait before not-on-track signals; two admins at once do not overwrite each other."""

from __future__ import annotations

from openipt.measures.models import MeasuresSettings
from tests.support.people import login


def _form(version: int, wait: str = "6", days: str = "7") -> dict:
    return {"wait_sessions": wait, "link_days": days, "version": str(version)}


def test_an_admin_saves_the_waiting_sessions_and_a_stale_form_is_shown_what_changed(world, client):
    login(client, world.m["admin"])
    page = client.get("/measures/settings/").content.decode()
    assert "Sessions to wait before a not-on-track signal" in page
    # the first save is kept
    response = client.post("/measures/settings/", _form(1, wait="6"))
    assert response.status_code == 302
    saved = MeasuresSettings.objects.get(organisation=world.org)
    assert (saved.wait_sessions, saved.link_days, saved.version) == (6, 7, 2)
    # a second admin's form, opened before that save, is refused with a message and keeps their typing
    response = client.post("/measures/settings/", _form(1, wait="9"))
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else changed these settings" in page
    assert 'value="9"' in page and 'name="version" value="2"' in page
    assert MeasuresSettings.objects.get(organisation=world.org).wait_sessions == 6
    # saving again after reading goes through
    assert client.post("/measures/settings/", _form(2, wait="9")).status_code == 302
    assert MeasuresSettings.objects.get(organisation=world.org).wait_sessions == 9


def test_a_waiting_time_out_of_range_is_refused_beside_the_field(world, client):
    login(client, world.m["admin"])
    response = client.post("/measures/settings/", _form(1, wait="40"))
    assert response.status_code == 200 and 'value="40"' in response.content.decode()
    assert not MeasuresSettings.objects.filter(organisation=world.org, wait_sessions=40).exists()
