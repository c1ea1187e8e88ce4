"""The facilitators' competency in the monthly CSV and DHIS2 report: the values, small numbers hidden, and the
indicators optional in a DHIS2 mapping (through the real actions, pages and database)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from openipt.accounts.models import Membership, Role
from openipt.programmes.models import ProgrammeSettings
from openipt.supervision import actions as sup
from openipt.supervision import competency_actions
from tests.programmes.test_pages import FULL, signed_in_manager, this_month
from tests.programmes.test_queries import build
from tests.support.competency import assess, levels
from tests.support.people import actor, make_member

pytestmark = pytest.mark.django_db


def _competency(world) -> int:
    """Ten new facilitators: six assessed and signed off, then one of them assessed again with a harmful item (the
    rule withdraws that sign-off); the last has an assessment still waiting for its second rater.
    Returns how many active facilitators the organisation has."""
    admin = world.m["admin"]
    team = [make_member(world.org, Role.FACILITATOR, username=f"fac-{n}", supervisor=world.m["supervisor"])
            for n in range(10)]
    for member in team[:6]:
        assess(admin, member)
        sup.sign_off(actor(admin), member.pk, competency="group_lead")
    assess(admin, team[5], 3, warmth=1)
    competency_actions.assess(actor(admin), team[9].pk, levels=levels(3), source="live",
                              second_rater=world.m["supervisor"].pk)
    return Membership.objects.filter(organisation=world.org, role=Role.FACILITATOR, is_active=True).count()


def test_the_csv_counts_facilitators_assessed_signed_off_and_flagged_hiding_small_numbers(world, client):
    build(world)
    total = _competency(world)
    signed_in_manager(world, client)
    response = client.get("/programme/report/", {"month": this_month(), "format": "csv"})
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["facilitators"]["value"] == str(total)
    assert rows["facilitators_assessed"]["value"] == "6"  # not the one waiting for its second rating
    assert rows["facilitators_assessed"]["denominator"] == str(total)
    assert rows["facilitators_signed_off"]["value"] == "5"  # the rule withdrew one this month
    assert rows["facilitators_harmful_open"]["value"] == "<5"
    assert rows["facilitators_harmful_open"]["note"] == "small number hidden"


def test_an_old_mapping_stays_complete_and_a_mapped_competency_indicator_is_sent_unless_hidden(world, client):
    build(world)
    _competency(world)
    signed_in_manager(world, client)
    settings = ProgrammeSettings.objects.create(organisation=world.org, dhis2_org_unit="OU_RIVER", dhis2_mapping=FULL)
    doc = json.loads(client.get("/programme/report/", {"month": this_month(), "format": "dhis2"}).content)
    assert not any(v["dataElement"].startswith("IPT_FAC") for v in doc["dataValues"])  # not mapped: not sent
    settings.dhis2_mapping = FULL + "\nfacilitators_assessed = IPT_FAC_ASSESSED\nfacilitators_harmful_open = IPT_FAC_HARM"
    settings.save()
    doc = json.loads(client.get("/programme/report/", {"month": this_month(), "format": "dhis2"}).content)
    sent = {v["dataElement"]: v["value"] for v in doc["dataValues"]}
    assert sent["IPT_FAC_ASSESSED"] == "6" and "IPT_FAC_HARM" not in sent  # a hidden value is never sent
    settings.dhis2_mapping = FULL + "\nfacilitators_assesed = IPT_X"
    settings.save()
    refused = client.get("/programme/report/", {"month": this_month(), "format": "dhis2"}).content.decode()
    assert "cannot be used yet" in refused and "no indicator" in refused
