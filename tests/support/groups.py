"""Helpers for group tests: a programme, a group and members made through the real actions."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from openipt.accounts.models import Role
from openipt.courses import screening_actions
from openipt.groups import actions, meeting_actions
from tests.support.people import actor, make_client, make_member

PHQ9_MILD = {f"q{n}": 1 for n in range(1, 9)} | {"q9": 0}  # total 8


def phq9(total: int, item9: int = 0) -> dict:
    values, left = {}, total - item9
    for n in range(1, 9):
        values[f"q{n}"] = min(3, max(0, left))
        left -= values[f"q{n}"]
    values["q9"] = item9
    return values


def programme(world, **overrides):
    values = dict(name="Village groups", min_members=4, max_members=14, sessions_default=8, last_join_session=2,
                  require_signoff=False)
    values.update(overrides)
    return actions.save_programme(actor(world.m["admin"]), **values)


def group(world, prog=None, *, weeks_ago: int = 0, co=None, **overrides):
    """A group of the world's facilitator, supervised by the world's supervisor, first session `weeks_ago` weeks ago."""
    prog = prog or programme(world)
    today = timezone.localdate()
    start = today - timedelta(weeks=weeks_ago)
    values = dict(programme_id=prog.pk, name="Tuesday group", facilitator_id=world.m["facilitator"].pk,
                  co_facilitator_id=co.pk if co else None, supervisor_id=world.m["supervisor"].pk,
                  weekday=start.weekday(), start_time=time(10, 0), start_date=start, language="Luganda",
                  location="Church hall")
    values.update(overrides)
    return actions.create_group(actor(world.m["admin"]), **values)


def client_of(world, who="facilitator", **data):
    return make_client(world.m["admin"], assign_to=world.m[who], **data)


def invite(world, grp, client=None, who="facilitator", **overrides):
    """Hold a pre-group meeting that ends in an accepted invitation; return the meeting."""
    client = client or client_of(world)
    values = dict(kind="pre_group", held_on=timezone.localdate(), phq9=phq9(14), mood_link="Low since the fights began.",
                  problem_area="role_dispute", problem_words="We fight about money", goal="Talk calmly with my husband",
                  current_plan=False, recent_attempt=False, outcome="invited")
    values.update(overrides)
    return meeting_actions.record_meeting(actor(world.m[who]), grp.pk, client.pk, meeting_actions.MeetingRecord(**values))


def screen(world, *members, who="facilitator", decision="proceed"):
    """Record the whole screening before the group (every topic of the group format) for each member."""
    for member in members:
        topics = screening_actions.topics_for(member.course)
        screening_actions.record_screening(actor(world.m[who]), member.course_id,
                                           {t: {"answer": "Asked at the pre-group meeting.", "decision": decision}
                                            for t in topics})


def co_facilitator(world):
    return make_member(world.org, Role.FACILITATOR)


def running_group(world, members: int = 4):
    """A group that began two weeks ago (sessions 1-3 are today or earlier), running with `members` members."""
    grp = group(world, weeks_ago=2)
    added = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world, given_name=f"Member{i}").pk)
             for i in range(members)]
    screen(world, *added)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    return grp, added
