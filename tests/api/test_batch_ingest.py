"""Many questionnaires at once (issue 15): the REST batch and the FHIR batch Bundle.

Each response is scored, risk-checked and audited as one sent alone; a retry stores nothing twice;
an entry the token may not send is refused on its own; the audit chain stays intact; the number of
queries does not grow with the size of the batch.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openipt.audit import actions as audit
from openipt.audit.models import AuditEvent
from openipt.measures.models import Administration
from openipt.safety.models import Alert
from tests.support.api import call, personal, steady
from tests.support.measures import phq9, start_course
from tests.support.people import actor, make_client

pytestmark = pytest.mark.django_db

CALM = (1, 1, 0, 1, 0, 0, 1, 0, 0)  # question 9 answered 0: no risk


def _paper(course, key: str, values=CALM, **extra) -> dict:
    return {
        "key": key,
        "course_id": course.pk,
        "instrument_code": "phq9",
        "completed_on": timezone.localdate().isoformat(),
        "answers": phq9(*values, difficulty=0),
        **extra,
    }


def _courses(world, n: int) -> list:
    """n courses of clients assigned to the therapist (the world's "mine" first)."""
    courses = [start_course(world)]
    for i in range(n - 1):
        key = f"batch{i}"
        world.clients[key] = make_client(
            world.m["admin"], assign_to=world.m["therapist"], given_name=f"Bea{i}", family_name="Batch"
        )
        courses.append(start_course(world, key))
    return courses


def _fhir(client, ident: str, values=CALM) -> dict:
    items = [
        {
            "linkId": f"q{i + 1}",
            "answer": [
                {"valueCoding": {"system": "https://openipt.org/fhir/CodeSystem/phq9-answer", "code": str(v)}}
            ],
        }
        for i, v in enumerate(values)
    ]
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "identifier": {"system": "urn:example:forms", "value": ident},
        "questionnaire": "https://openipt.org/fhir/Questionnaire/phq9",
        "subject": {"reference": f"Patient/{client.record_number}"},
        "authored": timezone.now().replace(microsecond=0).isoformat(),
        "item": items,
    }


def _bundle(resources, kind="batch") -> dict:
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [
            {"resource": r, "request": {"method": "POST", "url": "QuestionnaireResponse"}} for r in resources
        ],
    }


def test_a_rest_batch_scores_each_response_raises_each_alert_and_a_retry_stores_nothing_twice(world):
    courses = _courses(world, 3)
    _token, secret = personal(world.m["therapist"])
    body = {
        "responses": [
            _paper(courses[0], "f-1", (2, 2, 2, 2, 1, 1, 1, 1, 0)),
            _paper(courses[1], "f-2", (1, 1, 1, 1, 1, 1, 1, 1, 2)),  # question 9 above 0: a risk alert
            _paper(courses[2], "f-3", (3, 3, 3, 3, 3, 3, 3, 3, 1)),  # and here
            _paper(courses[0], "f-4", answers={"q1": 7}),  # bad answers: refused on its own
            {"key": "f-5", "course_id": "not a number"},  # not a response: refused on its own
        ]
    }
    alerts_before = Alert.objects.count()
    first = call(secret, "POST", "administrations/batch", body)
    assert first.status_code == 200, first.content
    answer = first.json()
    assert [r["status"] for r in answer["results"]] == [201, 201, 201, 422, 422]
    assert (answer["stored"], answer["already_stored"], answer["refused"]) == (3, 0, 2)
    assert [r["administration"]["total"] for r in answer["results"][:3]] == [12, 10, 25]
    assert [r["alerts"] for r in answer["results"][:3]] == [0, 1, 1]
    assert answer["results"][3]["error"]["fields"]  # says which answer is wrong
    assert Alert.objects.count() == alerts_before + 2
    for client_key, course in (("batch0", courses[1]), ("batch1", courses[2])):
        alert = Alert.objects.get(client=world.clients[client_key])
        assert alert.status == "raised" and alert.source_id and course.client_id == alert.client_id
    stored = Administration.objects.filter(external_id__startswith="api|f-")
    assert stored.count() == 3 and all(a.safety_followup for a in stored if a.answers["q9"])
    # Each response has its own audit event, and the chain is intact after the bulk write.
    assert AuditEvent.objects.filter(event_type="measures.entered", details__batch=True).count() == 3
    assert audit.verify_chain().ok
    again = call(secret, "POST", "administrations/batch", body).json()
    assert [r["status"] for r in again["results"]] == [200, 200, 200, 422, 422]
    assert Administration.objects.filter(external_id__startswith="api|f-").count() == 3
    assert Alert.objects.count() == alerts_before + 2


def test_a_rest_batch_entry_for_a_client_the_token_may_not_send_for_is_refused_alone(world):
    mine = start_course(world)
    theirs = start_course(world, "theirs", therapist="therapist2")
    _token, secret = personal(world.m["therapist"])
    answer = call(
        secret,
        "POST",
        "administrations/batch",
        {"responses": [_paper(mine, "a-1"), _paper(theirs, "a-2", (1, 1, 1, 1, 1, 1, 1, 1, 3))]},
    ).json()
    assert [r["status"] for r in answer["results"]] == [201, 403]
    assert not Administration.objects.filter(client=world.clients["theirs"]).exists()
    assert not Alert.objects.filter(client=world.clients["theirs"]).exists()
    # A token without measures:write is refused before anything is read.
    _t, reader = personal(world.m["therapist"], scopes=["measures:read"])
    assert (
        call(reader, "POST", "administrations/batch", {"responses": [_paper(mine, "a-3")]}).status_code == 403
    )


def test_a_fhir_batch_bundle_stores_each_entry_on_its_own_and_a_transaction_all_or_nothing(world):
    _courses(world, 2)
    _token, secret = personal(world.m["therapist"])
    mine, other = world.clients["mine"], world.clients["batch0"]
    bad = _fhir(mine, "x-3")
    del bad["subject"]
    resources = [
        _fhir(mine, "x-1"),
        _fhir(other, "x-2", (1, 1, 1, 1, 1, 1, 1, 1, 1)),
        bad,
        _fhir(world.clients["theirs"], "x-4"),
    ]
    response = call(secret, "POST", "/fhir/", _bundle(resources), content_type="application/fhir+json")
    assert response.status_code == 200, response.content
    bundle = response.json()
    assert bundle["type"] == "batch-response"
    statuses = [e["response"]["status"] for e in bundle["entry"]]
    assert statuses == [
        "201 Created",
        "201 Created",
        "400 Bad Request",
        "404 Not Found",
    ]  # not a client they see
    assert bundle["entry"][2]["response"]["outcome"]["resourceType"] == "OperationOutcome"
    assert Alert.objects.filter(client=other).count() == 1  # question 9 answered 1
    assert not Administration.objects.filter(client=world.clients["theirs"]).exists()
    assert audit.verify_chain().ok
    retry = call(secret, "POST", "/fhir/", _bundle(resources), content_type="application/fhir+json").json()
    assert [e["response"]["status"] for e in retry["entry"]][:2] == ["200 OK", "200 OK"]
    assert Administration.objects.filter(external_id__startswith="urn:example:forms|").count() == 2
    # A transaction stores all or nothing.
    refused = call(
        secret,
        "POST",
        "/fhir/",
        _bundle([_fhir(mine, "t-1"), bad], "transaction"),
        content_type="application/fhir+json",
    )
    assert refused.status_code == 400 and refused.json()["resourceType"] == "OperationOutcome"
    assert not Administration.objects.filter(external_id="urn:example:forms|t-1").exists()
    done = call(
        secret,
        "POST",
        "/fhir/",
        _bundle([_fhir(mine, "t-1")], "transaction"),
        content_type="application/fhir+json",
    )
    assert done.json()["type"] == "transaction-response"
    assert Administration.objects.filter(external_id="urn:example:forms|t-1").count() == 1


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        json.dumps({"resourceType": "Patient"}).encode(),
        json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": []}).encode(),
        json.dumps({"resourceType": "Bundle", "type": "batch", "entry": [{}]}).encode(),
    ],
)
def test_a_malformed_bundle_is_a_400_outcome(world, body):
    _token, secret = personal(world.m["therapist"])
    response = call(secret, "POST", "/fhir/", raw=body, content_type="application/fhir+json")
    assert response.status_code == 400 and response.json()["resourceType"] == "OperationOutcome"


def test_the_queries_of_a_batch_do_not_grow_with_its_size(world):
    courses = _courses(world, 6)
    _token, secret = personal(world.m["therapist"])

    def queries(n: int, tag: str) -> tuple[int, int]:
        body = {"responses": [_paper(courses[i % len(courses)], f"{tag}-{i}") for i in range(n)]}
        with CaptureQueriesContext(connection) as ctx:
            answer = call(secret, "POST", "administrations/batch", body).json()
        assert answer["stored"] == n
        captured = steady(ctx.captured_queries)
        inserts = [q for q in captured if q["sql"].lstrip().upper().startswith("INSERT")]
        return len(captured) - len(inserts), len(inserts)

    queries(6, "warm")  # every client has a first score (and no not-on-track signal) before counting
    (small, small_inserts), (large, large_inserts) = queries(6, "s"), queries(120, "l")
    assert small == large, (small, large)
    # The responses and their audit events are inserted in one statement each, which the database driver
    # may split into a few (SQLite takes at most 999 values in one statement): never one per response.
    assert large_inserts <= small_inserts + 8, (small_inserts, large_inserts)


def test_record_many_links_each_event_in_order(world):
    from openipt.audit.registry import register  # noqa: F401 - the event types below are registered by the apps

    client = world.clients["mine"]
    events = audit.record_many(
        [
            audit.Pending("measures.imported", actor=actor(world.m["admin"]), client=client, details={"n": n})
            for n in range(5)
        ]
    )
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert audit.verify_chain().ok


def test_a_fhir_batch_with_a_risk_answer_and_malformed_items_stores_the_good_raises_the_alert_and_refuses_the_bad(
    world, django_capture_on_commit_callbacks
):
    """HAZ-044: one bad item refuses only its own entry, saying which item; the risk answer beside it still alerts."""
    from django.core import mail

    from openipt.safety.models import AlertEvent, Delivery

    _courses(world, 2)
    _token, secret = personal(world.m["therapist"])
    mine, other = world.clients["mine"], world.clients["batch0"]
    out_of_range = _fhir(mine, "m-2")
    out_of_range["item"][2]["answer"][0]["valueCoding"]["code"] = "7"  # question 3 has no answer 7
    unknown_item = _fhir(other, "m-4")
    unknown_item["item"][0]["linkId"] = "q42"
    resources = [
        _fhir(mine, "m-1"),
        out_of_range,
        _fhir(other, "m-3", (1, 1, 1, 1, 1, 1, 1, 1, 2)),  # question 9 answered 2: a risk alert
        unknown_item,
        _fhir(mine, "m-5"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = call(secret, "POST", "/fhir/", _bundle(resources), content_type="application/fhir+json")
    assert response.status_code == 200, response.content
    entries = response.json()["entry"]
    statuses = [e["response"]["status"] for e in entries]
    assert statuses[0] == statuses[2] == statuses[4] == "201 Created"
    for bad in (entries[1], entries[3]):
        assert bad["response"]["status"].startswith("4")
        issue = bad["response"]["outcome"]["issue"][0]
        assert issue["severity"] == "error"
    assert "q3" in json.dumps(entries[1]["response"]["outcome"]) and "7" in json.dumps(entries[1]["response"]["outcome"])
    assert "q42" in json.dumps(entries[3]["response"]["outcome"])
    stored = Administration.objects.filter(external_id__startswith="urn:example:forms|m-")
    assert sorted(a.external_id.split("|")[1] for a in stored) == ["m-1", "m-3", "m-5"]
    # The risk answer raised its alert as a single response would: stored, escalation started, the assigned
    # therapist told by e-mail after the commit, the client's caseload signal urgent, all in the audit log.
    [alert] = Alert.objects.filter(client=other)
    risky = stored.get(external_id="urn:example:forms|m-3")
    assert alert.status == "raised" and alert.source_id == str(risky.pk) and risky.safety_followup
    assert AlertEvent.objects.filter(alert=alert, kind="raised").count() == 1
    assert Delivery.objects.filter(alert=alert, recipient=world.m["therapist"]).exists()
    assert [m.to for m in mail.outbox] == [[world.m["therapist"].user.email]]
    assert other.signals.get(source="safety").level == 3
    assert AuditEvent.objects.filter(event_type="safety.alert_raised", client_id=other.pk).count() == 1
    assert AuditEvent.objects.filter(event_type="measures.imported", details__batch=True).count() == 3
    assert audit.verify_chain().ok


def test_alerts_raised_together_in_a_batch_are_each_raised_e_mailed_and_counted_as_alone(
    world, django_capture_on_commit_callbacks
):
    """The batch reads the rules once and sets each client's signal once: every alert still has all it would have."""
    from django.core import mail

    from openipt.safety.models import AlertEvent, Delivery

    courses = _courses(world, 2)
    _token, secret = personal(world.m["therapist"])
    risky = (1, 1, 1, 1, 1, 1, 1, 1, 1)
    body = {
        "responses": [
            _paper(courses[0], "t-1", risky),
            _paper(courses[1], "t-2"),
            _paper(courses[0], "t-3", risky),  # the same client again: a second alert (another response)
            _paper(courses[1], "t-4", risky),
        ]
    }
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        answer = call(secret, "POST", "administrations/batch", body).json()
    assert [r["alerts"] for r in answer["results"]] == [1, 0, 1, 1]
    first, second = courses[0].client, courses[1].client
    alerts = list(Alert.objects.filter(client__in=[first, second]).order_by("pk"))
    assert [a.client_id for a in alerts] == [first.pk, first.pk, second.pk]
    for alert in alerts:
        assert AlertEvent.objects.filter(alert=alert, kind="raised").count() == 1
        assert Delivery.objects.filter(alert=alert).exists()
        assert AuditEvent.objects.filter(event_type="safety.alert_raised", object_id=str(alert.pk)).count() == 1
    assert len(mail.outbox) == 3  # one e-mail an alert, sent after the commit
    assert len([h for h in hooks if "after_commit" in getattr(getattr(h, "func", h), "__name__", "")]) == 1
    assert first.signals.get(source="safety").label == "2 open risk alerts"
    assert second.signals.get(source="safety").label == "1 open risk alert"
    assert audit.verify_chain().ok


def test_a_batch_with_a_bad_entry_and_a_risk_answer_stores_the_good_raises_the_alert_and_audits_each_in_order(world):
    """The alerts' audit events are appended with the batch's own: same events, same order, the chain intact."""
    from openipt.safety.models import AutomationPause

    courses = _courses(world, 2)
    _token, secret = personal(world.m["therapist"])
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    body = {
        "responses": [
            _paper(courses[0], "o-1"),
            _paper(courses[1], "o-2", (1, 1, 1, 1, 1, 1, 1, 1, 3)),  # question 9 answered 3: a high risk alert
            _paper(courses[0], "o-3", answers={"q1": 7}),  # bad answers: refused on its own
        ]
    }
    answer = call(secret, "POST", "administrations/batch", body).json()
    assert [r["status"] for r in answer["results"]] == [201, 201, 422]
    assert [r["alerts"] for r in answer["results"]] == [0, 1, 0]
    [alert] = Alert.objects.filter(client=courses[1].client)
    pause = AutomationPause.objects.get(client=courses[1].client, lifted_at__isnull=True)
    stored = {a.external_id: a for a in Administration.objects.filter(external_id__startswith="api|o-")}
    assert sorted(stored) == ["api|o-1", "api|o-2"]
    kinds = ("safety.alert_raised", "safety.automation_paused", "measures.entered")
    events = list(AuditEvent.objects.filter(pk__gt=last, event_type__in=kinds).order_by("pk"))
    assert [(e.event_type, e.object_id) for e in events] == [
        ("safety.alert_raised", str(alert.pk)),
        ("safety.automation_paused", str(pause.pk)),
        ("measures.entered", str(stored["api|o-1"].pk)),
        ("measures.entered", str(stored["api|o-2"].pk)),
    ]
    assert [e.details["alerts"] for e in events[2:]] == [0, 1]
    assert all(e.actor_user_id == world.m["therapist"].user_id for e in events)
    assert audit.verify_chain().ok


def test_an_alert_raised_in_a_batch_has_the_history_e_mails_and_audit_of_one_raised_by_a_single_response(
    world, django_capture_on_commit_callbacks
):
    """The batch stores an alert's events and deliveries together at its end: the same rows as one raised alone."""
    from django.core import mail

    from openipt.measures import actions as measures_actions
    from openipt.safety.models import AlertEvent, AutomationPause, Delivery

    courses = _courses(world, 2)
    _token, secret = personal(world.m["therapist"])
    risky = (1, 1, 1, 1, 1, 1, 1, 1, 2)
    with django_capture_on_commit_callbacks(execute=True):
        measures_actions.enter_paper(actor(world.m["therapist"]), courses[0].pk, instrument_code="phq9",
                                     session_number=None, completed_on=timezone.localdate(),
                                     answers=phq9(*risky, difficulty=0))
    with django_capture_on_commit_callbacks(execute=True):
        answer = call(secret, "POST", "administrations/batch", {"responses": [_paper(courses[1], "h-1", risky)]})
    assert answer.json()["results"][0]["alerts"] == 1
    alone, batched = (Alert.objects.get(client=c.client) for c in courses)

    def history(alert: Alert) -> dict:
        return {
            "alert": (alert.level, alert.status, alert.severity, alert.rule_id, alert.source_type,
                      alert.next_escalation_at - alert.raised_at),
            "events": [(e.kind, e.by_id, e.text, e.details) for e in AlertEvent.objects.filter(alert=alert).order_by("pk")],
            "deliveries": [(d.recipient_id, d.step, d.target, d.address, d.status, d.attempts)
                           for d in Delivery.objects.filter(alert=alert).order_by("pk")],
            "paused": AutomationPause.objects.filter(alert=alert, lifted_at__isnull=True).count(),
            "audit": sorted(AuditEvent.objects.filter(client_id=alert.client_id, event_type__startswith="safety.")
                            .values_list("event_type", flat=True)),
        }

    assert history(batched) == history(alone)
    assert history(batched)["events"] and history(batched)["deliveries"]
    assert len(mail.outbox) == 2  # each alert e-mailed once, after its commit
    assert audit.verify_chain().ok


def test_a_batch_alert_for_a_client_already_paused_pauses_nothing_twice_and_counts_every_open_alert(world):
    from openipt.measures import actions as measures_actions
    from openipt.safety.models import AlertEvent, AutomationPause

    [course] = _courses(world, 1)
    _token, secret = personal(world.m["therapist"])
    risky = (1, 1, 1, 1, 1, 1, 1, 1, 2)
    measures_actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=None,
                                 completed_on=timezone.localdate(), answers=phq9(*risky, difficulty=0))
    body = {"responses": [_paper(course, "p-1", risky), _paper(course, "p-2", risky)]}
    assert [r["alerts"] for r in call(secret, "POST", "administrations/batch", body).json()["results"]] == [1, 1]
    first, *batched = Alert.objects.filter(client=course.client).order_by("pk")
    assert len(batched) == 2
    assert AutomationPause.objects.filter(client=course.client, lifted_at__isnull=True).get().alert_id == first.pk
    assert not AlertEvent.objects.filter(alert__in=batched, kind="paused").exists()
    assert course.client.signals.get(source="safety").label == "3 open risk alerts"
    assert audit.verify_chain().ok
