"""Demo and synthetic ratings of course sessions, run by courses' seed module.

Rating a held session is supervision's work on a target that courses registers (the "session"
fidelity target, `supervision_link.py`), so its demo data lives here, where both apps may be
imported: courses sits above supervision. Demo: the supervisor rates four of the demo therapist's
held sessions (one re-rated, one comment read and answered). Synthetic: about one attended session
in twelve gets a rating from the therapist's supervisor, so the dashboard and its trend lines have
data at every size. Only `courses.seed` imports this module, and only `openipt.seed` runs that.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from openipt.accounts.actor import Actor
from openipt.accounts.models import Membership
from openipt.courses.models import Attendance, Session
from openipt.protocol import default_protocol
from openipt.supervision import actions, scoring
from openipt.supervision.models import FidelityRating

MIDDLE_NEW = {"focus_kept": "yes", "time_limit_middle": "yes", "no_thought_records": "yes", "no_transference": "yes",
              "no_formal_homework": "yes", "stance_middle": "yes"}
DEMO_ANSWERS = {
    "initial": [
        ({"symptoms_reviewed": "yes", "sick_role_given": "partly", "inventory_done": "yes", "area_and_goals": "no",
          "contract_agreed": "yes", "time_limit_initial": "yes", "stance_initial": "yes", "stayed_ipt_initial": "yes"},
         "Good inventory. Name the problem area out loud next time, and write the goals down together."),
    ],
    "middle": [
        ({"interval_review": "yes", "mood_event_link": "partly", "area_strategies": "yes", "things_to_try": "no",
          **MIDDLE_NEW, "time_limit_middle": "no", "no_formal_homework": "partly"},
         "You opened with the week well. Link the low days to what happened with people, and agree one thing to try."),
        ({"interval_review": "yes", "mood_event_link": "yes", "area_strategies": "yes", "things_to_try": "yes", **MIDDLE_NEW},
         "A clear middle-phase session. The role play was well timed."),
        ({"interval_review": "yes", "mood_event_link": "yes", "area_strategies": "partly", "things_to_try": "yes",
          **MIDDLE_NEW}, ""),
    ],
}


@transaction.atomic
def add_demo_session_ratings(world) -> None:
    """The supervisor rates some of the demo therapist's held sessions; one is re-rated and one comment answered (idempotent)."""
    org = world.organisation
    supervisor = Actor(world.members["supervisor"])
    therapist = world.members["therapist"]
    if FidelityRating.objects.filter(organisation=org).exists():
        return
    sessions = list(Session.objects.filter(course__therapist=therapist, attendance=Attendance.ATTENDED,
                                           course__format_id="individual").order_by("-scheduled_start", "-pk"))
    rated = []
    for phase, answer_sets in DEMO_ANSWERS.items():
        pool = [s for s in sessions if s.phase == phase]
        for session, (answers, comment) in zip(pool, answer_sets, strict=False):
            rated.append(actions.rate(supervisor, "session", session.pk, answers=answers, comment=comment))
    if rated:
        first = rated[0]
        better = dict(first.answers, area_and_goals="partly")
        actions.rate(Actor(world.members["admin"]), "session", first.target_id, answers=better,
                     comment="Second look after the recording: the area was named, briefly.", expected_version=1)
    # Date the demo ratings the day after each session, so the dashboard's dates and trend read naturally.
    starts = {s.pk: s.scheduled_start for s in sessions}
    now = timezone.now()
    for rating in FidelityRating.objects.filter(organisation=org, target_kind="session"):
        when = starts.get(rating.target_id)
        if when is not None:
            later = min(now, when + timedelta(days=1, minutes=rating.version))
            FidelityRating.objects.filter(pk=rating.pk).update(rated_at=later)
    with_comment = [r for r in rated if r.comment]
    if len(with_comment) > 1:
        actions.reply(Actor(therapist), with_comment[1].pk, text="Thank you. I will try the link to events next week.")


def add_synthetic_session_ratings(world, every: int = 12) -> None:
    """Rate about one attended session in `every` in the synthetic organisation (bulk rows, not audited one by one)."""
    org = world.organisation
    rng = world.rng
    protocol = default_protocol()
    supervisor_of = dict(Membership.objects.filter(organisation=org, supervisor__isnull=False)
                         .values_list("pk", "supervisor_id"))
    checklists = {}
    rows = (Session.objects.filter(course__organisation=org, attendance=Attendance.ATTENDED, course__format_id__in=[
        "individual", "brief", "ipc", "perinatal", "ipt_a", "maintenance", "couples"])
        .values_list("pk", "number", "phase", "scheduled_start", "course__therapist_id", "course__format_id",
                     "course__client__record_number"))
    made = []
    now = timezone.now()
    for pk, number, phase, when, therapist_id, format_id, record in rows.iterator(chunk_size=5000):
        rater = supervisor_of.get(therapist_id)
        if rater is None or rng.randrange(every):
            continue
        key = (phase, format_id)
        if key not in checklists:
            checklists[key] = protocol.fidelity_checklist(phase, format_id)
        checklist = checklists[key]
        answers = {i.id: rng.choices(["yes", "partly", "no", "na"], weights=[6, 2, 1, 1])[0] for i in checklist.items}
        if all(v == "na" for v in answers.values()):
            answers[checklist.items[0].id] = "yes"
        applicable, score = scoring.score(answers)
        made.append(FidelityRating(
            organisation_id=org.pk, target_kind="session", target_id=pk, target_label=f"{record} · session {number}",
            target_url="", phase=phase, format_id=format_id, checklist_id=checklist.id, checklist_version="synthetic",
            items=[{"id": i.id, "text": i.text} for i in checklist.items], answers=answers, applicable=applicable,
            score_percent=score, comment="", rater_id=rater, rated_id=therapist_id, version=1, is_current=True,
            rated_at=min(now, when + timedelta(days=2)), session_at=when,
        ))
    FidelityRating.objects.bulk_create(made, batch_size=2000)
