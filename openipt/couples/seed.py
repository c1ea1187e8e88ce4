"""Demo data for couples IPT: Nadia and Karim Rahman, mid-way through a couples course.

Both have portal logins (`nadia` and `karim`, the demo password). Each wrote their view of the
relationship: some answers private (the therapist only), some shared with the other partner.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from openipt.accounts import actions as account_actions
from openipt.accounts.actor import Actor
from openipt.accounts.models import Membership, Role
from openipt.clients import actions as client_actions
from openipt.clients.models import Client
from openipt.courses.models import Course
from openipt.courses.screening_actions import add_demo_screening
from openipt.courses.seed import _demo_course
from openipt.measures import actions as measures_actions
from openipt.measures.models import Administration

PARTNERS = [
    ("nadia", "Nadia", "Rahman", date(1987, 5, 14), "female"),
    ("karim", "Karim", "Rahman", date(1985, 2, 3), "male"),
]
VIEWS = {
    "nadia": {
        "i_expect": "That he tells me when he will be late, and helps with bedtime on weekdays.",
        "i_expect_shared": "on",
        "partner_expects": "I think he wants me to stop checking his phone. Maybe he is right, but I do not trust him yet.",
        "change": "Talk about money once a week, calmly, at the table, not in bed.",
        "change_shared": "on",
    },
    "karim": {
        "i_expect": "That she asks before she plans our weekends with her family.",
        "i_expect_shared": "on",
        "partner_expects": "More help at home. She is right about bedtime.",
        "partner_expects_shared": "on",
        "change": "I feel like a guest in my own house since my job ended. I have not said this to her.",
    },
}


def _partner(world, username, given, family, born, sex) -> Client:
    org = world.organisation
    client = Client.objects.filter(organisation=org, given_name=given, family_name=family).first()
    if client is None:
        client = client_actions.create_client(
            world.actor("admin"),
            {"given_name": given, "family_name": family, "date_of_birth": born, "sex": sex,
             "preferred_language": "en", "email": f"{username}@example.org"},
            assign_to=world.members["therapist"], status="active",
        )
    user = world.user(username, f"{given} {family}")
    if not Membership.objects.filter(user=user, organisation=org).exists():
        account_actions.add_member(org, user, Role.CLIENT)
    if client.user_id is None:
        client_actions.link_portal_user(client, user)
        client.refresh_from_db()
    world.clients[f"{given} {family}"] = client
    world.members[username] = Membership.objects.get(user=user, organisation=org)
    return client


@transaction.atomic
def add_demo_couple(world) -> None:
    """Create the Rahmans' couples course (five sessions held), link them, and write both views (idempotent)."""
    from openipt.couples import actions
    from openipt.couples.models import Couple, PartnerView

    one, two = (_partner(world, *p) for p in PARTNERS)
    course = Course.objects.filter(client=one, format_id="couples").first()
    if course is None:
        course = _demo_course(world, one, ("Nadia Rahman", "couples", 16, "active", "middle", 5, "role_dispute",
                                           "renegotiation", (), 0))
    if course is None:
        return
    if not Couple.objects.filter(course=course).exists():
        actions.link_partner(world.actor("therapist"), course.pk, record_number=two.record_number)
    _paper_scores(world, course)
    _demo_screens(world, one, two)

    add_demo_screening(world)  # the couple's course is made after the courses app's demo step
    for username, data in VIEWS.items():
        client = one if username == "nadia" else two
        if PartnerView.objects.filter(author=client, edited_at__isnull=False).exists():
            continue
        actions.save_view(Actor(world.members[username]), data, expected_version=1)


def _demo_screens(world, one, two) -> None:
    """Both partners answered the private safety screen on their own portal, with no concern (idempotent)."""
    from openipt.couples import screen_actions
    from openipt.couples.models import PartnerScreen

    clear = {"afraid": "no", "hurt": "no", "threatened": "no", "controlled": "no", "forced": "no",
             "safe_to_speak": "yes"}
    for username, client in (("nadia", one), ("karim", two)):
        if username in world.members and not PartnerScreen.objects.filter(partner=client).exists():
            screen_actions.answer_own_screen(Actor(world.members[username]), clear)


def _paper_scores(world, course) -> None:
    """Nadia's PHQ-9 on paper at sessions 1, 3 and 5 (16, 13, 10). Karim's need the measures change in the guide."""
    if Administration.objects.filter(course=course).exists():
        return
    sessions = {s.number: s for s in course.sessions.all()}
    for number, per_item in ((1, (2, 2, 2, 2, 2, 2, 2, 2, 0)), (3, (2, 2, 2, 2, 1, 1, 1, 2, 0)),
                             (5, (2, 1, 1, 2, 1, 1, 1, 1, 0))):
        session = sessions.get(number)
        if session is None:
            continue
        answers = {f"q{i}": v for i, v in enumerate(per_item, start=1)}
        answers["difficulty"] = 1
        measures_actions.enter_paper(world.actor("therapist"), course.pk, instrument_code="phq9", session_number=number,
                                     completed_on=session.scheduled_start.date(), answers=answers)


# Found by openipt.seed.steps when `openipt demo` or `openipt synth` runs; nothing imports this module at start-up.
DEMO_STEPS = (add_demo_couple,)
