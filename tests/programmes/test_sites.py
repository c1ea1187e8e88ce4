"""Sites: an organisation's clinics, villages or districts; staff limited to their site; sessions in a site's zone.

The limit lives in the access functions every page, API call and sync reads through (`visible_clients`,
`visible_groups`, `can_view_client`); these tests check it there and on the pages.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from openipt.accounts import site_actions
from openipt.accounts.models import Membership, Role, Site
from openipt.audit.models import AuditEvent
from openipt.clients import site_actions as client_site_actions
from openipt.clients.access import can_view_client, visible_clients
from openipt.clients.models import Client
from openipt.core.errors import ActionError
from openipt.groups import edit_actions
from openipt.groups import site_actions as group_site_actions
from openipt.groups.access import visible_groups
from openipt.groups.models import Group, GroupSession
from openipt.programmes import queries
from tests.programmes.test_pages import FULL, signed_in_manager, this_month
from tests.programmes.test_queries import build
from tests.support.groups import group
from tests.support.people import actor, login, make_member


def site(world, name="North clinic", zone="Africa/Kampala", code=""):
    return site_actions.save_site(actor(world.m["admin"]), None, site_actions.SiteInput(name, "clinic", zone, True, code))


def place_staff(world, where, *who):
    site_actions.set_staff_site(actor(world.m["admin"]), where.pk if where else None, [world.m[w].pk for w in who])


def place_clients(world, where, *clients):
    client_site_actions.set_client_site(actor(world.m["admin"]), where.pk, client_ids=[c.pk for c in clients])


def test_a_therapist_limited_to_a_site_does_not_see_their_client_in_another_site(world, client):
    north, south = site(world), site(world, "South village", "Africa/Nairobi")
    mine = world.clients["mine"]
    place_clients(world, north, mine)
    place_staff(world, south, "therapist")
    therapist = actor(Membership.objects.get(pk=world.m["therapist"].pk))
    assert mine.pk not in set(visible_clients(therapist).values_list("pk", flat=True))
    assert not can_view_client(therapist, Client.objects.get(pk=mine.pk))
    login(client, world.m["therapist"])
    assert client.get(f"/clients/{mine.pk}/").status_code == 404
    assert f"/clients/{mine.pk}/" not in client.get("/clients/").content.decode()
    # the same therapist in the client's site sees them again: the limit, not something else, hid them
    place_staff(world, north, "therapist")
    assert client.get(f"/clients/{mine.pk}/").status_code == 200


def test_records_with_no_site_stay_visible_to_site_staff_and_admins_are_never_limited(world):
    north = site(world)
    place_staff(world, north, "therapist", "admin")
    therapist = actor(Membership.objects.get(pk=world.m["therapist"].pk))
    admin = actor(Membership.objects.get(pk=world.m["admin"].pk))
    assert world.clients["mine"].pk in set(visible_clients(therapist).values_list("pk", flat=True))  # no site
    place_clients(world, site(world, "South village"), world.clients["mine"], world.clients["theirs"])
    assert world.clients["mine"].pk not in set(visible_clients(therapist).values_list("pk", flat=True))
    assert set(visible_clients(admin).values_list("pk", flat=True)) == set(
        Client.objects.filter(organisation=world.org).values_list("pk", flat=True))


def test_a_facilitator_limited_to_a_site_does_not_see_another_site_s_group(world, client):
    grp = group(world)
    north, south = site(world), site(world, "South village")
    group_site_actions.set_group_site(actor(world.m["admin"]), north.pk, [grp.pk])
    place_staff(world, south, "facilitator", "supervisor")
    for who in ("facilitator", "supervisor"):
        assert not visible_groups(actor(Membership.objects.get(pk=world.m[who].pk))).filter(pk=grp.pk).exists()
    login(client, world.m["facilitator"])
    assert client.get(f"/groups/{grp.pk}/").status_code == 404
    place_staff(world, north, "facilitator")
    assert client.get(f"/groups/{grp.pk}/").status_code == 200


def test_a_group_in_a_site_meets_at_its_time_in_the_site_s_time_zone(world):
    tokyo = site(world, "Tokyo office", "Asia/Tokyo")
    grp = group(world, site_id=tokyo.pk, start_time=time(18, 30))
    zone = ZoneInfo("Asia/Tokyo")
    for when in GroupSession.objects.filter(group=grp).values_list("scheduled_start", flat=True):
        local = when.astimezone(zone)
        assert (local.hour, local.minute) == (18, 30)
    # a session moved to a day and time is moved to that time in the site's zone too
    day = timezone.localdate() + timedelta(days=3)  # between session 1 (today) and session 2 (in a week)
    moved = edit_actions.move_session(actor(world.m["admin"]), grp.pk, 1, starts_at=datetime.combine(day, time(9, 0)))
    assert moved.scheduled_start.astimezone(zone).hour == 9
    assert moved.scheduled_start.astimezone(zone).date() == day


def test_a_group_with_no_site_keeps_the_organisation_s_time_zone(world):
    grp = group(world, start_time=time(10, 0))
    when = GroupSession.objects.filter(group=grp).order_by("number").first().scheduled_start
    assert timezone.localtime(when).hour == 10


def test_bad_site_details_are_refused_with_the_field_named(world):
    admin = actor(world.m["admin"])
    for data, field in (
        (site_actions.SiteInput("", "clinic", "UTC"), "name"),
        (site_actions.SiteInput("X", "castle", "UTC"), "kind"),
        (site_actions.SiteInput("X", "clinic", "Mars/Olympus"), "time_zone"),
        (site_actions.SiteInput("X", "clinic", "../../etc/passwd"), "time_zone"),
        (site_actions.SiteInput("X", "clinic", "UTC", True, "bad code!"), "report_code"),
    ):
        with pytest.raises(ActionError) as refused:
            site_actions.save_site(admin, None, data)
        assert refused.value.field == field
    site(world, "North clinic")
    with pytest.raises(ActionError) as refused:
        site(world, "north CLINIC")
    assert refused.value.field == "name"
    with pytest.raises(ActionError):
        site_actions.save_site(actor(world.m["therapist"]), None, site_actions.SiteInput("Y", "clinic", "UTC"))
    assert Site.objects.filter(organisation=world.org).count() == 1


def test_unknown_record_numbers_are_named_and_nothing_changes(world):
    north = site(world)
    mine = world.clients["mine"]
    with pytest.raises(ActionError) as refused:
        client_site_actions.set_client_site(actor(world.m["admin"]), north.pk,
                                            record_numbers=[mine.record_number, "C-NOPE99"])
    assert "C-NOPE99" in refused.value.message
    assert Client.objects.filter(site=north).count() == 0
    # another organisation's record number is unknown here too
    with pytest.raises(ActionError):
        client_site_actions.set_client_site(actor(world.m["admin"]), north.pk,
                                            record_numbers=[world.clients["other"].record_number])
    assert client_site_actions.set_client_site(actor(world.m["admin"]), north.pk,
                                               record_numbers=[mine.record_number.lower()]) == 1
    assert AuditEvent.objects.filter(event_type="clients.site_set").exists()


def test_another_organisation_s_site_cannot_be_used(world):
    theirs = site_actions.save_site(actor(world.m["other_admin"]), None, site_actions.SiteInput("Far", "clinic", "UTC"))
    with pytest.raises(ActionError):
        site_actions.set_staff_site(actor(world.m["admin"]), theirs.pk, [world.m["therapist"].pk])
    with pytest.raises(ActionError):
        site_actions.set_staff_site(actor(world.m["admin"]), None, [world.m["other_therapist"].pk])
    with pytest.raises(ActionError):
        group(world, site_id=theirs.pk)


def test_the_admin_adds_a_site_and_places_staff_groups_and_clients_on_its_page(world, client):
    grp, made = build(world)
    login(client, world.m["admin"])
    page = client.post("/programme/sites/", {"name": "Kasese", "kind": "district", "time_zone": "Mars/Base",
                                             "is_active": "on"})
    assert page.status_code == 200 and "not a time zone we know" in page.content.decode()
    assert "Kasese" in page.content.decode()  # what was typed is kept
    response = client.post("/programme/sites/", {"name": "Kasese", "kind": "district", "time_zone": "Africa/Kampala",
                                                 "is_active": "on"})
    kasese = Site.objects.get(organisation=world.org, name="Kasese")
    assert response["Location"] == f"/programme/sites/{kasese.pk}/"
    client.post(response["Location"], {"part": "staff", "staff": [world.m["facilitator"].pk, world.m["therapist"].pk]})
    assert set(Membership.objects.filter(site=kasese).values_list("pk", flat=True)) == {
        world.m["facilitator"].pk, world.m["therapist"].pk}
    client.post(response["Location"], {"part": "staff", "staff": [world.m["facilitator"].pk]})  # exactly these
    assert list(Membership.objects.filter(site=kasese).values_list("pk", flat=True)) == [world.m["facilitator"].pk]
    client.post(response["Location"], {"part": "groups", "groups": [grp.pk], "with_members": "on"})
    assert set(Client.objects.filter(site=kasese).values_list("pk", flat=True)) == {m.client_id for m in made} | set(
        Client.objects.filter(group_memberships__group=grp).values_list("pk", flat=True))
    page = client.post(response["Location"], {"part": "clients", "record_numbers": "C-NOPE1, C-NOPE2"})
    assert "C-NOPE1" in page.content.decode()
    listing = client.get("/programme/sites/").content.decode()
    assert "Kasese" in listing and "Africa/Kampala" in listing
    login(client, world.m["other_admin"])
    assert client.get(f"/programme/sites/{kasese.pk}/").status_code == 404


def test_the_dashboard_and_report_show_one_site(world, client):
    grp, made = build(world)
    other, _others = build(world, prog=grp.programme, name="Thursday group")
    north = site(world, code="OU_NORTH")
    south = site(world, "South village")
    group_site_actions.set_group_site(actor(world.m["admin"]), north.pk, [grp.pk])
    group_site_actions.set_group_site(actor(world.m["admin"]), south.pk, [other.pk])
    who = signed_in_manager(world, client)
    today = timezone.localdate()
    both = queries.cohort(actor(who), queries.Filters(today - timedelta(days=40), today))
    one = queries.cohort(actor(who), queries.Filters(today - timedelta(days=40), today, site_id=north.pk))
    assert len(one.enrolments) == len(made) and len(both.enrolments) == len(made) * 2
    page = client.get("/programme/", {"site": north.pk}).content.decode()
    assert "North clinic" in page and "South village" in page  # both offered in the site choice
    # the DHIS2 report of a site goes under the site's own code; a site without one is named
    from openipt.programmes.models import ProgrammeSettings

    ProgrammeSettings.objects.create(organisation=world.org, dhis2_org_unit="OU_ORG", dhis2_mapping=FULL)
    body = client.get("/programme/report/", {"month": this_month(), "format": "dhis2", "site": north.pk})
    assert body.status_code == 200 and body["Content-Type"] == "application/json"
    assert body.json()["orgUnit"] == "OU_NORTH"
    refused = client.get("/programme/report/", {"month": this_month(), "format": "dhis2", "site": south.pk})
    assert "South village" in refused.content.decode() and refused["Content-Type"].startswith("text/html")


def test_a_manager_limited_to_a_site_sees_and_reports_only_that_site(world, client):
    grp, made = build(world)
    other, _others = build(world, prog=grp.programme, name="Thursday group")
    north, south = site(world, code="OU_NORTH"), site(world, "South village")
    group_site_actions.set_group_site(actor(world.m["admin"]), north.pk, [grp.pk])
    group_site_actions.set_group_site(actor(world.m["admin"]), south.pk, [other.pk])
    who = make_member(world.org, Role.MANAGER)
    site_actions.set_staff_site(actor(world.m["admin"]), north.pk, [who.pk])
    limited = actor(Membership.objects.get(pk=who.pk))
    today = timezone.localdate()
    seen = queries.cohort(limited, queries.Filters(today - timedelta(days=40), today))
    assert len(seen.enrolments) == len(made)
    assert [pk for pk, _name in queries.choices(limited)["sites"]] == [north.pk]
    login(client, who)
    assert "South village" not in client.get("/programme/").content.decode()


@pytest.mark.slow
def test_the_demo_has_three_sites_and_the_manager_sees_one_site_s_figures(db, client):
    from openipt.seed import demo

    world = demo.load_demo()
    demo.load_demo()  # a second run adds nothing
    sites = {s.name: s for s in Site.objects.filter(organisation=world.organisation)}
    assert set(sites) == {"Nansana health centre", "Riverside village", "Kasese district"}
    nansana = sites["Nansana health centre"]
    assert Group.objects.get(organisation=world.organisation, site=nansana).name == "Tuesday group, Nansana"
    assert Client.objects.filter(site=nansana).count() == 6  # the group's members came with it
    login(client, world.members["manager"])
    page = client.get("/programme/").content.decode()
    assert "Riverside village" in page
    one = client.get("/programme/", {"site": nansana.pk})
    assert one.status_code == 200
    today = timezone.localdate()
    manager = actor(world.members["manager"])
    start = today - timedelta(days=120)
    assert len(queries.cohort(manager, queries.Filters(start, today, site_id=nansana.pk)).enrolments) == 6


def test_a_large_programme_offers_the_chosen_site_s_groups_and_lists_the_first_facilitators(world, client, monkeypatch):
    grp, _made = build(world)
    other_leader = make_member(world.org, Role.FACILITATOR)
    other, _others = build(world, prog=grp.programme, name="Thursday group")
    from openipt.groups.models import Group as G

    G.objects.filter(pk=other.pk).update(facilitator=other_leader)
    north = site(world)
    group_site_actions.set_group_site(actor(world.m["admin"]), north.pk, [grp.pk])
    monkeypatch.setattr(queries, "MOST_LISTED", 1)  # "large": more groups than this
    who = make_member(world.org, Role.MANAGER)
    options = queries.choices(actor(who), north.pk)
    assert [name for _pk, name in options["groups"]] == ["Tuesday group"]
    assert [name for _pk, name in queries.choices(actor(who))["groups"]] == ["Thursday group"]  # no site
    assert [pk for pk, _name in options["facilitators"]] == [world.m["facilitator"].pk]  # the site's only
    from openipt.programmes import present

    monkeypatch.setattr(present, "ROWS_SHOWN", 1)
    login(client, who)
    page = client.get("/programme/").content.decode()
    assert "1 more facilitator is not listed" in page
