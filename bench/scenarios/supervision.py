"""Supervision pages: the supervisor dashboard, the admin's organisation-wide dashboard, a rating
form, one rating, a clinician's own ratings, the sign-off page; and the couples in-session page.

The supervisor chosen is the one overseeing the most clinicians, so the dashboard is as full as synth
makes it; its query count must stay the same at every size (see openipt/supervision/queries/dashboard.py).
"""

from __future__ import annotations

from django.db.models import Count

from bench.harness import Scenario
from openipt.accounts.models import Membership
from openipt.supervision.models import FidelityRating


def scenarios(world) -> list[Scenario]:
    org = world.organisation
    supervisor = (
        Membership.objects.filter(organisation=org, role="supervisor")
        .annotate(n=Count("supervisees")).order_by("-n", "pk").first()
    )
    if supervisor is None:
        return []
    admin = Membership.objects.filter(organisation=org, role="admin").order_by("pk").first()
    found = [Scenario("supervision.dashboard.supervisor", supervisor, "/supervision/"),
             Scenario("supervision.signoffs.supervisor", supervisor, "/supervision/sign-offs/")]
    if admin is not None:
        found.append(Scenario("supervision.dashboard.admin", admin, "/supervision/"))
    rating = (FidelityRating.objects.filter(organisation=org, rater=supervisor, is_current=True)
              .select_related("rated").order_by("pk").first())
    if rating is not None:
        found += [
            Scenario("supervision.rate-form.supervisor", supervisor, f"/supervision/rate/session/{rating.target_id}/"),
            Scenario("supervision.rating.supervisor", supervisor, f"/supervision/ratings/{rating.pk}/"),
            Scenario("supervision.mine.therapist", rating.rated, "/supervision/mine/"),
        ]
    return found
