"""A token acts as its membership: a therapist limited to one site reads no client, course or group of another
site through the REST API or FHIR, exactly as on the screens (the same `visible_clients` and `visible_groups`)."""

from __future__ import annotations

import pytest
from django.db import transaction

from openipt.accounts.models import Membership, Site
from openipt.clients.models import Client
from openipt.groups.models import Group
from tests.support.api import call


def _limited(api_world, where_client: str, where_staff: str, who: str, path: str) -> tuple[int, object]:
    w = api_world.world
    with transaction.atomic():
        sites = {name: Site.objects.create(organisation=w.org, name=name) for name in ("North", "South")}
        Client.objects.filter(organisation=w.org).update(site=sites[where_client])
        Group.objects.filter(organisation=w.org).update(site=sites[where_client])
        Membership.objects.filter(pk=w.m[who].pk).update(site=sites[where_staff])
        response = call(api_world.secrets[who], "GET", path)
        body = response.json() if response.status_code == 200 else None
        transaction.set_rollback(True)
    return response.status_code, body


@pytest.mark.django_db
def test_a_therapist_limited_to_another_site_reads_not_their_client(api_world):
    mine = api_world.world.clients["mine"]
    assert _limited(api_world, "North", "South", "therapist", f"clients/{mine.pk}")[0] == 404
    assert _limited(api_world, "North", "North", "therapist", f"clients/{mine.pk}")[0] == 200
    assert _limited(api_world, "North", "South", "therapist", f"courses/{api_world.course.pk}")[0] == 404
    status, listing = _limited(api_world, "North", "South", "therapist", "clients")
    assert status == 200 and mine.pk not in [row["id"] for row in listing["items"]]
    assert _limited(api_world, "North", "South", "therapist", f"/fhir/Patient/{mine.pk}")[0] == 404
    assert _limited(api_world, "North", "North", "therapist", f"/fhir/Patient/{mine.pk}")[0] == 200


@pytest.mark.django_db
def test_a_facilitator_limited_to_another_site_reads_not_their_group(api_world):
    path = f"groups/{api_world.group.pk}"
    assert _limited(api_world, "North", "South", "facilitator", path)[0] == 404
    assert _limited(api_world, "North", "North", "facilitator", path)[0] == 200
