"""Every change to alerts, safety plans and automation pauses.

Alerts are raised inside the transaction that stores what raised them (see `api.py`), so a risk
signal and its cause are stored together or not at all. Acknowledging and resolving are
conditional updates: when two people act at once, one wins and the other is told who did,
without an error page. Nothing here deletes anything. Escalation and notification are in
`notify.py`; the organisation's settings (rules, timing, crisis contacts) in `settings_actions.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.clients import access as client_access
from openipt.clients.actions import set_signal
from openipt.clients.models import Client, SignalLevel
from openipt.core import bulk, events
from openipt.core.errors import ActionError, ConflictError, ErrorCode
from openipt.safety import access, recipients
from openipt.safety.errors import SafetyCode
from openipt.safety.models import (
    OPEN,
    PLAN_SECTIONS,
    SEVERITY_RANK,
    UNACKNOWLEDGED,
    Alert,
    AlertEvent,
    AlertStatus,
    AutomationPause,
    SafetyPlan,
    SafetyPlanVersion,
)

log = logging.getLogger("openipt.safety")

ALERT_RAISED = register("safety.alert_raised", "Risk alert raised")
ALERT_EVIDENCE = register("safety.alert_evidence", "More evidence added to an open risk alert")
ALERT_ESCALATED = register("safety.alert_escalated", "Risk alert escalated")
ALERT_ACKNOWLEDGED = register("safety.alert_acknowledged", "Risk alert acknowledged")
ALERT_RESOLVED = register("safety.alert_resolved", "Risk alert resolved")
ALERT_VIEWED = register("safety.alert_viewed", "Risk alert viewed")
ALERT_LIST_VIEWED = register("safety.alert_list_viewed", "Risk alert list viewed")
NOTIFICATION_SENT = register("safety.notification_sent", "Risk alert notification sent")
NOTIFICATION_FAILED = register("safety.notification_failed", "Risk alert notification failed")
AUTOMATION_PAUSED = register("safety.automation_paused", "Automated features paused for a client")
AUTOMATION_REOPENED = register("safety.automation_reopened", "Automated features reopened for a client")
PLAN_SAVED = register("safety.plan_saved", "Safety plan saved")
PLAN_VIEWED = register("safety.plan_viewed", "Safety plan viewed")
RULE_ADDED = register("safety.rule_added", "Organisation risk rule added")
RULE_CHANGED = register("safety.rule_changed", "Organisation risk rule changed")
RULE_SWITCHED = register("safety.rule_switched", "Risk rule switched off or on")
TIMING_CHANGED = register("safety.timing_changed", "Escalation timing changed")
CONTACT_ADDED = register("safety.contact_added", "Crisis contact added")
CONTACT_CHANGED = register("safety.contact_changed", "Crisis contact changed")
SAFEGUARDING_LEAD_SET = register("safety.safeguarding_lead_set", "Safeguarding lead set")

ESCALATED_TEXT = {
    "assigned_staff": "Not acknowledged in time: told the assigned staff again.",
    "supervisor": "Not acknowledged in time: passed to the supervisor.",
    "admins": "Not acknowledged in time: passed to the organisation's admins.",
    "safeguarding_lead": "Told the organisation's safeguarding lead.",
}

from openipt.safety import notify  # noqa: E402 - notify reads the event types above
from openipt.safety.ruleset import policy_schedule, rules_for  # noqa: E402

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor
    from openipt.accounts.models import Membership
    from openipt.safety.rules import RuleSet, Signal

SIGNAL_SOURCE = "safety"
MAX_TEXT = 20000
MAX_NOTE = 10000
MAX_SECTION = 5000


# -- raising ------------------------------------------------------------------------------------

def _evidence(signal: Signal) -> list[dict[str, Any]]:
    rows = []
    for e in signal.evidence:
        row: dict[str, Any] = {"kind": e.kind}
        for name in ("item", "value", "start", "end", "text", "detector_rule"):
            value = getattr(e, name)
            if value is not None:
                row[name] = value
        if e.modifiers:
            row["modifiers"] = list(e.modifiers)
        rows.append(row)
    return rows


def _source_of(obj: object) -> tuple[str, str]:
    if obj is None:
        return "", ""
    meta = getattr(obj, "_meta", None)
    label = meta.label_lower if meta is not None else type(obj).__name__.lower()
    pk = getattr(obj, "pk", None)
    return label[:60], ("" if pk is None else str(pk))[:60]


@dataclass
class _Together:
    """What the alerts raised inside `raising_together` share."""

    organisation_id: int
    ruleset: RuleSet
    alert_ids: list[int] = field(default_factory=list)
    client_ids: set[int] = field(default_factory=set)
    new_sources: frozenset[tuple[str, str]] = frozenset()  # objects no alert could name before the block
    raised: dict[tuple[int, str, str, str, str], Alert] = field(default_factory=dict)  # about new objects
    history: list[AlertEvent] = field(default_factory=list)  # the alerts' events, stored when the block ends
    deliveries: list[Any] = field(default_factory=list)  # the e-mails to send, stored when the block ends
    told: dict[int, set[int]] = field(default_factory=dict)  # who has a delivery, for alerts raised here
    staff: dict[int, list[Membership]] = field(default_factory=dict)  # each client's assigned staff, read once
    locked: dict[int, Client] = field(default_factory=dict)  # clients locked for their alerts (`expect_alerts`)
    paused: dict[int, bool] = field(default_factory=dict)  # whether a locked client's automation is paused
    told_webhooks: list[tuple[events.EventType, datetime, dict[str, Any]]] = field(default_factory=list)  # in order


_TOGETHER: ContextVar[_Together | None] = ContextVar("openipt_safety_raising_together", default=None)


@contextmanager
def raising_together(organisation_id: int, new_objects: Sequence[object] = ()) -> Iterator[RuleSet]:
    """Raise the alerts of a batch of questionnaires together, in the caller's transaction; yields the rules.

    Inside, every alert is raised, escalated, notified, audited and told to webhooks by `raise_signals` exactly
    as when raised alone, but the organisation's rules are read once (here, for the whole batch), each client's
    caseload signal is set once when the block ends (not after each alert), and one run of the follow-ups (the
    first e-mails) is booked after the commit for all the new alerts (issue 15). The alerts' events (raised,
    notified, paused) and their deliveries are kept and stored together when the block ends, in the order they
    were made; each client's assigned staff is read once; what webhooks are told (the alert raised) is told when
    the block ends, in order, each run of one kind at once (`events.emit_many`). `new_objects` were created in the caller's
    transaction (the batch's responses): no alert could name one before the block, so an open alert about one
    is looked for among those raised here, not in the database. When the block ends with an error, nothing
    of this is done: the caller's transaction is undone with the alerts.
    """
    together = _Together(organisation_id, rules_for(organisation_id),
                         new_sources=frozenset(_source_of(o) for o in new_objects))
    token = _TOGETHER.set(together)
    try:
        yield together.ruleset
    finally:
        _TOGETHER.reset(token)
    bulk.insert_many(together.history)
    bulk.insert_many(together.deliveries)
    for event_type, run in groupby(together.told_webhooks, key=lambda told: told[0]):  # in order, a run of a type at once
        events.emit_many(event_type, organisation_id=organisation_id, items=[(at, data) for _type, at, data in run])
    counts = _open_alerts(together.client_ids)
    for client_id in sorted(together.client_ids):
        _set_alert_signal(client_id, counts.get(client_id, 0))
    if together.alert_ids:
        transaction.on_commit(partial(notify.after_commit, together.alert_ids))


def _together(organisation_id: int) -> _Together | None:
    together = _TOGETHER.get()
    return together if together is not None and together.organisation_id == organisation_id else None


def add_event(alert: Alert, **fields: Any) -> None:
    """Store one event of an alert's history now, or with the batch's when raised together."""
    together = _together(alert.organisation_id)
    if together is not None:
        together.history.append(AlertEvent(alert=alert, **fields))
    else:
        AlertEvent.objects.create(alert=alert, **fields)


def emit(event_type: events.EventType, organisation_id: int, now: datetime, data: dict[str, Any]) -> None:
    """Tell the listeners (webhooks) of an alert's event now, or with the batch's others when raised together."""
    together = _together(organisation_id)
    if together is not None:
        together.told_webhooks.append((event_type, now, data))
    else:
        events.emit(event_type, organisation_id=organisation_id, occurred_at=now, data=data)


def raised_together(organisation_id: int) -> _Together | None:
    """What the alerts being raised together in this organisation share (None outside `raising_together`)."""
    return _together(organisation_id)


def assigned_staff(client_id: int, organisation_id: int) -> list[Membership]:
    """The client's assigned staff (`recipients.assigned_staff`), read once a client while raising together.

    The batch changes no assignment, so what was read for a client's first alert holds for its others.
    """
    together = _together(organisation_id)
    if together is None:
        return recipients.assigned_staff(client_id)
    if client_id not in together.staff:
        together.staff[client_id] = recipients.assigned_staff(client_id)
    return together.staff[client_id]


def expect_alerts(client_ids: Iterable[int]) -> None:
    """Lock and read at once the clients whose alerts a batch is about to raise, with their assigned staff.

    Inside `raising_together` only. Each client row is locked (one raiser at a time per client, as
    `raise_signals` locks it) in the order of their ids, and `raise_signals` takes the locked row from here.
    """
    together = _TOGETHER.get()
    if together is None:
        raise RuntimeError("expect_alerts is for a block of alerts raised together")
    ids = sorted(set(client_ids) - set(together.locked))
    if not ids:
        return
    for client in Client.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        together.locked[client.pk] = client
    paused = set(AutomationPause.objects.filter(client_id__in=ids, lifted_at__isnull=True).values_list("client_id", flat=True))
    together.paused.update({client_id: client_id in paused for client_id in ids})
    for client_id, staff in recipients.assigned_staff_many(ids).items():
        together.staff.setdefault(client_id, staff)


def rules_in_force(organisation_id: int) -> RuleSet:
    """The organisation's rules: those read for the batch being raised together, or read now."""
    together = _together(organisation_id)
    return together.ruleset if together is not None else rules_for(organisation_id)


def raise_signals(client: Client, signals: Sequence[Signal], *, rule_kind: str, obj: object = None, text: str = "",
                  actor: Actor | None = None, now: datetime | None = None) -> list[Alert]:
    """Store alerts for risk signals about a client, in the caller's transaction; return them.

    An open alert from the same rule about the same object (a worksheet saved again) gets the
    new evidence instead of a second alert, and its severity rises if the new signal is worse.
    """
    if not signals:
        return []
    now = now or timezone.now()
    together = _together(client.organisation_id)
    with transaction.atomic():
        locked = together.locked.get(client.pk) if together is not None else None
        client = locked or Client.objects.select_for_update().get(pk=client.pk)  # one raiser at a time per client
        ruleset = together.ruleset if together is not None else rules_for(client.organisation_id)
        source_type, source_id = _source_of(obj)
        membership = getattr(actor, "membership", None)
        alerts: list[Alert] = []
        for signal in signals:
            existing = None
            key = (client.pk, signal.rule_id, signal.kind, source_type, source_id)
            if together is not None and (source_type, source_id) in together.new_sources:
                existing = together.raised.get(key)  # an object made in this transaction: only alerts raised here
            elif source_id:
                existing = Alert.objects.filter(
                    client=client, rule_id=signal.rule_id, kind=signal.kind, source_type=source_type, source_id=source_id,
                    status__in=OPEN,
                ).first()
            if existing is not None:
                alerts.append(_add_evidence(existing, signal, text, actor, now))
                continue
            schedule = policy_schedule(ruleset, signal.policy)
            alert = Alert.objects.create(
                organisation_id=client.organisation_id, client=client, rule_id=signal.rule_id, rule_kind=rule_kind,
                kind=signal.kind,
                source=signal.source[:40], source_type=source_type, source_id=source_id, severity=signal.severity,
                severity_rank=SEVERITY_RANK[signal.severity], policy_id=signal.policy, schedule=schedule,
                reason=signal.reason, evidence=_evidence(signal), text=(text or "")[:MAX_TEXT], raised_at=now,
                raised_by=membership,
            )
            if together is not None:
                together.told[alert.pk] = set()  # nobody told yet: its deliveries are all made in this block
                if (source_type, source_id) in together.new_sources:
                    together.raised[key] = alert
            add_event(alert, at=now, kind="raised", by=membership, text=signal.reason,
                      details={"rule": signal.rule_id, "severity": signal.severity, "policy": signal.policy,
                               "kind": signal.kind})
            audit.record(ALERT_RAISED.code, actor=actor, client=client, obj=alert, system_label="openipt safety",
                         details={"rule": signal.rule_id, "kind": signal.kind, "severity": signal.severity, "source": signal.source,
                                  "object": f"{source_type}:{source_id}" if source_id else ""})
            emit(events.EventType.ALERT_RAISED, client.organisation_id, now, alert_event_data(alert))
            notify.carry_out_due_steps(alert, now)
            if signal.severity == "high":
                _pause(client, alert, actor, now)
            alerts.append(alert)
        if together is None:
            refresh_signal(client.pk)
        else:
            together.client_ids.add(client.pk)  # set once when the batch's alerts are all raised
    if together is None:
        transaction.on_commit(partial(notify.after_commit, [a.pk for a in alerts]))
    else:
        together.alert_ids += [a.pk for a in alerts]
    return alerts


def alert_event_data(alert: Alert) -> dict[str, Any]:
    """What an integrator hears about an alert: ids, codes and times, never the words that raised it."""
    return {"alert_id": alert.pk, "client_id": alert.client_id, "kind": alert.kind, "severity": alert.severity,
            "rule_id": alert.rule_id, "source": alert.source, "status": alert.status, "level": alert.level,
            "raised_at": alert.raised_at.isoformat()}


def _add_evidence(alert: Alert, signal: Signal, text: str, actor: Actor | None, now: datetime) -> Alert:
    membership = getattr(actor, "membership", None)
    add_event(alert, at=now, kind="evidence", by=membership, text=(text or "")[:MAX_TEXT],
              details={"severity": signal.severity, "evidence": _evidence(signal)})
    rank = SEVERITY_RANK[signal.severity]
    if rank > alert.severity_rank:
        Alert.objects.filter(pk=alert.pk).update(severity=signal.severity, severity_rank=rank, version=F("version") + 1)
        alert.refresh_from_db()
        if signal.severity == "high":
            _pause(alert.client, alert, actor, now)
    audit.record(ALERT_EVIDENCE.code, actor=actor, client=alert.client, obj=alert, system_label="openipt safety",
                 details={"severity": signal.severity})
    return alert


def _pause(client: Client, alert: Alert, actor: Actor | None, now: datetime) -> None:
    together = _together(client.organisation_id)
    known = together.paused.get(client.pk) if together is not None else None  # read with the client's lock
    if known if known is not None else AutomationPause.objects.filter(client=client, lifted_at__isnull=True).exists():
        return
    pause = AutomationPause.objects.create(organisation_id=client.organisation_id, client=client, alert=alert, started_at=now)
    if together is not None and known is not None:
        together.paused[client.pk] = True
    add_event(alert, at=now, kind="paused", text=_("Automated practice features paused for this client."))
    audit.record(AUTOMATION_PAUSED.code, actor=actor, client=client, obj=pause, system_label="openipt safety",
                 details={"alert": alert.pk})


def refresh_signal(client_id: int) -> None:
    """Set the client's caseload signal to urgent while an alert is open, and clear it when none is."""
    _set_alert_signal(client_id, Alert.objects.filter(client_id=client_id, status__in=OPEN).count())


def _open_alerts(client_ids: Iterable[int]) -> dict[int, int]:
    """How many open alerts each client has (those with none left out), in one query."""
    rows = (Alert.objects.filter(client_id__in=sorted(client_ids), status__in=OPEN).order_by().values("client_id")
            .annotate(n=Count("pk")).values_list("client_id", "n"))
    return dict(rows) if client_ids else {}


def _set_alert_signal(client_id: int, count: int) -> None:
    """The caseload signal for a client with `count` open alerts."""
    if count == 0:
        set_signal(client_id, SIGNAL_SOURCE, 0, "")
        return
    label = ngettext("%(n)d open risk alert", "%(n)d open risk alerts", count) % {"n": count}
    set_signal(client_id, SIGNAL_SOURCE, SignalLevel.URGENT, label, reverse("safety:alerts") + f"?client={client_id}")


# -- acting on an alert ---------------------------------------------------------------------------

def _alert_for_action(actor: Actor, alert_id: int | str) -> Alert:
    alert = access.get_alert(actor, alert_id)
    if alert is None or not access.can_act_on_alert(actor, alert):
        raise ActionError(_("You cannot act on this alert. Ask the client's therapist or an admin."), code=ErrorCode.FORBIDDEN)
    return alert


def _who(membership: Membership | None) -> str:
    return str(membership.user) if membership is not None else _("someone")


@transaction.atomic
def acknowledge(actor: Actor, alert_id: int | str, *, now: datetime | None = None) -> tuple[Alert, bool]:
    """Acknowledge an alert (escalation stops); return it and whether this call acknowledged it.

    Acknowledging an alert someone already acknowledged, or that is resolved, changes nothing.
    """
    now = now or timezone.now()
    alert = _alert_for_action(actor, alert_id)
    changed = Alert.objects.filter(pk=alert.pk, status__in=UNACKNOWLEDGED).update(
        status=AlertStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=actor.membership,
        next_escalation_at=None, version=F("version") + 1,
    )
    alert = _reread(actor, alert)
    if not changed:
        return alert, False
    minutes = int((now - alert.raised_at).total_seconds() // 60)
    AlertEvent.objects.create(alert=alert, at=now, kind="acknowledged", by=actor.membership,
                              details={"minutes_after_raising": minutes})
    audit.record(ALERT_ACKNOWLEDGED.code, actor=actor, client=alert.client, obj=alert, details={"minutes_after_raising": minutes})
    refresh_signal(alert.client_id)
    return alert, True


def _reread(actor: Actor, alert: Alert) -> Alert:
    """The alert as stored now; the actor could act on it a moment ago in this transaction."""
    fresh = access.get_alert(actor, alert.pk)
    assert fresh is not None
    return fresh


def already_acted_message(alert: Alert) -> str:
    """Say who acted on an alert first, for the person who pressed the button second."""
    if alert.status == AlertStatus.RESOLVED:
        return _("%(who)s resolved this alert at %(when)s. Nothing more to do here.") % {
            "who": _who(alert.resolved_by), "when": timezone.localtime(alert.resolved_at).strftime("%H:%M, %d %b %Y")}
    return _("%(who)s acknowledged this alert at %(when)s. Resolve it with a note once the client has been followed up.") % {
        "who": _who(alert.acknowledged_by), "when": timezone.localtime(alert.acknowledged_at).strftime("%H:%M, %d %b %Y")}


@transaction.atomic
def resolve(actor: Actor, alert_id: int | str, note: str, *, now: datetime | None = None) -> Alert:
    """Resolve an alert with a note of what was done (acknowledging it first if nobody had)."""
    now = now or timezone.now()
    alert = _alert_for_action(actor, alert_id)
    note = (note or "").strip() if isinstance(note, str) else ""
    if alert.status == AlertStatus.RESOLVED:
        raise ConflictError(already_acted_message(alert), current=alert)
    if not note:
        raise ActionError(_("Write what was done (for example: called the client, agreed a safety plan, referred to the crisis team) before resolving."),
                          field="note")
    if len(note) > MAX_NOTE:
        raise ActionError(_("The note is %(n)d characters long; the most is %(max)d. Shorten it.") % {"n": len(note), "max": MAX_NOTE},
                          field="note")
    if alert.is_unacknowledged:
        acknowledge(actor, alert.pk, now=now)
    changed = Alert.objects.filter(pk=alert.pk, status=AlertStatus.ACKNOWLEDGED).update(
        status=AlertStatus.RESOLVED, resolved_at=now, resolved_by=actor.membership, resolution_note=note,
        next_escalation_at=None, version=F("version") + 1,
    )
    alert = _reread(actor, alert)
    if not changed:
        raise ConflictError(already_acted_message(alert), current=alert)
    AlertEvent.objects.create(alert=alert, at=now, kind="resolved", by=actor.membership, text=note)
    audit.record(ALERT_RESOLVED.code, actor=actor, client=alert.client, obj=alert,
                 details={"minutes_open": int((now - alert.raised_at).total_seconds() // 60)})
    refresh_signal(alert.client_id)
    return alert


def record_alert_view(actor: Actor, alert: Alert) -> None:
    audit.record(ALERT_VIEWED.code, actor=actor, client=alert.client, obj=alert)


def record_alert_list_view(actor: Actor, *, filters: dict[str, Any], count: int) -> None:
    audit.record(ALERT_LIST_VIEWED.code, actor=actor, details={"filters": filters, "shown": count})


# -- automated features ---------------------------------------------------------------------------

@transaction.atomic
def reopen_automation(actor: Actor, client_id: int | str, reason: str, *, now: datetime | None = None) -> AutomationPause:
    """Reopen automated features for a client after a high-severity alert, recording who and why."""
    now = now or timezone.now()
    client = client_access.get_client(actor, client_id)
    if client is None or not access.can_reopen_automation(actor, client):
        raise ActionError(_("Only care staff who look after this client can reopen automated features."), code=ErrorCode.FORBIDDEN)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ActionError(_("Say why it is safe to reopen them (for example: risk reviewed in session today, safety plan updated)."),
                          field="reason")
    if len(reason) > MAX_NOTE:
        raise ActionError(_("Shorten the reason to %(max)d characters or fewer.") % {"max": MAX_NOTE}, field="reason")
    pause = AutomationPause.objects.select_for_update().filter(client=client, lifted_at__isnull=True).first()
    if pause is None:
        raise ActionError(_("Automated features are not paused for this client, so there is nothing to reopen."), code=SafetyCode.NOT_PAUSED)
    AutomationPause.objects.filter(pk=pause.pk, lifted_at__isnull=True).update(lifted_at=now, lifted_by=actor.membership, lift_reason=reason)
    pause.refresh_from_db()
    AlertEvent.objects.create(alert_id=pause.alert_id, at=now, kind="reopened", by=actor.membership, text=reason)
    audit.record(AUTOMATION_REOPENED.code, actor=actor, client=client, obj=pause, details={"alert": pause.alert_id})
    return pause


# -- safety plans -------------------------------------------------------------------------------

def _plan_client(actor: Actor, client_id: int | str) -> Client:
    client = access.own_client(actor) if actor is not None and actor.is_client else client_access.get_client(actor, client_id)
    if client is None or not access.can_edit_plan(actor, client):
        raise ActionError(_("Only the client and the care staff assigned to them can change this safety plan."), code=ErrorCode.FORBIDDEN)
    return client


def _clean_sections(data: dict[str, Any]) -> dict[str, str]:
    cleaned = {}
    for name in PLAN_SECTIONS:
        value = data.get(name, "")
        value = value if isinstance(value, str) else ("" if value is None else str(value))
        value = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").strip().split("\n"))
        if len(value) > MAX_SECTION:
            raise ActionError(
                _("This part is %(n)d characters long; the most is %(max)d. Shorten it or move some of it to another part.")
                % {"n": len(value), "max": MAX_SECTION}, field=name)
        cleaned[name] = value
    return cleaned


@transaction.atomic
def save_plan(actor: Actor, client_id: int | str, data: dict[str, Any], *, expected_version: int,
              now: datetime | None = None) -> SafetyPlanVersion | None:
    """Save a safety plan as a new version; any part may be empty. Refuse a save based on an older version."""
    now = now or timezone.now()
    client = _plan_client(actor, client_id)
    sections = _clean_sections(data)
    plan, _created = SafetyPlan.objects.get_or_create(client=client, defaults={"organisation_id": client.organisation_id})
    plan = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.version != expected_version:
        current = SafetyPlanVersion.objects.filter(plan=plan, number=plan.version).select_related("saved_by__user").first()
        raise ConflictError(
            _("Someone else saved this safety plan while you were writing. Their version is shown; what you wrote is "
              "kept in the form. Check both, then save again."), current=current)
    current = SafetyPlanVersion.objects.filter(plan=plan, number=plan.version).first()
    if current is not None and current.sections() == sections:
        return current
    if current is None and not any(sections.values()):
        return None
    number = plan.version + 1
    version = SafetyPlanVersion.objects.create(plan=plan, number=number, saved_by=actor.membership, saved_at=now, **sections)
    SafetyPlan.objects.filter(pk=plan.pk).update(version=number, updated_at=now)
    audit.record(PLAN_SAVED.code, actor=actor, client=client, obj=version,
                 details={"version": number, "parts_filled": [n for n in PLAN_SECTIONS if sections[n]]})
    return version


def record_plan_view(actor: Actor, client: Client) -> None:
    audit.record(PLAN_VIEWED.code, actor=actor, client=client, obj=client)

