"""The figures `openipt programme-refresh` keeps: the same numbers as counting from the records, said to be kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.core.errors import ActionError
from openipt.programmes import indicators as ind
from openipt.programmes import queries, snapshot_actions
from openipt.programmes.forms import default_period
from openipt.programmes.models import ProgrammeSnapshot
from tests.programmes.test_pages import signed_in_manager
from tests.programmes.test_queries import build
from tests.support.people import actor


def test_kept_figures_are_the_figures_counted_from_the_records_and_the_page_says_when(world, client):
    _grp, made = build(world)
    who = signed_in_manager(world, client)
    live = client.get("/programme/").content.decode()
    assert "These figures were computed at" not in live
    # the organisation (it has no sites) and its one supervisor's groups
    assert snapshot_actions.refresh(None, organisation_id=world.org.pk) == 2
    kept = client.get("/programme/").content.decode()
    assert "These figures were computed at" in kept
    start, end = default_period()
    counted = ind.compute(queries.cohort(actor(who), queries.Filters(start, end)))
    figures = ProgrammeSnapshot.objects.get(organisation=world.org, supervisor=None).figures
    assert ind.from_counts(figures["total"], threshold=5).values == counted.values
    # the cascade table is drawn the same from both
    table = live[live.index("Care cascade"):live.index("Quality of care")]
    assert table == kept[kept.index("Care cascade"):kept.index("Quality of care")]


def test_a_facilitator_another_period_or_old_figures_are_counted_now(world, client):
    build(world)
    signed_in_manager(world, client)
    snapshot_actions.refresh(None, organisation_id=world.org.pk)
    page = client.get("/programme/", {"facilitator": world.m["facilitator"].pk}).content.decode()
    assert "These figures were computed at" not in page
    start, _end = default_period()
    earlier = (start - timedelta(days=1)).replace(day=1)
    page = client.get("/programme/", {"start": earlier.isoformat(), "end": (start - timedelta(days=1)).isoformat()})
    assert "These figures were computed at" not in page.content.decode()
    ProgrammeSnapshot.objects.update(computed_at=timezone.now() - timedelta(days=2))
    assert "These figures were computed at" not in client.get("/programme/").content.decode()


def test_only_an_admin_or_the_system_refreshes_the_figures(world):
    build(world)
    for who in ("therapist", "supervisor", "other_admin"):
        with pytest.raises(ActionError):
            snapshot_actions.refresh(actor(world.m[who]), organisation_id=world.org.pk)
    assert snapshot_actions.refresh(actor(world.m["admin"]), organisation_id=world.org.pk) == 2


def test_kept_competency_figures_are_the_ones_counted_now_until_the_tool_or_rule_changes(world, client):
    """The competency section is kept with the other figures (it is the slow part of a large programme's page)."""
    from openipt.programmes import competency_queries
    from openipt.supervision.models import CompetencyRule
    from tests.support.competency import assess

    build(world)
    assess(world.m["admin"], world.m["facilitator"], 3, warmth=1)  # a harmful item: a flag, and "harmful"
    admin = actor(world.m["admin"])
    live = competency_queries.summary(admin)
    assert live.standing["harmful"] == 1 and live.open_flags == 1
    snapshot_actions.refresh(None, organisation_id=world.org.pk)
    kept = competency_queries.from_kept(ProgrammeSnapshot.objects.get(organisation=world.org, supervisor=None).figures["competency"],
                                        world.org.pk)
    assert kept is not None
    assert (kept.facilitators, kept.standing, kept.signed_off, kept.open_flags, kept.by_item) == (
        live.facilitators, live.standing, live.signed_off, live.open_flags, live.by_item)
    signed_in_manager(world, client)
    page = client.get("/programme/").content.decode()
    assert "These figures were computed at" in page and "Facilitator competency" in page
    # A stricter rule changes what "meets" means: the kept figures are not used, they are counted again.
    CompetencyRule.objects.update_or_create(organisation_id=world.org.pk, defaults={"min_level": 4})
    assert competency_queries.from_kept(
        ProgrammeSnapshot.objects.get(organisation=world.org, supervisor=None).figures["competency"], world.org.pk) is None


def _shown(response) -> tuple[object, ...]:
    """What the dashboard shows: every figure, the facilitator rows (who, their figures, below which targets), the
    attendance by session and whether there is nothing to show."""
    c = response.context
    rows = [(row.name, row.result.values, row.below) for row in c["rows"]]
    k = c["competency"]
    competency = (k.facilitators, k.standing, k.signed_off, k.open_flags, k.by_item)
    return c["result"].values, rows, c["rows_left"], c["per_session"], c["empty"], competency


def test_a_supervisors_kept_figures_are_those_counted_now_and_a_new_alert_shows_at_once(world, client):
    """A supervisor's dashboard reads the figures kept for their own groups, and counts risk alerts from the
    records: what it shows is what counting everything now shows, before and after a new alert."""
    from openipt.safety import actions as safety_actions
    from tests.support.competency import assess
    from tests.support.people import login
    from tests.support.safety import raise_text

    _grp, made = build(world)
    assess(world.m["admin"], world.m["facilitator"], 3, warmth=1)  # a harmful item: a flag, and "harmful"
    alerts = raise_text(made[3].client, when=timezone.now() - timedelta(minutes=20))
    safety_actions.acknowledge(actor(world.m["facilitator"]), alerts[0].pk, now=timezone.now() - timedelta(minutes=10))
    login(client, world.m["supervisor"])
    live = client.get("/programme/")
    assert "These figures were computed at" not in live.content.decode()
    snapshot_actions.refresh(None, organisation_id=world.org.pk)
    assert ProgrammeSnapshot.objects.filter(organisation=world.org, supervisor=world.m["supervisor"]).exists()
    kept = client.get("/programme/")
    page = kept.content.decode()
    assert "These figures were computed at" in page and "Risk alerts are counted now" in page
    assert _shown(kept) == _shown(live)
    assert kept.context["result"].values["alerts"].value == 1

    # An alert raised after the refresh (not yet acknowledged, an hour waiting: escalated) is on the page at once.
    raise_text(made[2].client, when=timezone.now() - timedelta(minutes=60))
    after = client.get("/programme/")
    assert "These figures were computed at" in after.content.decode()
    assert after.context["result"].values["alerts"].value == 2
    assert after.context["result"].values["alerts_breached"].value == 1
    ProgrammeSnapshot.objects.all().delete()  # the same page counted from the records
    assert _shown(after) == _shown(client.get("/programme/"))


def test_a_supervisor_who_moved_site_or_chose_a_site_gets_figures_counted_now(world, client):
    """Kept figures are of the groups the supervisor had at the refresh: a move to another site, or a site chosen
    on the page, means other groups, so those are counted from the records."""
    from openipt.accounts.models import Site
    from tests.support.people import login

    build(world)
    snapshot_actions.refresh(None, organisation_id=world.org.pk)
    login(client, world.m["supervisor"])
    assert "These figures were computed at" in client.get("/programme/").content.decode()
    site = Site.objects.create(organisation=world.org, name="North clinic")
    chosen = client.get("/programme/", {"site": site.pk}).content.decode()
    assert "These figures were computed at" not in chosen
    world.m["supervisor"].site = site
    world.m["supervisor"].save(update_fields=["site"])
    assert "These figures were computed at" not in client.get("/programme/").content.decode()


def test_a_supervisor_whose_supervisee_moved_to_another_supervisor_no_longer_sees_their_kept_figures(world, client):
    """Kept figures are of the groups the supervisor had at the refresh: once a facilitator and their group are
    another supervisor's, that group's figures are not on this supervisor's page, even before the next refresh."""
    from openipt.accounts.models import Role
    from tests.support.people import login, make_member

    grp, _made = build(world)
    snapshot_actions.refresh(None, organisation_id=world.org.pk)
    login(client, world.m["supervisor"])
    before = client.get("/programme/")
    assert "These figures were computed at" in before.content.decode()
    assert before.context["result"].values["enrolled"].value not in (0, None)
    other = make_member(world.org, Role.SUPERVISOR)
    world.m["facilitator"].supervisor = other
    world.m["facilitator"].save(update_fields=["supervisor"])
    grp.supervisor = other if grp.supervisor_id is not None else None
    grp.save(update_fields=["supervisor"])
    after = client.get("/programme/")
    assert "These figures were computed at" not in after.content.decode()
    assert after.context["result"].values["enrolled"].value in (0, None)
    assert world.m["facilitator"].pk not in [row.pk for row in after.context["rows"]]
