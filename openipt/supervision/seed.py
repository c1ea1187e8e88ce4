"""Demo supervision data: the supervisor signs the demo facilitator off to lead a group alone.

The demo and synthetic ratings of course sessions are made by courses' seed module
(`openipt/courses/session_ratings_seed.py`): supervision sits below courses and does not import it.
"""

from __future__ import annotations

from django.db import transaction

from openipt.accounts.actor import Actor
from openipt.supervision.models import SignOff


@transaction.atomic
def add_demo_supervision(world) -> None:
    """Sign off the demo facilitator to lead a group alone (idempotent)."""
    from openipt.supervision import actions

    supervisor = Actor(world.members["supervisor"])
    facilitator = world.members["facilitator"]
    if not SignOff.objects.filter(membership=facilitator, competency="group_lead").exists():
        actions.sign_off(supervisor, facilitator.pk, competency="group_lead",
                         note="Co-led a full group with me; three sessions rated 80% or more.")


# Found by openipt.seed.steps when `openipt demo` or `openipt synth` runs; nothing imports this module at start-up.
DEMO_STEPS = (add_demo_supervision,)
