"""`openipt synth --programme`: a synthetic programme the dashboard reads like a real one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.accounts.models import Membership, Role, Site
from openipt.clients.models import Client
from openipt.groups.models import Group, Member, QuickCheck
from openipt.programmes import indicators as ind
from openipt.programmes import queries
from openipt.safety.models import Alert
from openipt.seed.programme import generate_programme
from tests.support.people import actor

pytestmark = pytest.mark.django_db


def test_a_small_programme_has_what_was_asked_for_and_the_dashboard_counts_it():
    made = generate_programme(4, sites=3, facilitators=6, groups=12, members=60, slug="prog-small")
    org = made.organisation
    assert Site.objects.filter(organisation=org).count() == 3
    assert Membership.objects.filter(organisation=org, role=Role.FACILITATOR).count() == 6
    assert Group.objects.filter(organisation=org).count() == 12
    assert Member.objects.filter(group__organisation=org).count() == 60
    # every group and client is in the site of its facilitator, who is limited to it
    assert not Group.objects.filter(organisation=org).exclude(site=models_f("facilitator__site")).exists()
    assert Client.objects.filter(organisation=org, site__isnull=True).count() == 0
    manager = actor(Membership.objects.get(organisation=org, role=Role.MANAGER))
    today = timezone.localdate()
    whole = queries.cohort(manager, queries.Filters(today - timedelta(days=400), today))
    assert len(whole.enrolments) == 60
    result = ind.compute(whole, min_sessions=2, threshold=5)
    assert result.values["enrolled"].value == 60
    site = Site.objects.filter(organisation=org).order_by("pk").first()
    one = queries.cohort(manager, queries.Filters(today - timedelta(days=400), today, site_id=site.pk))
    assert len(one.enrolments) == Member.objects.filter(group__site=site).count() < 60
    assert QuickCheck.objects.filter(member__group__organisation=org).exists()
    assert made.counts["alerts"] == Alert.objects.filter(organisation=org).count()


def models_f(name):
    from django.db.models import F

    return F(name)


def test_sizes_that_cannot_make_groups_are_refused():
    with pytest.raises(ValueError):
        generate_programme(1, sites=1, facilitators=1, groups=10, members=20, slug="prog-bad")


def test_the_synthetic_programme_has_facilitators_at_various_competency_levels():
    from openipt.programmes import competency_queries
    from openipt.supervision.models import CompetencyAssessment, CompetencyFlag, SignOff

    made = generate_programme(7, sites=3, facilitators=40, groups=10, members=40, slug="prog-competency")
    org = made.organisation
    assert made.counts["competency_assessments"] == CompetencyAssessment.objects.filter(organisation=org).count() >= 40
    flagged = set(CompetencyFlag.objects.filter(organisation=org).values_list("trainee_id", flat=True))
    signed = set(SignOff.objects.filter(organisation=org).values_list("membership_id", flat=True))
    assert signed and not signed & flagged
    manager = actor(Membership.objects.get(organisation=org, role=Role.MANAGER))
    summary = competency_queries.summary(manager)
    assert summary.facilitators == 40 and sum(summary.standing.values()) == 40
    assert summary.signed_off == len(signed) and summary.open_flags == made.counts["competency_flags"]
    assert summary.standing["meets"] >= len(signed) and summary.standing["below"] > 0
