"""A safety plan's review date and its means-restriction prompts.

Both come from Stanley and Brown's Safety Planning Intervention (Stanley B, Brown GK (2012),
Cognitive and Behavioral Practice 19(2):256-264; see docs/clinical/sources.md): the plan includes
making the surroundings safer (restricting access to lethal means), and is revisited and updated
over time. The prompts below are the project's own words. A plan past its review date is flagged
to the clinician on the plan page and on the course page; it stays flagged until a new date is set.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients import access as client_access
from openipt.core.errors import ActionError, ErrorCode
from openipt.safety import access
from openipt.safety.models import SafetyPlan

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

PLAN_REVIEW_SET = register("safety.plan_review_set", "Safety plan review date and means-restriction prompts recorded")

DEFAULT_REVIEW_DAYS = 28
LONGEST_REVIEW_DAYS = 366

# (id, what the clinician asks about, what the client reads)
MEANS = (
    ("medicines",
     gettext_lazy("Medicines at home: how much is kept, could someone else hold them, can old ones go back to the pharmacy?"),
     gettext_lazy("Medicines: keep only what I need at home. Ask someone I trust to keep the rest, or take old ones back to the pharmacy.")),
    ("weapons",
     gettext_lazy("Guns or other weapons at home or within reach: can someone else remove them or keep them elsewhere?"),
     gettext_lazy("Guns or other weapons: ask someone to keep them away from my home.")),
    ("other_means",
     gettext_lazy("Anything else the client has thought of using to hurt themselves: how can it be made hard to reach?"),
     gettext_lazy("Anything else I might use to hurt myself: put it away, give it to someone, or make it hard to reach.")),
    ("alcohol_drugs",
     gettext_lazy("Alcohol and drugs: keep less at home, and agree not to drink or use when feeling very low."),
     gettext_lazy("Alcohol and drugs: keep less at home, and do not drink or use when I feel very low.")),
    ("places",
     gettext_lazy("Places that feel unsafe (heights, water, railways, busy roads): plan not to go there alone in a crisis."),
     gettext_lazy("Places that feel unsafe: stay away from them, and do not go there alone when things are bad.")),
    ("helper",
     gettext_lazy("Who will help make the surroundings safer, and have they agreed?"),
     gettext_lazy("Someone who will help me keep my surroundings safe, and who has said yes.")),
)
MEANS_IDS = tuple(m[0] for m in MEANS)


def default_review_on() -> date:
    return timezone.localdate() + timedelta(days=DEFAULT_REVIEW_DAYS)


def plan_review_state(client) -> dict | None:
    """The plan's review date, whether it has passed, and the prompts gone through (None without a plan)."""
    plan = SafetyPlan.objects.filter(client=client).only("pk", "review_on", "means_discussed", "version").first()
    if plan is None:
        return None
    review_on = plan.review_on
    return {
        "review_on": review_on,
        "overdue": review_on is not None and review_on < timezone.localdate(),
        "means_discussed": [m for m in MEANS_IDS if m in (plan.means_discussed or [])],
    }


def means_rows(discussed=(), *, for_client: bool = False) -> list[dict]:
    return [{"id": i, "text": client_text if for_client else staff_text, "discussed": i in discussed}
            for i, staff_text, client_text in MEANS]


@transaction.atomic
def save_plan_review(actor: Actor, client_id, *, review_on: date | None, means) -> SafetyPlan:
    """Set when the plan is next reviewed and record the means-restriction prompts gone through."""
    client = client_access.get_client(actor, client_id) if actor is not None and actor.is_staff else None
    if client is None or not access.can_edit_plan(actor, client):
        raise ActionError(_("Only care staff assigned to this client can set the safety plan's review date."), code=ErrorCode.FORBIDDEN)
    today = timezone.localdate()
    if not isinstance(review_on, date):
        raise ActionError(_("Choose the date by which you will look at the plan again together."), field="review_on")
    if review_on < today:
        raise ActionError(_("The review date cannot be in the past. Choose today or a later date."), field="review_on")
    if review_on > today + timedelta(days=LONGEST_REVIEW_DAYS):
        raise ActionError(_("Choose a review date within a year; review sooner when risk is higher."), field="review_on")
    chosen = [m for m in MEANS_IDS if m in set(means or [])]
    plan, _created = SafetyPlan.objects.get_or_create(client=client, defaults={"organisation_id": client.organisation_id})
    SafetyPlan.objects.filter(pk=plan.pk).update(review_on=review_on, means_discussed=chosen,
                                                 review_set_by=actor.membership, review_set_at=timezone.now())
    plan.refresh_from_db()
    audit.record(PLAN_REVIEW_SET.code, actor=actor, client=client, obj=plan,
                 details={"review_on": review_on.isoformat(), "means_discussed": chosen})
    return plan
