"""Demo and synthetic safety data.

The demo gives the demo clinic crisis contacts (English and Spanish, fictional numbers), a safety
plan for the portal client, and alerts in every state: one escalated to the supervisor, one
acknowledged, one resolved with a note. Alerts are raised through the real hooks at past times and
escalated by the real job at the times it would have run. Loading again changes nothing.

The synthetic generator opens alerts for 10% of clients (and resolved ones for another 5%) when
the organisation has at least 10,000 clients, in bulk, for the benchmarks of the caseload and the
alert list.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from openipt.accounts.actor import Actor
from openipt.clients.models import Client, ClientSignal, SignalLevel
from openipt.safety.models import SEVERITY_RANK, Alert, AlertEvent, AlertStatus, CrisisContact, SafetyPlan
from openipt.safety.rules import load_shipped
from openipt.safety.ruleset import policy_schedule

SYNTH_MIN_CLIENTS = 10_000

# Numbers from ranges set aside for fiction (UK Ofcom drama numbers, North American 555-01xx), so the
# demo can never ring a real crisis line or emergency service; they show without a tap-to-call link
# (openipt/safety/demo_numbers.py; docs/clinical/sources.md, "Demo telephone numbers").
CONTACTS = [
    ("en", "Riverside Crisis Line (demo number)", "01632 960111", "", "Every day, day and night", "Talk to someone now if you feel unsafe.", 1),
    ("en", "Emergency services (demo number)", "01632 960999", "", "Always", "If your life, or someone else's, is in danger now. In real life, call your local emergency number.", 2),
    ("en", "Riverside Text Support (demo number)", "", "07700 900222", "Every day, 8am to midnight", "Text if talking is hard.", 3),
    ("es", "Línea de crisis Riverside (número de demostración)", "01632 960333", "", "Todos los días, día y noche", "Habla con alguien ahora si no te sientes a salvo.", 1),
]
PROGRAMME_CONTACT = ("Lakeside Helpline (demo number)", "555-0123")
# Numbers an older demo used (some could reach real services): a demo loaded again replaces them.
OLD_NUMBERS = {"0800 000 111": 0, "000 000": 1, "60000": 2, "0800 000 222": 3}


PLAN = {
    "warning_signs": "Not sleeping. Staying in my room all weekend. Thinking that nobody would notice if I was gone.",
    "coping_steps": "Go for a walk by the river. Listen to my playlist. Have a shower and make tea.",
    "distractions": "Call my cousin Leila. Go to the café on Mill Street.",
    "help_people": "My sister Nour. My friend Sam from work.",
    "professionals": "My therapist at Riverside Community Clinic. My GP.",
    "safer_surroundings": "",
    "reasons_for_living": "",
}


def _replace_old_demo_numbers(org, programme) -> None:
    """Give the contacts an older demo made (with numbers that might be real) the fictional numbers."""
    for old, index in OLD_NUMBERS.items():
        _language, name, phone, text, *_rest = CONTACTS[index]
        CrisisContact.objects.filter(organisation=org, phone=old, name__endswith="(demo)").update(
            name=name, phone=phone, text_number=text)
        CrisisContact.objects.filter(organisation=org, text_number=old, name__endswith="(demo)").update(
            name=name, phone=phone, text_number=text)
    CrisisContact.objects.filter(organisation=programme, phone="0800 000 333", name__endswith="(demo)").update(
        name=PROGRAMME_CONTACT[0], phone=PROGRAMME_CONTACT[1])


def add_demo_safety(world) -> None:
    """Add the demo contacts, a safety plan and alerts (open, acknowledged, resolved) once."""
    from openipt.safety import actions, notify

    org = world.organisation
    _replace_old_demo_numbers(org, world.programme)
    if not CrisisContact.objects.filter(organisation=org).exists():
        for language, name, phone, text, hours, description, order in CONTACTS:
            CrisisContact.objects.create(organisation=org, language=language, name=name, phone=phone, text_number=text,
                                         hours=hours, description=description, order=order)
    if not CrisisContact.objects.filter(organisation=world.programme).exists():
        CrisisContact.objects.create(organisation=world.programme, language="en", name=PROGRAMME_CONTACT[0],
                                     phone=PROGRAMME_CONTACT[1], hours="Every day, day and night", order=1)
    amara = world.clients["Amara Haddad"]
    if not SafetyPlan.objects.filter(client=amara).exists():
        therapist = world.actor("therapist")
        first = actions.save_plan(therapist, amara.pk, {k: v for k, v in PLAN.items() if k != "distractions"}, expected_version=0)
        assert first is not None  # the first save of a plan always makes a version
        actions.save_plan(Actor(world.members["client"]), amara.pk, PLAN, expected_version=first.number)
    if Alert.objects.filter(organisation=org).exists():
        return
    now = timezone.now()
    therapist = world.actor("therapist")

    # Daniel wrote something worrying 50 minutes ago; nobody acknowledged it, so the supervisor was told at 30 minutes.
    daniel = world.clients["Daniel Kowalski"]
    raised = now - timedelta(minutes=50)
    _raise_at(daniel, "Some days I feel like everyone would be better off without me.", "worksheet", raised)
    notify.escalate_due(now=raised + timedelta(minutes=30))

    # Fatima wrote in her mood log three hours ago; her therapist acknowledged the alert ten minutes later.
    fatima = world.clients["Fatima Yusuf"]
    alerts = _raise_at(fatima, "I felt hopeless this week and could not see the point of anything.", "mood_log",
                       now - timedelta(hours=3))
    for alert in alerts:
        actions.acknowledge(therapist, alert.pk, now=now - timedelta(hours=2, minutes=50))

    # Joseph's alert last week was followed up and resolved.
    joseph = world.clients["Joseph Mensah"]
    for alert in _raise_at(joseph, "I keep thinking about ending it all.", "worksheet", now - timedelta(days=6)):
        actions.acknowledge(therapist, alert.pk, now=now - timedelta(days=6) + timedelta(minutes=12))
        actions.resolve(therapist, alert.pk,
                        "Phoned Joseph the same hour. No plan or means; thoughts come at night when alone. "
                        "Updated his safety plan together and booked an extra session for Thursday.",
                        now=now - timedelta(days=6) + timedelta(minutes=55))
        actions.reopen_automation(therapist, joseph.pk, "Risk reviewed in person on Thursday; safety plan in place.",
                                  now=now - timedelta(days=4))


def _raise_at(client, text: str, source: str, when):
    """Raise through the real hook as if it happened at `when` (the hook's clock is the caller's)."""
    from openipt.safety import actions
    from openipt.safety.rules import evaluate_text
    from openipt.safety.ruleset import rules_for

    signals = evaluate_text(rules_for(client.organisation_id), text, source)
    return actions.raise_signals(client, signals, rule_kind="free_text", text=text, now=when)


def add_synthetic_alerts(world, batch: int = 2000, min_clients: int = SYNTH_MIN_CLIENTS) -> None:
    """Open alerts for 10% of clients, and resolved ones for another 5%, when there are at least `min_clients` clients."""
    ids = list(world.client_ids)
    if len(ids) < min_clients:
        return
    rng = world.rng
    chosen = rng.sample(ids, len(ids) * 15 // 100)
    open_ids, resolved_ids = chosen[: len(ids) // 10], chosen[len(ids) // 10:]
    org = world.organisation
    admin = world.staff["admin"][0]
    shipped = load_shipped()
    now = timezone.now()
    policies = {"high": "standard", "medium": "prompt", "low": "review"}
    texts = {
        "high": "I don't see the point of going on.",
        "medium": "I felt hopeless this week and could not see the point of anything.",
        "low": "I would never hurt myself, but I thought about it.",
    }
    alerts = []
    for n, client_id in enumerate(open_ids + resolved_ids):
        severity = rng.choice(["high"] * 6 + ["medium"] * 3 + ["low"])
        schedule = policy_schedule(shipped, policies[severity])
        raised = now - timedelta(minutes=rng.randint(1, 3 * 24 * 60))
        age = int((now - raised).total_seconds() // 60)
        level = sum(1 for minutes, _who in schedule if minutes <= age)
        resolved = n >= len(open_ids)
        text_alert = rng.random() < 0.7
        alert = Alert(
            organisation=org, client_id=client_id, rule_id="free_text_detector" if text_alert else "phq9_item9_positive",
            rule_kind="free_text" if text_alert else "instrument_item", source="worksheet" if text_alert else "phq9",
            severity=severity, severity_rank=SEVERITY_RANK[severity], policy_id=policies[severity], schedule=schedule,
            reason="Synthetic alert for the benchmarks.",
            evidence=[{"kind": "text", "start": 0, "end": 12, "text": texts[severity][:12]}] if text_alert
            else [{"kind": "answer", "item": "q9", "value": rng.randint(1, 3)}],
            text=texts[severity] if text_alert else "", raised_at=raised, level=level,
            status=AlertStatus.ESCALATED if level > 1 else AlertStatus.RAISED,
            next_escalation_at=raised + timedelta(minutes=schedule[level][0]) if level < len(schedule) else None,
        )
        if resolved:
            alert.status, alert.next_escalation_at = AlertStatus.RESOLVED, None
            alert.acknowledged_at = alert.resolved_at = raised + timedelta(minutes=20)
            alert.acknowledged_by = alert.resolved_by = admin
            alert.resolution_note = "Followed up by phone; synthetic."
        alerts.append(alert)
    Alert.objects.bulk_create(alerts, batch_size=batch)
    made = list(Alert.objects.filter(organisation=org).values_list("pk", "raised_at"))
    AlertEvent.objects.bulk_create([AlertEvent(alert_id=pk, at=at, kind="raised", text="Synthetic alert.") for pk, at in made],
                                   batch_size=batch)
    ClientSignal.objects.bulk_create(
        [ClientSignal(client_id=cid, source="safety", level=SignalLevel.URGENT, label="1 open risk alert",
                      url=f"/safety/alerts/?client={cid}") for cid in open_ids],
        batch_size=batch, ignore_conflicts=True,
    )
    for i in range(0, len(open_ids), batch):
        Client.objects.filter(Q(pk__in=open_ids[i:i + batch]), attention__lt=SignalLevel.URGENT).update(attention=SignalLevel.URGENT)
    world.alert_client_ids = open_ids


# Found by openipt.seed.steps when `openipt demo` or `openipt synth` runs; nothing imports this module at start-up.
DEMO_STEPS = (add_demo_safety,)
SYNTH_STEPS = (add_synthetic_alerts,)
