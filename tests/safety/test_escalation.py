"""Escalation with a fixed clock: on time, once, and caught up after downtime."""

from __future__ import annotations

from io import StringIO

from django.core import mail
from django.core.management import call_command

from openipt.accounts.models import Role
from openipt.audit.models import AuditEvent
from openipt.safety import actions
from openipt.safety.models import AlertEvent, AlertStatus, Delivery
from tests.support.people import actor, make_client, make_member
from tests.support.safety import at, raise_text, run


def _told(alert):
    return sorted((d.target, d.recipient_id) for d in Delivery.objects.filter(alert=alert))


def test_an_unacknowledged_alert_goes_to_the_supervisor_at_30_minutes_then_the_admins_at_60(world):
    """HAZ-006: the standard policy escalates on time, and each step is carried out once however often the job runs."""
    [alert] = raise_text(world.clients["mine"])
    assert _told(alert) == [("assigned_staff", world.m["therapist"].pk)]
    run(29)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RAISED and alert.next_escalation_at == at(30)
    run(30)
    run(30)
    run(45)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ESCALATED and alert.level == 2
    assert _told(alert) == [("assigned_staff", world.m["therapist"].pk), ("supervisor", world.m["supervisor"].pk)]
    run(60)
    run(61)
    alert.refresh_from_db()
    assert alert.level == 3 and alert.next_escalation_at is None
    assert ("admins", world.m["admin"].pk) in _told(alert)
    assert AlertEvent.objects.filter(alert=alert, kind="escalated").count() == 2
    assert AuditEvent.objects.filter(event_type="safety.alert_escalated", client_id=alert.client_id).count() == 2
    assert len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {world.m[r].user.email for r in ("therapist", "supervisor", "admin")}


def test_after_downtime_every_step_that_fell_due_is_carried_out_once_and_marked_late(world):
    """HAZ-006: nothing ran for two hours; the next run tells the supervisor and the admins, saying how late."""
    [alert] = raise_text(world.clients["mine"])
    result = run(120)
    assert result["steps"] == 2  # the two steps that fell due while nothing ran (the first was done on raising)
    assert run(121)["steps"] == 0
    events = list(AlertEvent.objects.filter(alert=alert, kind="escalated").order_by("pk"))
    assert [e.details["target"] for e in events] == ["supervisor", "admins"]
    assert [e.details["minutes_late"] for e in events] == [90, 60]


def test_acknowledging_stops_escalation(world):
    """HAZ-006: once someone acts, nobody else is chased."""
    [alert] = raise_text(world.clients["mine"])
    actions.acknowledge(actor(world.m["therapist"]), alert.pk, now=at(10))
    run(200)
    alert.refresh_from_db()
    assert alert.level == 1 and alert.next_escalation_at is None
    assert _told(alert) == [("assigned_staff", world.m["therapist"].pk)]


def test_a_tuned_timing_applies_to_new_alerts(world):
    """HAZ-006: an organisation that wants the supervisor told after 10 minutes gets that."""
    from openipt.safety import settings_actions

    settings_actions.set_timing(actor(world.m["admin"]), "standard", [10, 20])
    [alert] = raise_text(world.clients["mine"])
    assert alert.schedule == [[0, "assigned_staff"], [10, "supervisor"], [30, "admins"]]
    run(10)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ESCALATED


def test_a_facilitators_client_tells_the_facilitator_and_their_supervisor_at_once(world):
    """HAZ-006: lay facilitators of groups are backed by their supervisor from the first minute."""
    lead = make_member(world.org, Role.SUPERVISOR)
    facilitator = make_member(world.org, Role.FACILITATOR, supervisor=lead)
    member = make_client(world.m["admin"], assign_to=facilitator)
    [alert] = raise_text(member)
    assert set(_told(alert)) == {("assigned_staff", facilitator.pk), ("assigned_staff", lead.pk)}


def test_a_client_nobody_is_assigned_to_reaches_the_admins_at_once(world):
    """HAZ-006: a step never tells nobody."""
    orphan = make_client(world.m["admin"], assign_to=None)
    [alert] = raise_text(orphan)
    assert _told(alert) == [("assigned_staff", world.m["admin"].pk)]


def test_the_escalate_command_is_safe_to_run_twice(world):
    """HAZ-006: `openipt manage escalate` does the job once; a second run finds nothing to do."""
    [alert] = raise_text(world.clients["mine"])
    out = StringIO()
    call_command("escalate", "--at", at(31).isoformat(), stdout=out)
    assert "escalation steps carried out: 1" in out.getvalue()  # the supervisor
    out = StringIO()
    call_command("escalate", "--at", at(31).isoformat(), stdout=out)
    assert "escalation steps carried out: 0" in out.getvalue()
    alert.refresh_from_db()
    assert alert.level == 2


def test_the_escalate_command_refuses_a_bad_time_with_one_line(world):
    from django.core.management.base import CommandError

    try:
        call_command("escalate", "--at", "half past nine")
    except CommandError as exc:
        assert "is not a date and time" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a bad --at was accepted")


def test_openipt_manage_escalate_runs_the_job(world, capsys):
    """HAZ-006: the command an operator schedules: `openipt manage escalate`."""
    from openipt.cli import main

    raise_text(world.clients["mine"])
    assert main(["manage", "escalate", "--at", at(61).isoformat()]) == 0
    assert "escalation steps carried out: 2" in capsys.readouterr().out


def test_openipt_escalate_is_the_same_job_under_a_short_name(world, capsys):
    """HAZ-006: `openipt escalate` is what the README tells operators to schedule."""
    from openipt.cli import main

    raise_text(world.clients["mine"])
    assert main(["escalate", "--at", at(31).isoformat()]) == 0
    assert "escalation steps carried out: 1" in capsys.readouterr().out
