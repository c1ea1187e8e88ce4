"""Demo supervision data: facilitators at different competency levels, and the demo facilitator signed off.

- Grace Nakato (`facilitator`): a role-play with gaps six weeks ago, then a live session with every item at 3 or 4,
  rated again by the admin to check the raters agree; signed off to lead a group alone.
- Joseph Mukasa (`trainee-joseph`): one role-play with several items at level 2; not ready.
- Mary Auma (`trainee-mary`): a recording with privacy rated potentially harmful; the flag is open.

The demo and synthetic ratings of course sessions are made by courses' seed module
(`openipt/courses/session_ratings_seed.py`): supervision sits below courses and does not import it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from openipt.accounts import actions as account_actions
from openipt.accounts.actor import Actor
from openipt.accounts.models import Membership, Role
from openipt.supervision.models import CompetencyAssessment, SignOff

TRAINEES = (("trainee-joseph", "Joseph Mukasa"), ("trainee-mary", "Mary Auma"))


def _levels(level: int, **overrides: int) -> dict[str, int]:
    from openipt.supervision.competency_tools import tool

    return {item.id: overrides.get(item.id, level) for item in tool().items}


@transaction.atomic
def add_demo_supervision(world) -> None:
    """Assess the demo facilitators and sign the demo facilitator off to lead a group alone (idempotent)."""
    from openipt.supervision import actions, competency_actions

    supervisor = Actor(world.members["supervisor"])
    admin = Actor(world.members["admin"])
    facilitator = world.members["facilitator"]
    today = timezone.localdate()
    org = world.organisation
    trainees = {}
    for username, name in TRAINEES:
        user = world.user(username, name)
        member = Membership.objects.filter(user=user, organisation=org).first() or account_actions.add_member(
            org, user, Role.FACILITATOR, supervisor=world.members["supervisor"])
        trainees[username] = member
    if not CompetencyAssessment.objects.filter(trainee=facilitator).exists():
        competency_actions.assess(supervisor, facilitator.pk, source="role_play", observed_on=today - timedelta(days=42),
                                  levels=_levels(3, quiet_members=2, role_play=2, time_limit=2),
                                  notes="Warm and clear; quiet members were not invited in, and the role-play was "
                                        "not talked over afterwards.")
        latest = competency_actions.assess(
            supervisor, facilitator.pk, source="live", observed_on=today - timedelta(days=14),
            levels=_levels(3, warmth=4, empathy=4, risk=4, mood_relationships=4),
            notes="Led session 5 with me observing: every member spoke, risk asked about well.",
            second_rater=world.members["admin"].pk)
        competency_actions.rate_second(admin, latest.pk, levels=_levels(3, warmth=4, empathy=3, risk=4, ending=4),
                                       notes="Watched the same session.")
    if not SignOff.objects.filter(membership=facilitator, competency="group_lead").exists():
        actions.sign_off(supervisor, facilitator.pk, competency="group_lead",
                         note="Co-led a full group with me; latest assessment meets the programme's rule.")
    joseph, mary = trainees["trainee-joseph"], trainees["trainee-mary"]
    if not CompetencyAssessment.objects.filter(trainee=joseph).exists():
        competency_actions.assess(supervisor, joseph.pk, source="role_play", observed_on=today - timedelta(days=10),
                                  levels=_levels(3, member_view=2, group_dynamics=2, problem_area=2, role_play=2),
                                  notes="Kind and calm; lets the talk wander and answers his own questions.")
    if not CompetencyAssessment.objects.filter(trainee=mary).exists():
        competency_actions.assess(supervisor, mary.pk, source="recording", observed_on=today - timedelta(days=3),
                                  levels=_levels(3, confidentiality=1, between_sessions=2),
                                  notes="Told the group about a member's situation without asking her first.")


# Found by openipt.seed.steps when `openipt demo` or `openipt synth` runs; nothing imports this module at start-up.
DEMO_STEPS = (add_demo_supervision,)
