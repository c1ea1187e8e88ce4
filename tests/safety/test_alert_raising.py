"""Raising alerts: from answers, text and risk reviews, in the transaction of what raised them."""

from __future__ import annotations

import pytest
from django.db import transaction

from openipt.audit.models import AuditEvent
from openipt.clients.models import Client, ClientSignal
from openipt.safety import api
from openipt.safety.models import Alert, AlertEvent, AutomationPause, Delivery
from tests.support.people import actor
from tests.support.safety import T0, WORRYING, raise_answers, raise_text


def test_phq9_item_9_above_zero_raises_a_high_alert_with_the_answer_as_evidence(world):
    """HAZ-005: the shipped rule on PHQ-9 item 9 fires for any answer above "not at all"."""
    client = world.clients["mine"]
    assert raise_answers(client, "phq9", {f"q{i}": 0 for i in range(1, 10)}) == []
    alerts = raise_answers(client, "phq9", {**{f"q{i}": 1 for i in range(1, 9)}, "q9": 1}, pk=2)
    assert [(a.rule_id, a.severity, a.status) for a in alerts] == [("phq9_item9_positive", "high", "raised")]
    assert alerts[0].evidence == [{"kind": "answer", "item": "q9", "value": 1}]
    assert alerts[0].source == "phq9"


def test_hamd_item_3_and_answers_sent_as_text_digits_raise_alerts(world):
    """HAZ-005: HAM-D item 3 ≥ 1 fires; a whole number sent as "2" is read as 2, not skipped."""
    alerts = raise_answers(world.clients["mine"], "hamd17", {"q3": "2"})
    assert [a.rule_id for a in alerts] == ["hamd17_item3_positive"]


def test_a_worrying_text_raises_an_alert_tells_the_therapist_and_flags_the_caseload(world):
    """HAZ-005, HAZ-006: text from the portal raises an alert with the matched words, a delivery and an urgent signal."""
    client = world.clients["mine"]
    [alert] = api.raise_for_text(client=client, text=WORRYING, source="practice.worksheet", actor=actor(world.m["client"]))
    assert alert.rule_kind == "free_text" and alert.severity == "high"
    assert alert.text == WORRYING
    matched = [e["text"] for e in alert.evidence]
    assert any("better off without me" in m for m in matched)
    assert [d.recipient for d in Delivery.objects.filter(alert=alert)] == [world.m["therapist"]]
    signal = ClientSignal.objects.get(client=client, source="safety")
    assert signal.level == 3 and "1 open risk alert" in signal.label
    assert Client.objects.get(pk=client.pk).attention == 3
    assert AuditEvent.objects.filter(event_type="safety.alert_raised", client_id=client.pk).count() == 1
    assert AlertEvent.objects.filter(alert=alert, kind="raised").exists()


def test_low_severity_text_becomes_a_review_alert_that_escalates_slowly(world):
    """HAZ-005: a negated statement still deserves a look, as a "review" alert on the slow policy."""
    [alert] = raise_text(world.clients["mine"], "I would never hurt myself")
    assert alert.severity == "low"
    assert alert.get_severity_display() == "Review"
    assert alert.policy_id == "review"
    assert alert.schedule == [[0, "assigned_staff"], [1440, "supervisor"]]


def test_idioms_and_empty_text_raise_nothing(world):
    client = world.clients["mine"]
    assert api.raise_for_text(client=client, text="this traffic is killing me", source="practice.log") == []
    assert api.raise_for_text(client=client, text="   ", source="practice.log") == []
    assert api.raise_for_text(client=client, text=None, source="practice.log") == []
    assert Alert.objects.count() == 0
    assert not ClientSignal.objects.filter(client=client, source="safety").exists()


@pytest.mark.parametrize("text", [
    "Tengo ganas de morir 😢", "我不想活了", "لا أريد أن أعيش", "🙂" * 5000, "\x00\u202e odd controls \ufeff",
    "I want to die " * 3000, "e\u0301 \U0001F480 kms",
])
def test_text_in_any_language_or_with_emoji_never_crashes(world, text):
    """HAZ-005 (bad input): any text goes through the hook without an error."""
    alerts = api.raise_for_text(client=world.clients["mine"], text=text, source="practice.log")
    assert isinstance(alerts, list)


def test_the_same_object_saved_again_adds_evidence_to_the_open_alert_instead_of_a_second_one(world):
    """HAZ-006: an autosaved worksheet does not bury staff in copies; a worse signal raises the severity."""
    client = world.clients["mine"]
    sheet = world.clients["theirs"]  # any saved object stands for "the worksheet"
    [first] = raise_text(client, "I felt hopeless this week and could not see the point of anything.", obj=sheet)
    assert first.severity == "medium"
    [again] = raise_text(client, WORRYING, obj=sheet)
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.severity == "high"
    assert Alert.objects.filter(client=client).count() == 1
    assert AlertEvent.objects.filter(alert=first, kind="evidence").count() == 1
    assert AutomationPause.objects.filter(client=client, lifted_at__isnull=True).count() == 1


def test_a_risk_review_in_a_signed_note_raises_an_alert_by_its_level(world):
    """HAZ-005: "none" raises nothing, medium maps to the shipped "moderate" level, high to a high alert."""
    client = world.clients["mine"]
    assert api.raise_for_review(client=client, level="none", text="") == []
    [medium] = api.raise_for_review(client=client, level="medium", text="Passive thoughts at night.")
    assert (medium.severity, medium.policy_id) == ("medium", "prompt")
    [high] = api.raise_for_review(client=client, level="high", text="Has a plan.", actor=actor(world.m["therapist"]))
    assert high.severity == "high" and high.raised_by == world.m["therapist"]


def test_an_alert_and_its_cause_are_stored_together_or_not_at_all(world):
    """HAZ-005, HAZ-010: a failure after raising rolls back both the alert and what raised it."""
    client = world.clients["mine"]
    with pytest.raises(RuntimeError), transaction.atomic():
        Client.objects.filter(pk=client.pk).update(phone="0700 000 000")  # stands for the saved answers
        assert len(raise_text(client)) == 1
        raise RuntimeError("the save failed after the alert was raised")
    assert Alert.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert not ClientSignal.objects.filter(client=client, source="safety").exists()
    assert not AuditEvent.objects.filter(event_type="safety.alert_raised").exists()
    assert Client.objects.get(pk=client.pk).phone == ""


def test_signing_a_note_with_a_high_risk_review_raises_an_alert_in_the_signing_transaction(world):
    """HAZ-005: the courses hook calls raise_for_review; if the signing fails afterwards, neither is stored."""
    from datetime import datetime, time

    from django.utils import timezone

    from openipt.courses import actions as course_actions
    from openipt.courses import session_actions
    from openipt.courses.models import SessionNote

    therapist = actor(world.m["therapist"])
    when = timezone.make_aware(datetime.combine(timezone.localdate(), time(23, 0)))
    course = course_actions.start_course(therapist, world.clients["mine"].pk, format_id="individual",
                                         start_date=timezone.localdate(), first_session=when)
    session_actions.record_attendance(therapist, course.pk, 1, "attended")
    note = session_actions.save_note(therapist, course.pk, 1, {"mood": "Low", "risk_reviewed": True, "risk_level": "high",
                                                              "risk_text": "Has thought about how. Crisis plan agreed."},
                                     expected_version=0)
    with pytest.raises(RuntimeError), transaction.atomic():
        session_actions.sign_note(therapist, course.pk, 1, expected_version=note.version)
        assert Alert.objects.filter(rule_id="risk_review_concern").count() == 1
        raise RuntimeError("something after signing failed")
    assert Alert.objects.count() == 0
    assert not SessionNote.objects.get(pk=note.pk).is_signed
    session_actions.sign_note(therapist, course.pk, 1, expected_version=note.version)
    [alert] = Alert.objects.all()
    assert (alert.rule_id, alert.severity, alert.source_type) == ("risk_review_concern", "high", "courses.sessionnote")
    assert alert.raised_by == world.m["therapist"]


def test_a_high_alert_pauses_automated_features_until_care_staff_reopen_them_with_a_reason(world):
    """HAZ-009: the rehearsal partner stays paused for the client until a person reopens it, recording who and why."""
    from openipt.core.errors import ActionError
    from openipt.safety import actions

    client = world.clients["mine"]
    assert api.automated_features_paused(client) is False
    [alert] = raise_text(client)
    assert api.automated_features_paused(client) is True
    actions.resolve(actor(world.m["therapist"]), alert.pk, "Called; safe tonight; plan updated.")
    assert api.automated_features_paused(client) is True  # resolving alone does not reopen them
    with pytest.raises(ActionError) as refused:
        actions.reopen_automation(actor(world.m["therapist"]), client.pk, "  ")
    assert refused.value.field == "reason"
    with pytest.raises(ActionError):
        actions.reopen_automation(actor(world.m["therapist2"]), client.pk, "Not my client")
    pause = actions.reopen_automation(actor(world.m["therapist"]), client.pk, "Reviewed in session; safe to practise.")
    assert api.automated_features_paused(client) is False
    assert (pause.lifted_by, pause.lift_reason) == (world.m["therapist"], "Reviewed in session; safe to practise.")
    assert AuditEvent.objects.filter(event_type="safety.automation_reopened", client_id=client.pk).exists()
    assert T0  # the fixed clock is only needed by the escalation tests
