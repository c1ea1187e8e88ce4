"""The load test's database side: prepare the people the load signs in as, and check what they wrote.

Run inside a Django process with the load's settings (bench/load/run.py starts it):

    python -m bench.load.world prepare --users 200 --plan PLAN.json
    python -m bench.load.world verify --plan PLAN.json --acks ACKS.jsonl --out RESULT.json

`prepare` gives the synthetic organisation's staff and portal logins one password (an admin setting a
password, as `openipt manage changepassword` does) and hands every simulated person their own things to
write to (a session note, a group session, a worksheet), so two simulated people never edit the same
thing and a version conflict in the results is a real one. `verify` reads every write the server
acknowledged (2xx, or the redirect a form sends on success) and checks that each is in the database
exactly once, and that every risk answer and risky text has its alert.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROLES = ("therapist", "facilitator", "supervisor", "client")
# Of every 20 simulated people: 9 therapists, 3 facilitators, 2 supervisors, 6 clients.
MIX = {"therapist": 9, "facilitator": 3, "supervisor": 2, "client": 6}
NOTE_TARGETS = 6  # session notes each simulated therapist may write in turn


def slots_for(users: int) -> dict[str, int]:
    """How many simulated people of each role a run of `users` has (at least one of each)."""
    total = sum(MIX.values())
    counts = {role: max(1, round(users * share / total)) for role, share in MIX.items()}
    counts["therapist"] = max(1, users - sum(n for role, n in counts.items() if role != "therapist"))
    return counts


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openipt.settings")
    import django

    django.setup()


def prepare(users: int, password: str) -> dict:
    """Passwords for the synthetic people, and each simulated person's own targets; return the plan."""
    from django.db import transaction
    from django.utils import timezone

    from openipt.accounts.models import Membership, Role, User
    from openipt.clients.models import Client
    from openipt.courses.models import Course, Session
    from openipt.groups.models import Group, GroupSession, Member, MemberStatus
    from openipt.practice.models import Worksheet, WorksheetStatus

    counts = slots_for(users)
    now = timezone.now()
    plan: dict = {
        "password": password,
        "counts": counts,
        "therapist": [],
        "facilitator": [],
        "supervisor": [],
        "client": [],
    }
    with transaction.atomic():
        people = {
            role: list(
                Membership.objects.filter(role=role, is_active=True).select_related("user").order_by("pk")
            )
            for role in (Role.THERAPIST, Role.FACILITATOR, Role.SUPERVISOR, Role.CLIENT)
        }
        for role, members in people.items():
            if not members:
                raise SystemExit(
                    f"prepare: the synthetic organisation has no {role}; run `openipt synth` first"
                )
        # One password for every synthetic login, hashed once (as synth does with its unusable one).
        probe = User(username="probe")
        probe.set_password(password)
        User.objects.filter(pk__in=[m.user_id for ms in people.values() for m in ms]).update(
            password=probe.password
        )

        # Therapists: their own active courses, and session notes nobody else in the run writes.
        therapists = people[Role.THERAPIST]
        sessions = (
            Session.objects.filter(
                course__status="active",
                course__therapist__in=therapists,
                scheduled_start__lte=now,
                note__isnull=True,
            )
            .order_by("course__therapist_id", "course_id", "number")
            .values_list("course__therapist_id", "course_id", "course__client_id", "number")
        )
        by_therapist: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for therapist_id, course_id, client_id, number in sessions:
            by_therapist[therapist_id].append((course_id, client_id, number))
        usable = [m for m in therapists if by_therapist[m.pk]]
        taken: dict[int, int] = defaultdict(int)
        for i in range(counts["therapist"]):
            member = usable[i % len(usable)]
            own = by_therapist[member.pk]
            start = taken[member.pk]
            notes = own[start : start + NOTE_TARGETS] or own[:1]
            taken[member.pk] += len(notes)
            courses = sorted({c for c, _cl, _n in own})
            plan["therapist"].append(
                {
                    "username": member.user.username,
                    "courses": courses[:8],
                    "clients": sorted({cl for _c, cl, _n in own})[:8],
                    "notes": [{"course": c, "client": cl, "number": n} for c, cl, n in notes],
                }
            )

        # Facilitators: a group session already due, with its active members, one per simulated facilitator.
        group_sessions = list(
            GroupSession.objects.filter(group__status="running", scheduled_start__lte=now)
            .select_related("group__facilitator__user")
            .order_by("group_id", "-number")
        )
        seen: set[int] = set()
        chosen = []
        for gs in group_sessions:  # the latest due session of each running group
            if gs.group_id not in seen:
                seen.add(gs.group_id)
                chosen.append(gs)
        if not chosen:
            raise SystemExit("prepare: no running group with a session due; use more synthetic clients")
        members = defaultdict(list)
        for member_id, group_id in (
            Member.objects.filter(group_id__in=seen, status=MemberStatus.ACTIVE)
            .order_by("pk")
            .values_list("pk", "group_id")
        ):
            members[group_id].append(member_id)
        for i in range(counts["facilitator"]):
            gs = chosen[i % len(chosen)]
            plan["facilitator"].append(
                {
                    "username": gs.group.facilitator.user.username,
                    "group": gs.group_id,
                    "number": gs.number,
                    "members": members[gs.group_id],
                    "shared": i >= len(chosen),
                }
            )
        for i in range(counts["supervisor"]):
            plan["supervisor"].append(
                {"username": people[Role.SUPERVISOR][i % len(people[Role.SUPERVISOR])].user.username}
            )

        # Clients: a worksheet of their own, assigned by their therapist, one per simulated client.
        portal = people[Role.CLIENT]
        records = dict(
            Client.objects.filter(user_id__in=[m.user_id for m in portal]).values_list("user_id", "pk")
        )
        portal = [m for m in portal if m.user_id in records]
        therapist_of = dict(
            Course.objects.filter(client_id__in=records.values()).values_list("client_id", "therapist_id")
        )
        for i in range(counts["client"]):
            member = portal[i % len(portal)]
            client_id = records[member.user_id]
            sheet = Worksheet.objects.create(
                client_id=client_id,
                kind="communication_analysis",
                status=WorksheetStatus.ASSIGNED,
                assigned_by_id=therapist_of.get(client_id) or therapists[0].pk,
            )
            plan["client"].append(
                {"username": member.user.username, "client": client_id, "worksheet": sheet.pk}
            )
    plan["prepared_at"] = now.isoformat()
    plan["groups"] = len(Group.objects.all())
    return plan


def read_acks(path: Path) -> list[dict]:
    """The lines the load wrote, one JSON object each; a torn last line (a killed writer) is skipped."""
    rows = []
    if not path.exists():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


def sent_after(tried: list[dict], kind: str, field: str, value: str, **where) -> set[str]:
    """What was sent, unacknowledged, after the write whose `field` is `value`: it may have been carried out
    after that write, and so be the one kept. A write sent before it and kept would be a lost write."""
    rows = [r for r in tried if r.get("kind") == kind and all(r.get(k) == v for k, v in where.items())]
    start = next((r["t"] for r in rows if r.get(field) == value), None)
    return {r[field] for r in rows if start is None or r["t"] > start}


def verify(rows: list[dict], since: datetime | None = None) -> dict:
    """Check every acknowledged write against the database; return counts and every problem found."""
    from openipt.core.models import Submission
    from openipt.courses.models import SessionNote
    from openipt.groups.models import AppliedChange, Attendance, QuickCheck
    from openipt.measures.models import Administration
    from openipt.practice.models import Worksheet, WorksheetVersion
    from openipt.safety.models import Alert, AlertEvent

    problems: list[str] = []
    checked: dict[str, int] = defaultdict(int)
    acked = [r for r in rows if r.get("ack")]
    tried = [r for r in rows if not r.get("ack") and r.get("kind") != "fail"]

    def alert_for(client_id: int, source_ids: set[str], marker: str = "") -> bool:
        alerts = Alert.objects.filter(client_id=client_id)
        if source_ids and alerts.filter(source_id__in=source_ids).exists():
            return (
                not marker
                or alerts.filter(source_id__in=source_ids, text__contains=marker).exists()
                or AlertEvent.objects.filter(alert__client_id=client_id, text__contains=marker).exists()
            )
        return False

    # Session notes: every acknowledged autosave's marker is in the note, once.
    notes: dict[tuple[int, int], list[str]] = defaultdict(list)
    for r in acked:
        if r["kind"] == "note":
            notes[(r["course"], r["number"])].append(r["marker"])
    for (course, number), markers in notes.items():
        note = SessionNote.objects.filter(session__course_id=course, session__number=number).first()
        text = note.strategy_work if note else ""
        for marker in markers:
            checked["note autosaves"] += 1
            found = text.count(marker)
            if found != 1:
                problems.append(f"note course {course} session {number}: marker {marker} found {found} times")

    # PHQ-9 entered on paper: the administration exists once, its submission key once; item 9 > 0 has its alert.
    for r in acked:
        if r["kind"] != "phq9":
            continue
        checked["PHQ-9 entries"] += 1
        found = list(Administration.objects.filter(uuid=r["uuid"]).values_list("pk", "client_id"))
        keys = Submission.objects.filter(key=r["key"]).count()
        if len(found) != 1 or keys != 1:
            problems.append(
                f"PHQ-9 {r['key']}: {len(found)} answers and {keys} submission records (want 1 and 1)"
            )
            continue
        if r["q9"] > 0:
            checked["PHQ-9 item 9 alerts"] += 1
            if not alert_for(found[0][1], {str(found[0][0])}):
                problems.append(f"PHQ-9 {r['uuid']}: item 9 was {r['q9']} but no alert was raised")

    # Group sessions sent as changes: each key applied once; the last will-try text is the one kept.
    last_try: dict[tuple[int, int], str] = {}
    for r in acked:
        if r["kind"] not in ("mark", "will_try", "check"):
            continue
        checked[f"group {r['kind']} changes"] += 1
        applied = list(AppliedChange.objects.filter(key=r["key"]).values_list("session_id", "kind"))
        if len(applied) != 1 or applied[0][1] != r["kind"]:
            problems.append(f"group change {r['key']} ({r['kind']}): stored {len(applied)} times")
            continue
        if r["kind"] == "will_try":
            last_try[(applied[0][0], r["member"])] = r["text"]
        if r["kind"] == "check":
            qc = (
                QuickCheck.objects.filter(session_id=applied[0][0], member_id=r["member"])
                .select_related("member")
                .first()
            )
            if qc is None:
                problems.append(f"group check {r['key']}: no symptom check stored")
            elif r["q9"] > 0:
                checked["group check item 9 alerts"] += 1
                if not alert_for(qc.member.client_id, {str(qc.pk), str(qc.administration_id)}):
                    problems.append(f"group check {r['key']}: item 9 was {r['q9']} but no alert was raised")
    for (session_id, member), text in last_try.items():
        kept = (
            Attendance.objects.filter(session_id=session_id, member_id=member)
            .values_list("will_try", flat=True)
            .first()
        )
        if kept != text and kept not in sent_after(tried, "will_try", "text", text, member=member):
            problems.append(
                f"group session {session_id} member {member}: will-try text is not the last one acknowledged"
            )

    # Worksheets: each acknowledged save is one numbered copy; risky words have their alert.
    for r in acked:
        if r["kind"] != "worksheet":
            continue
        if r["save"]:
            checked["worksheet saves"] += 1
            copies = sum(
                1
                for data in WorksheetVersion.objects.filter(worksheet_id=r["worksheet"]).values_list(
                    "data", flat=True
                )
                if r["marker"] in json.dumps(data)
            )
            if copies != 1:
                problems.append(
                    f"worksheet {r['worksheet']}: save {r['marker']} kept {copies} times (want 1)"
                )
        else:
            checked["worksheet autosaves"] += 1
        if r["risk"]:
            checked["worksheet risk alerts"] += 1
            if not alert_for(r["client"], {str(r["worksheet"])}, r["marker"]):
                problems.append(f"worksheet {r['worksheet']}: risky words {r['marker']} have no alert")
    sheets = {r["worksheet"] for r in acked if r["kind"] == "worksheet"}
    for sheet_id in sheets:
        last = [r for r in acked if r["kind"] == "worksheet" and r["worksheet"] == sheet_id][-1]
        kept = json.dumps(Worksheet.objects.filter(pk=sheet_id).values_list("data", flat=True).first() or {})
        if last["marker"] not in kept and not any(
            m in kept for m in sent_after(tried, "worksheet", "marker", last["marker"], worksheet=sheet_id)
        ):
            problems.append(
                f"worksheet {sheet_id}: the last acknowledged text {last['marker']} is not the one kept"
            )

    # Alerts a supervisor acknowledged stay acknowledged.
    for r in acked:
        if r["kind"] == "acknowledge":
            checked["alert acknowledgements"] += 1
            if not Alert.objects.filter(pk=r["alert"], acknowledged_at__isnull=False).exists():
                problems.append(f"alert {r['alert']}: acknowledged on screen but not in the database")

    # No duplicate paper entries: each one made during the run has its own submission record.
    if since is not None:
        made = Administration.objects.filter(
            source="staff", entered_by_role="therapist", updated_at__gte=since
        ).count()
        keys = Submission.objects.filter(
            created_at__gte=since, redirect_to__startswith="/measures/answers/"
        ).count()
        checked["paper entries made during the run"] = made
        if made != keys:
            problems.append(f"{made} paper PHQ-9 entries were stored for {keys} submissions: a duplicate")

    return {"acknowledged": len(acked), "checked": dict(checked), "problems": problems, "ok": not problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.world")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--plan", type=Path, required=True)
    v = sub.add_parser("verify")
    v.add_argument("--plan", type=Path, required=True)
    v.add_argument("--acks", type=Path, required=True)
    v.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    _setup()
    if args.command == "prepare":
        plan = prepare(args.users, secrets.token_urlsafe(18))
        args.plan.write_text(json.dumps(plan, indent=1), encoding="utf-8")
        print(f"prepared {plan['counts']} in {plan['groups']} groups", flush=True)
        return 0
    plan = json.loads(args.plan.read_text(encoding="utf-8"))
    result = verify(read_acks(args.acks), since=datetime.fromisoformat(plan["prepared_at"]))
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result["checked"]), flush=True)
    for problem in result["problems"][:50]:
        print("problem:", problem, file=sys.stderr, flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
