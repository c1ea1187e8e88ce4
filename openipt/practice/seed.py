"""Demo and synthetic between-session work.

Demo: the portal client (Amara Haddad) has reading assigned, two log entries, a communication
analysis her therapist assigned and one she shared, and a practice conversation. Made through the
real actions, and only once (running the demo again changes nothing).

Synthetic: for a sample of clients with a course, a portal login, reading, log entries and a
worksheet, written in bulk (no per-row audit) so it stays fast at 100,000 clients.
`world.portal_memberships` lists the portal logins made, for the benchmarks.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from openipt.accounts.actor import Actor
from openipt.accounts.models import Membership, Role, User
from openipt.clients.models import Client
from openipt.courses.models import Course


def add_demo_practice(world) -> None:
    from openipt.practice import actions, rehearsal_actions, worksheet_actions
    from openipt.practice.models import LogEntry, ReadingAssignment, Worksheet

    client = world.clients.get("Amara Haddad")
    member = world.members.get("client")
    if client is None or member is None or client.user_id != member.user_id:
        return
    if ReadingAssignment.objects.filter(client=client).exists():
        return  # already made
    therapist = world.actor("therapist")
    me = Actor(Membership.objects.get(pk=member.pk))
    for topic_id in ("sick_role", "mood_relationships", "area_life_changes"):
        actions.assign_reading(therapist, client.pk, topic_id)
    first = ReadingAssignment.objects.get(client=client, topic_id="sick_role")
    actions.mark_read(me, first.pk)
    today = timezone.localdate()
    if not LogEntry.objects.filter(client=client).exists():
        actions.add_log_entry(me, {"occurred_on": today - timedelta(days=3), "who": "My sister Leila",
                                   "what_happened": "She phoned and asked how the new job was going. I said it was fine.",
                                   "feeling": "Lonely afterwards. I wanted to tell her how hard it is.", "mood": 4})
        actions.add_log_entry(me, {"occurred_on": today - timedelta(days=1), "who": "A colleague, Tom",
                                   "what_happened": "He asked me to join the team for lunch and I went.",
                                   "feeling": "Nervous at first, then glad.", "mood": 6})
    if not Worksheet.objects.filter(client=client).exists():
        worksheet_actions.assign_worksheet(therapist, client.pk, "communication_analysis",
                                           "Have a look at the phone call with Leila.")
        sheet = worksheet_actions.start_worksheet(me, "role_transition")
        worksheet_actions.save_worksheet(me, sheet.pk, {
            "change": "Moving to a new city for work",
            "lost": "My friends nearby, my old team, knowing my way around.",
            "gained": "A better job and a fresh start.",
            "asks": "Meeting new people and learning a new job.",
            "skills": "I am good at listening.", "supports": "Leila, on the phone. Maybe Tom at work.",
        }, title="My move", expected_version=sheet.version, share=True)
    if not client.rehearsals.exists():
        rehearsal = rehearsal_actions.start_rehearsal(me, "coffee_colleague", name="Tom", relationship="colleague",
                                                      situation="asking Tom to have a coffee after work")
        rehearsal_actions.send_message(me, rehearsal.pk, "Hi Tom. Do you want to get a coffee after work on Friday?",
                                       expected_steps=0)


SYNTH_SHARE = 50  # one client in this many (with a course) gets between-session data
SYNTH_PORTAL_LOGINS = 50  # portal logins made per synth run, at most


def add_synthetic_practice(world, batch: int = 2000) -> None:
    """Bulk between-session data for a sample of clients with a course, and a few portal logins."""
    from openipt.practice.models import LogEntry, ReadingAssignment, Worksheet, WorksheetStatus

    org = world.organisation
    rng = world.rng
    rows = list(Course.objects.filter(organisation=org, status="active").order_by("pk")
                .values_list("client_id", "therapist_id", "primary_area"))
    sample = rows[::SYNTH_SHARE] if rows else []
    now = timezone.now()
    today = timezone.localdate()
    topics = ["sick_role", "mood_relationships", "depression_treatable"]
    readings, entries, sheets = [], [], []
    for client_id, therapist_id, _area in sample:
        for i, topic_id in enumerate(topics[: rng.randint(1, 3)]):
            readings.append(ReadingAssignment(client_id=client_id, topic_id=topic_id, assigned_by_id=therapist_id,
                                              read_at=now if i == 0 else None))
        for d in range(rng.randint(1, 6)):
            entries.append(LogEntry(client_id=client_id, occurred_on=today - timedelta(days=d), who="Synthetic person",
                                    what_happened="Synthetic event.", feeling="Synthetic feeling.",
                                    mood=rng.randint(0, 10)))
        sheets.append(Worksheet(client_id=client_id, kind="communication_analysis", status=WorksheetStatus.SHARED,
                                assigned_by_id=therapist_id, data={"what_i_said": "You never listen to me.",
                                                                   "could_say": "I feel alone. Could we talk tonight?"},
                                version=2, saved_versions=1, shared_at=now, edited_at=now))
    ReadingAssignment.objects.bulk_create(readings, batch_size=batch)
    LogEntry.objects.bulk_create(entries, batch_size=batch)
    Worksheet.objects.bulk_create(sheets, batch_size=batch)
    _portal_logins(world, [c for c, _t, _a in sample[:SYNTH_PORTAL_LOGINS]])


def _portal_logins(world, client_ids: list[int]) -> None:
    """Give some sampled clients a portal login (a client membership linked to their record)."""
    slug = world.organisation.slug
    password = make_password(None)
    users = [User(username=f"{slug}-client-{cid}", display_name=f"Client {cid}", password=password)
             for cid in client_ids]
    User.objects.bulk_create(users)
    by_name = {u.username: u for u in User.objects.filter(username__startswith=f"{slug}-client-")}
    members = [Membership(user=by_name[f"{slug}-client-{cid}"], organisation=world.organisation, role=Role.CLIENT)
               for cid in client_ids]
    Membership.objects.bulk_create(members)
    for cid in client_ids:
        Client.objects.filter(pk=cid).update(user=by_name[f"{slug}-client-{cid}"])
    world.portal_memberships = list(Membership.objects.filter(organisation=world.organisation, role=Role.CLIENT)
                                    .select_related("user").order_by("pk"))


# Found by openipt.seed.steps when `openipt demo` or `openipt synth` runs; nothing imports this module at start-up.
DEMO_STEPS = (add_demo_practice,)
SYNTH_STEPS = (add_synthetic_practice,)
