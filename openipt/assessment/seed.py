"""Demo and synthetic assessments: inventories, timelines, onsets, area choices and formulations.

The demo builds, through the real actions, the assessment of the demo therapist's clients with
courses: a grief case waiting for the therapist's choice (Daniel), an agreed role transition
(Amara, who also changed an entry from the portal), and an agreed role dispute (Fatima). It is
idempotent: a client who already has an inventory is left alone. The synthetic generator writes
the same kinds of rows in bulk for every synthetic course (plain INSERTs, no per-row audit).
"""

from __future__ import annotations

import json
from datetime import UTC, date

from django.db import connection
from django.utils import timezone

from openipt.accounts.actor import Actor
from openipt.courses.models import Course

# An event: (months ago, day or None, kind, description, the person it is about or None, effect on mood).
DemoEvent = tuple[int, int | None, str, str, str | None, str]
# client -> (people, events, onset months ago, onset note, intake, area, stage, rationale)
DEMO: dict[str, tuple[list[dict[str, str]], list[DemoEvent], int, str, dict[str, bool | int], str | None, str, str]] = {
    "Daniel Kowalski": (
        [dict(name="Dad", relationship="father", ring="inner", contact="never", age_band="65_plus",
              satisfying="Fishing trips every summer\nHe always listened", unsatisfying="I was not there the night he died",
              recent_changes="Died after a short illness"),
         dict(name="Kasia", relationship="wife", ring="inner", contact="daily", support_received="a_lot",
              satisfying="She keeps the family going", expects_of_other="That she understands I need time",
              expected_by_other="That I talk to her", expectations_match="partly"),
         dict(name="Marek", relationship="brother", ring="middle", contact="monthly", satisfying="Football on Saturdays"),
         dict(name="Tom", relationship="manager", ring="outer", contact="weekly", unsatisfying="Wants me back at full speed")],
        [(5, None, "death", "Dad died after a short illness", "Dad", "much_worse"),
         (4, None, "isolation", "Stopped going to football", None, "worse")],
        3, "Poor sleep, guilt, no interest in things he used to enjoy.",
        {"recent_bereavement": True, "lives_alone": False, "close_confidants": 2, "current_disagreement": False},
        None, "", ""),
    "Amara Haddad": (
        [dict(name="Yusuf", relationship="partner", ring="inner", contact="daily", support_received="some",
              satisfying="Cooks on Fridays", unsatisfying="Works late most evenings"),
         dict(name="Mum", relationship="mother", ring="middle", contact="weekly", satisfying="Video calls on Sundays"),
         dict(name="Leila", relationship="best friend back home", ring="middle", contact="monthly",
              satisfying="Knows me better than anyone", recent_changes="We talk much less since I moved"),
         dict(name="Grace", relationship="new colleague", ring="outer", contact="daily",
              changes_wanted="Have lunch together once a week")],
        [(6, None, "role_change", "Moved city for a new job", None, "worse"),
         (4, None, "isolation", "Weekends alone in the new flat", None, "worse")],
        5, "Low most days, tired, tearful in the evenings.",
        {"recent_move": True, "recent_life_change": True, "lives_alone": False, "close_confidants": 1},
        "role_transition", "", "The low mood began a few months after moving city for a new job and leaving friends behind."),
    "Fatima Yusuf": (
        [dict(name="Omar", relationship="husband", ring="inner", contact="daily", support_received="little",
              unsatisfying="Leaves all the night feeds to me", expects_of_other="Share the nights",
              expected_by_other="Keep the house as before", expectations_match="no",
              conflicts="Who does the night feeds\nMoney since I stopped work", conflict_talking="open", conflict_hope="yes",
              conflict_ending="no", conflict_mood_effect="worse"),
         dict(name="Baby Noor", relationship="daughter", ring="inner", contact="daily", satisfying="Her smile"),
         dict(name="Aunt Samira", relationship="aunt", ring="middle", contact="weekly", support_received="some",
              satisfying="Comes round on Tuesdays")],
        [(7, None, "role_change", "Noor was born", "Baby Noor", "worse"),
         (5, None, "dispute", "Rows with Omar about the nights and money", "Omar", "much_worse")],
        5, "Irritable, exhausted, crying most days.",
        {"current_disagreement": True, "recent_life_change": True, "close_confidants": 2},
        "role_dispute", "renegotiation", "Arguments at home about the nights and money keep coming back; the mood drops after each one."),
}


def _months_ago(today: date, months: int) -> tuple[int, int]:
    index = today.year * 12 + (today.month - 1) - months
    return index // 12, index % 12 + 1


def add_demo_assessment(world) -> None:
    """Build the demo assessments through the real actions (idempotent)."""
    from openipt.assessment import actions, formulation_actions, timeline_actions
    from openipt.assessment.models import InventoryPerson

    therapist = world.actor("therapist")
    today = timezone.localdate()
    first_load = False
    for name, (people, events, onset_months, note, intake, area, stage, rationale) in DEMO.items():
        client = world.clients.get(name)
        if client is None or InventoryPerson.objects.filter(client=client).exists():
            continue
        first_load = True
        made = {p["name"]: actions.add_person(therapist, client.pk, p) for p in people}
        for months, day, kind, description, who, mood in events:
            year, month = _months_ago(today, months)
            main = made[who].pk if who else None
            timeline_actions.add_event(therapist, client.pk, {"year": year, "month": month, "day": day, "kind": kind,
                                                              "description": description, "main_person": main,
                                                              "mood_effect": mood})
        year, month = _months_ago(today, onset_months)
        timeline_actions.save_intake(therapist, client.pk, onset={"year": year, "month": month}, onset_note=note,
                                     answers=intake, expected_version=0)
        course = Course.objects.filter(client=client, status__in=["planned", "active"]).order_by("-pk").first()
        if not area or course is None:
            continue
        formulation_actions.choose_area(therapist, course.pk, area=area, stage=stage, rationale=rationale)
        formulation_actions.generate_draft(therapist, course.pk, replace_text=True)
        draft = course.formulation_draft
        draft.refresh_from_db()
        formulation_actions.save_version(therapist, course.pk, text=draft.text, expected_version=draft.version)
        formulation_actions.record_agreement(therapist, course.pk, on=today)
    if first_load:  # the courses other apps add later (couples, groups) never had a formulation of their own
        _demo_formulations(world)
    _demo_client_change(world)


def _demo_formulations(world) -> None:
    """Give every other demo course with a problem area a formulation, agreed when its contract was.

    Written as rows (the demo has closed courses, which the actions refuse), as the synthetic data is.
    """
    from openipt.assessment.models import FormulationVersion
    from openipt.protocol import default_protocol

    courses = (Course.objects.filter(organisation=world.organisation).exclude(primary_area="")
               .exclude(pk__in=FormulationVersion.objects.values("course_id")).order_by("pk"))
    now = timezone.now()
    for course in courses:
        name = default_protocol().area(course.primary_area).name.lower()
        agreed = course.contract_agreed_on
        FormulationVersion.objects.create(
            course=course, number=1, text=f"The depression is linked to {name}: {course.primary_rationale}",
            area=course.primary_area, stage=course.dispute_stage, saved_by=course.therapist, saved_at=now,
            shared_at=now, shared_by=course.therapist, agreed_on=agreed,
            agreement_recorded_by=course.therapist if agreed else None, agreement_recorded_at=now if agreed else None)


def _demo_client_change(world) -> None:
    """Amara changed one entry from the portal, so the therapist sees the marker and the diff."""
    from openipt.assessment import actions
    from openipt.assessment.models import InventoryPerson

    client = world.clients.get("Amara Haddad")
    member = world.members.get("client")
    if client is None or member is None or client.user_id != member.user_id:
        return
    person = InventoryPerson.objects.filter(client=client, name="Leila").first()
    if person is None or person.client_version:
        return
    data = actions.person_data(person)
    data["changes_wanted"] = "Call Leila every Sunday after Mum"
    data["satisfying"] += "\nShe makes me laugh"
    actions.save_person(Actor(member), person.pk, data, expected_version=person.version)


# Synthetic data ------------------------------------------------------------------------------

RELATIONS = [("partner", "inner"), ("mother", "inner"), ("father", "middle"), ("sister", "middle"), ("brother", "middle"),
             ("friend", "middle"), ("colleague", "outer"), ("neighbour", "outer"), ("son", "inner"), ("daughter", "inner")]
NAMES = "Ana Ben Chloe Dev Eli Femi Gita Hugo Ines Jon Kemi Lars Mira Nico Oona Pia Raj Sol Tara Umar Vera Wen Yara Zak".split()
KIND_FOR = {"grief": "death", "role_dispute": "dispute", "role_transition": "role_change",
            "interpersonal_deficits": "isolation", "": "other"}
PERSON_COLUMNS = ("created_at", "updated_at", "client", "name", "relationship", "ring", "age_band", "contact",
                  "support_received", "support_given", "satisfying", "unsatisfying", "expects_of_other",
                  "expected_by_other", "expectations_match", "conflicts", "conflict_talking", "conflict_hope",
                  "conflict_ending", "conflict_mood_effect", "recent_changes", "changes_wanted", "version", "client_version", "staff_version",
                  "created_by", "updated_by")
REVISION_COLUMNS = ("person", "version", "kind", "data", "conflict_fields", "by", "by_client", "at")
EVENT_COLUMNS = ("created_at", "updated_at", "client", "year", "month", "kind", "description", "main_person",
                 "mood_effect", "version", "created_by", "updated_by")
RECORD_COLUMNS = ("client", "onset_year", "onset_month", "onset_note", "intake", "version", "updated_by", "updated_at")
CHOICE_COLUMNS = ("course", "area", "stage", "secondary_area", "rationale", "suggested_area", "suggested_stage",
                  "suggested_confidence", "followed", "suggestions", "by", "at")
VERSION_COLUMNS = ("course", "number", "text", "staff_text", "area", "stage", "saved_by", "saved_at", "shared_at",
                   "shared_by", "agreed_on", "agreed_by_client", "agreement_recorded_by", "agreement_recorded_at")


class _Writer:
    """Plain multi-row INSERTs with values as each database wants them."""

    def __init__(self, batch: int):
        self.batch = batch
        self.sqlite = connection.vendor == "sqlite"
        now = timezone.now()
        self.now = now.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ") if self.sqlite else now

    def day(self, value: date):
        return value.isoformat() if self.sqlite else value

    def insert(self, model, columns, rows) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        with connection.cursor() as cursor:
            for i in range(0, len(rows), self.batch):
                cursor.executemany(sql, rows[i:i + self.batch])


def add_synthetic_assessment(world, batch: int = 2000) -> None:
    """Give each synthetic course's client an inventory, a timeline and an onset; chosen areas get a formulation."""
    course_ids = list(getattr(world, "course_ids", []) or [])
    world.assessment_client_ids = []
    if not course_ids:
        return
    writer = _Writer(batch)
    rows = list(Course.objects.filter(pk__in=course_ids).order_by("pk")
                .values_list("pk", "client_id", "therapist_id", "primary_area", "dispute_stage", "phase", "start_date"))
    for i in range(0, len(rows), batch):
        _synth_batch(world, rows[i:i + batch], writer)


def _synth_batch(world, courses, w: _Writer) -> None:
    from openipt.assessment.models import (
        AreaChoice,
        ClientAssessment,
        FormulationVersion,
        InventoryPerson,
        InventoryRevision,
        LifeEvent,
    )

    rng = world.rng
    today = timezone.localdate()
    people_rows, plans = [], {}
    for course_id, client_id, therapist, area, stage, phase, start in courses:
        count = rng.randint(3, 6)
        chosen = rng.sample(RELATIONS, count)
        for relationship, ring in chosen:
            conflict = area == "role_dispute" and relationship == "partner"
            people_rows.append((
                w.now, w.now, client_id, rng.choice(NAMES), relationship, ring, "", rng.choice(["daily", "weekly", "monthly"]),
                rng.choice(["some", "a_lot", "little"]), "some", "Spends time together.", "" if not conflict else "Arguments at home.",
                "", "", "no" if conflict else "unknown", "Money and chores" if conflict else "", "open" if conflict else "unknown",
                "yes" if conflict else "unknown", "no" if conflict else "unknown", "worse" if conflict else "unknown",
                "", "", 1, 0, 1, therapist, therapist,
            ))
        plans[client_id] = (course_id, therapist, area, stage, phase, start)
    w.insert(InventoryPerson, PERSON_COLUMNS, people_rows)
    client_ids = list(plans)
    people_of: dict[int, list[tuple]] = {}
    fields = list(PERSON_COLUMNS[3:22])
    for row in InventoryPerson.objects.filter(client_id__in=client_ids).order_by("pk").values_list("pk", "client_id", *fields):
        people_of.setdefault(row[1], []).append(row)
    revisions, events, records, choices, versions = [], [], [], [], []
    for client_id, (course_id, therapist, area, stage, phase, _start) in plans.items():
        for row in people_of.get(client_id, []):
            revisions.append((row[0], 1, "saved", json.dumps(dict(zip(fields, row[2:], strict=True))), "[]", therapist, False, w.now))
        onset_year, onset_month = _months_ago(today, rng.randint(3, 14))
        ey, em = _months_ago(date(onset_year, onset_month, 1), rng.randint(0, 4))
        main = people_of[client_id][0][0] if area in ("grief", "role_dispute") and people_of.get(client_id) else None
        events.append((w.now, w.now, client_id, ey, em, KIND_FOR[area], "Synthetic life event.", main, "worse", 1, therapist, therapist))
        records.append((client_id, onset_year, onset_month, "Low mood, poor sleep.", json.dumps({"close_confidants": rng.randint(0, 4)}),
                        1, therapist, w.now))
        if area:
            choices.append((course_id, area, stage, "", "Synthetic rationale.", area, stage, "medium", True, "[]", therapist, w.now))
            agreed = phase != "initial"
            versions.append((course_id, 1, "Synthetic formulation for the client.", "", area, stage, therapist, w.now, w.now,
                             therapist, w.day(today) if agreed else None, False,
                             therapist if agreed else None, w.now if agreed else None))
    w.insert(InventoryRevision, REVISION_COLUMNS, revisions)
    w.insert(LifeEvent, EVENT_COLUMNS, events)
    w.insert(ClientAssessment, RECORD_COLUMNS, records)
    w.insert(AreaChoice, CHOICE_COLUMNS, choices)
    w.insert(FormulationVersion, VERSION_COLUMNS, versions)
    world.assessment_client_ids.extend(client_ids)


# Found by openipt.seed.steps when `openipt demo` or `openipt synth` runs; nothing imports this module at start-up.
DEMO_STEPS = (add_demo_assessment,)
SYNTH_STEPS = (add_synthetic_assessment,)
