"""The data lifecycle of a client's record: the subject-access export, retention, and erasure.

A client with something in every app (a course with a signed-off session note, a questionnaire, a message, a log
entry, a resolved risk alert and a safety plan, consent, an inventory person, a formulation) is exported and
erased through the real actions, the pages and the command line. After erasure, no text or JSON column of any
table holds the client's name or the unique phrase written in their record, and the audit chain still verifies.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from openipt.assessment import actions as assessment_actions
from openipt.audit import actions as audit_actions
from openipt.audit.models import AuditEvent
from openipt.clients import record_actions, record_cli, record_queries
from openipt.clients.models import Client, ClientErasure
from openipt.core.errors import ActionError, ErrorCode
from openipt.core.extensions import NOT_PERSONAL, record_parts
from openipt.courses import ending_actions, session_actions
from openipt.courses.steps_models import EndingKind
from openipt.measures import actions as measures_actions
from openipt.practice import actions as practice_actions
from openipt.safety import actions as safety_actions
from openipt.safety.models import Alert
from tests.support import courses as course_support
from tests.support.assessment import person
from tests.support.consent import record_paper
from tests.support.measures import phq9
from tests.support.messaging import client_writes
from tests.support.people import actor, make_client
from tests.support.safety import raise_text

pytestmark = pytest.mark.django_db

PHRASE = "quokka lantern arithmetic"  # written into every part of the record; nowhere else
NAME = ("Sam", "Client")  # the world's portal client


def _fill_record(world):
    """Put something in every app's part of the portal client's record; return the client and the course."""
    client = world.clients["self"]
    therapist = actor(world.m["therapist"])
    course = course_support.start(world, client="self")
    course = course_support.make_ready_for_middle(world, course)
    course_support.agreed_formulation(therapist, course, f"The move; {PHRASE}.")
    course_support.held_session(world, course)
    session_actions.save_note(therapist, course.pk, 1, {"mood": f"Low, {PHRASE}", "events": PHRASE},
                              expected_version=0)
    measures_actions.enter_paper(therapist, course.pk, instrument_code="phq9", session_number=1,
                                 completed_on=timezone.localdate(), answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=0))
    client_writes(world, f"See you Thursday. {PHRASE}")
    practice_actions.add_log_entry(actor(world.m["client"]), {
        "occurred_on": timezone.localdate(), "who": "my sister", "what_happened": PHRASE, "feeling": "", "mood": 5})
    assessment_actions.add_person(therapist, client.pk, person(name="Tamsin", conflicts=PHRASE))
    safety_actions.save_plan(therapist, client.pk, {"warning_signs": PHRASE}, expected_version=0)
    record_paper(world, client, name="Sam Client")
    for alert in raise_text(client, actor=therapist):
        safety_actions.resolve(therapist, alert.pk, f"Called; safe. {PHRASE}")
    return client, course


def _end(world, course):
    therapist = actor(world.m["therapist"])
    ending_actions.save_letter(therapist, course.pk, f"Dear Sam, {PHRASE}")
    ending_actions.end_early(therapist, course.pk, kind=EndingKind.EARLY_LETTER, reason="Moving away.")


def _text_columns():
    """Every text and JSON column of every table."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, (models.CharField, models.TextField, models.JSONField)):
                yield model._meta.db_table, f.column


def _where_found(needle: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            q = connection.ops.quote_name
            cast = f"CAST({q(column)} AS TEXT)"
            cursor.execute(f"SELECT COUNT(*) FROM {q(table)} WHERE LOWER({cast}) LIKE %s", [f"%{needle.lower()}%"])
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


# The registry: no app can be forgotten -------------------------------------------------------------------------

def _points_at_client(model) -> bool:
    return any(f.is_relation and f.related_model is Client for f in model._meta.concrete_fields)


def test_every_model_that_points_at_a_client_is_in_the_export_or_says_it_holds_nothing_personal():
    covered = set(record_queries.OWN_MODELS) | set(NOT_PERSONAL)
    for part in record_parts():
        covered |= set(part.models)
    missing = [m._meta.label for m in apps.get_models() if _points_at_client(m) and m._meta.label not in covered]
    assert missing == [], f"register these in the app's record.py (RecordExportPart) or exempt them: {missing}"


def test_every_text_and_json_field_of_a_registered_model_is_wiped_or_named_as_a_code():
    undecided = []
    for part in record_parts():
        keep = part.keep or {}
        for label in part.models:
            model = apps.get_model(label)
            for f in model._meta.concrete_fields:
                if isinstance(f, (models.TextField, models.JSONField)) and not f.choices:
                    if f.name not in part.wipe.get(label, ()) and f.name not in keep.get(label, ()):
                        undecided.append(f"{label}.{f.name}")
    assert undecided == [], f"add each to the part's `wipe` (personal words) or `keep` (a code): {undecided}"


# The export ----------------------------------------------------------------------------------------------------

def test_the_export_holds_every_part_of_the_record_in_the_pdf_and_the_fhir_bundle(world):
    client, course = _fill_record(world)
    made = record_actions.export_record(actor(world.m["admin"]), client.pk, reason="The client asked for a copy.")

    assert made.pdf.startswith(b"%PDF")
    parts = {p.key: p for p in record_queries.whole_record(client)}
    for key in ("clients", "courses", "measures", "messaging", "practice", "assessment", "safety", "consent", "audit"):
        assert parts[key].count > 0, f"nothing exported from {key}"
    every_word = json.dumps([t.rows for p in parts.values() for t in p.tables], ensure_ascii=False)
    for words in (PHRASE, "Tamsin", "my sister", "Sam"):
        assert words in every_word

    bundle = made.bundle
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "EpisodeOfCare", "Encounter", "QuestionnaireResponse", "Observation", "Flag", "Binary",
            "DocumentReference"} <= kinds
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["id"] == str(client.pk)
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)  # a valid FHIR Bundle, every resource in it too
    import base64

    binary = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Binary")
    assert PHRASE in base64.b64decode(binary["data"]).decode("utf-8")
    document = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DocumentReference")
    assert base64.b64decode(document["content"][0]["attachment"]["data"]) == made.pdf

    with zipfile.ZipFile(io.BytesIO(made.zip_bytes())) as archive:
        assert sorted(n.rsplit(".", 1)[-1] for n in archive.namelist()) == ["json", "pdf"]

    event = AuditEvent.objects.filter(event_type="client.record_exported").get()
    assert event.client_id == client.pk and event.actor_user_id == world.m["admin"].user_id
    assert event.details["reason"] == "The client asked for a copy."


def test_the_readable_record_shows_the_words_of_every_part(world):
    client, _course = _fill_record(world)
    from django.template.loader import render_to_string

    parts = record_queries.whole_record(client)
    html = render_to_string("clients/record/record.html", {
        "client": client, "parts": parts, "made_by": "Admin", "made_at": timezone.now(), "reason": "Request."})
    for words in (PHRASE, "Tamsin", "my sister", "Sam", "Who opened and changed the record"):
        assert words in html
    for part in parts:
        assert escape(str(part.label)) in html
    made = record_actions.export_record(actor(world.m["admin"]), client.pk, reason="Request.")
    assert made.pdf.startswith(b"%PDF")


def test_only_an_admin_of_the_clients_organisation_may_export_or_erase(world):
    client = world.clients["mine"]
    for who in ("therapist", "supervisor", "facilitator", "client"):
        with pytest.raises(ActionError) as refused:
            record_actions.export_record(actor(world.m[who]), client.pk, reason="Why not.")
        assert refused.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(ActionError) as refused:
        record_actions.export_record(actor(world.m["other_admin"]), client.pk, reason="Why not.")
    assert refused.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(ActionError) as refused:
        record_actions.erase_record(actor(world.m["other_admin"]), client.pk, confirm_name="Maya Okafor", reason="x")
    assert refused.value.code == ErrorCode.NOT_FOUND
    assert not AuditEvent.objects.filter(event_type__in=("client.record_exported", "client.record_erased")).exists()


def test_an_export_needs_a_reason(world):
    with pytest.raises(ActionError) as refused:
        record_actions.export_record(actor(world.m["admin"]), world.clients["mine"].pk, reason="  ")
    assert refused.value.field == "reason"


def test_the_page_downloads_one_zip_named_for_the_record_and_another_organisation_gets_404(world, as_member):
    client = world.clients["mine"]
    browser = as_member(world.m["admin"])
    page = browser.get(reverse("clients:record", args=[client.pk]))
    assert page.status_code == 200
    assert b"Check who the copy is for" in page.content  # the warning before sending it anywhere
    answer = browser.post(reverse("clients:record_export", args=[client.pk]), {"export-reason": "Asked in writing."})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    # The file names the record it holds, and is not kept in a shared browser's or proxy's cache.
    assert f'attachment; filename="record-{client.record_number}-' in answer["Content-Disposition"]
    assert answer["Cache-Control"] == "no-store"
    missing = browser.post(reverse("clients:record_export", args=[client.pk]), {"export-reason": ""})
    assert missing.status_code == 200 and b"This field is required" in missing.content
    other = as_member(world.m["other_admin"])
    assert other.post(reverse("clients:record_export", args=[client.pk]), {"export-reason": "x"}).status_code == 404
    assert other.post(reverse("clients:record_erase", args=[client.pk]),
                      {"erase-confirm_name": "Maya Okafor", "erase-reason": "x"}).status_code == 404
    assert other.get(reverse("clients:record", args=[client.pk])).status_code == 404
    assert AuditEvent.objects.filter(event_type="client.record_exported").count() == 1


# Erasure -------------------------------------------------------------------------------------------------------

def test_erasure_leaves_no_personal_words_anywhere_and_the_audit_chain_verifies(world):
    Client.objects.filter(pk=world.clients["self"].pk).update(email="sam.quokka@example.test", phone="0700 900 123")
    client, course = _fill_record(world)
    _end(world, course)
    assert audit_actions.verify_chain().ok
    assert _where_found(PHRASE), "the phrase should be in the record before erasure"

    erasure = record_actions.erase_record(actor(world.m["admin"]), client.pk, confirm_name="sam  CLIENT",
                                          reason="Retention period passed.")

    assert _where_found(PHRASE) == []
    assert _where_found("Tamsin") == []
    # The name: only the staff member's own account may hold "Client" (the role's word), so look for the pair.
    assert _where_found("Sam Client") == []
    assert _where_found("sam.quokka@example.test") == [] and _where_found("0700 900 123") == []
    client.refresh_from_db()
    assert client.given_name == record_actions.ERASED_NAME and client.family_name == "" and client.user_id is None
    assert erasure.reason == "Retention period passed."
    world.m["client"].user.refresh_from_db()
    assert not world.m["client"].user.is_active and world.m["client"].user.email == ""
    result = audit_actions.verify_chain()
    assert result.ok, result.reason
    assert result.erased > 0
    erased = AuditEvent.objects.filter(event_type="client.record_erased").get()
    assert erased.details["reason_length"] == len("Retention period passed.")
    assert erased.actor_user_id == world.m["admin"].user_id
    # The safety record's rows stay (they refuse deletion), without their words.
    assert Alert.objects.filter(client=client).exists()
    # Erasing twice is refused.
    with pytest.raises(ActionError):
        record_actions.erase_record(actor(world.m["admin"]), client.pk, confirm_name=record_actions.ERASED_NAME,
                                    reason="again")


def test_the_audit_table_still_refuses_any_other_change(world):
    event = AuditEvent.objects.filter(client_id=world.clients["mine"].pk).first()
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():  # the marker, but another column changed with it
        AuditEvent.objects.filter(pk=event.pk).update(details={"_erased": {"reason": "x", "at": "y"}}, client_label="Z")
    with pytest.raises(DatabaseError), transaction.atomic():  # new details that are not the marker
        AuditEvent.objects.filter(pk=event.pk).update(details={"note": "rewritten"})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert audit_actions.verify_chain().ok


def test_erasure_is_refused_while_a_risk_alert_is_open_or_a_course_runs(world):
    client, course = _fill_record(world)
    admin = actor(world.m["admin"])
    with pytest.raises(ActionError) as refused:
        record_actions.erase_record(admin, client.pk, confirm_name="Sam Client", reason="Asked.")
    assert "course" in refused.value.message
    _end(world, course)
    raise_text(client, actor=actor(world.m["therapist"]))
    with pytest.raises(ActionError) as refused:
        record_actions.erase_record(admin, client.pk, confirm_name="Sam Client", reason="Asked.")
    assert "risk alert" in refused.value.message
    assert not ClientErasure.objects.exists()
    assert _where_found(PHRASE)


def test_the_second_partner_of_a_running_couples_course_cannot_be_erased(world):
    from openipt.couples import actions as couples_actions
    from tests.support.couples import couples_course

    two = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Lee", family_name="Partner")
    course = couples_course(world, "self")
    couples_actions.link_partner(actor(world.m["therapist"]), course.pk, record_number=two.record_number)
    with pytest.raises(ActionError) as refused:
        record_actions.erase_record(actor(world.m["admin"]), two.pk, confirm_name="Lee Partner", reason="Asked.")
    assert "couples course" in refused.value.message
    assert not ClientErasure.objects.exists()


def test_erasure_needs_the_clients_name_typed(world):
    with pytest.raises(ActionError) as refused:
        record_actions.erase_record(actor(world.m["admin"]), world.clients["mine"].pk, confirm_name="Noah Berg",
                                    reason="Asked.")
    assert refused.value.field == "confirm_name"
    world.clients["mine"].refresh_from_db()
    assert world.clients["mine"].given_name == "Maya"


def test_the_erase_page_erases_and_then_shows_the_tombstone(world, as_member):
    client = world.clients["theirs"]
    browser = as_member(world.m["admin"])
    wrong = browser.post(reverse("clients:record_erase", args=[client.pk]), {"erase-confirm_name": "Maya", "erase-reason": "x"})
    assert wrong.status_code == 200
    done = browser.post(reverse("clients:record_erase", args=[client.pk]),
                        {"erase-confirm_name": "Noah Berg", "erase-reason": "The client asked."})
    assert done.status_code == 302
    page = browser.get(reverse("clients:record", args=[client.pk]))
    assert b"This record was erased" in page.content and b"The client asked." in page.content
    assert b"Noah" not in page.content


def test_the_command_line_exports_and_erases_with_the_same_checks(world, tmp_path):
    client = world.clients["theirs"]
    out, err = io.StringIO(), io.StringIO()
    code = record_cli.export(client.pk, str(tmp_path), reason="SAR", as_user=world.m["admin"].user.username,
                             out=out, err=err)
    assert code == 0, err.getvalue()
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".pdf", ".zip"]
    assert record_cli.erase(client.pk, confirm_name="Someone Else", reason="x",
                            as_user=world.m["admin"].user.username, out=out, err=err) == 1
    assert record_cli.erase(client.pk, confirm_name="Noah Berg", reason="Retention.",
                            as_user=world.m["admin"].user.username, out=out, err=err) == 0
    assert ClientErasure.objects.filter(client=client).exists()
    assert record_cli.export(999999, str(tmp_path), reason="x", err=err) == 2


# Retention -----------------------------------------------------------------------------------------------------

def test_the_retention_list_shows_exactly_the_records_past_the_period(world, as_member):
    admin = actor(world.m["admin"])
    assert list(record_queries.past_retention(admin)) == []  # the default keeps every record
    now = timezone.now()
    old = make_client(world.m["admin"], given_name="Old", family_name="Record")
    recent = make_client(world.m["admin"], given_name="Recent", family_name="Record")
    Client.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=365 * 7))
    Client.objects.filter(pk=recent.pk).update(updated_at=now - timedelta(days=365 * 5))
    Client.objects.filter(organisation=world.org).exclude(pk__in=[old.pk, recent.pk]).update(updated_at=now)
    record_actions.set_retention(admin, 6)
    assert [c.pk for c in record_queries.past_retention(admin)] == [old.pk]
    # Contact that another app registered (a message) counts as contact.
    record_actions.set_retention(admin, 4)
    assert {c.pk for c in record_queries.past_retention(admin)} == {old.pk, recent.pk}
    browser = as_member(world.m["admin"])
    page = browser.get(reverse("clients:retention"))
    assert page.status_code == 200 and b"Old Record" in page.content
    assert browser.post(reverse("clients:retention"), {"years": "0"}).status_code == 200  # out of range: the form says so
    assert browser.post(reverse("clients:retention"), {"years": ""}).status_code == 302
    assert list(record_queries.past_retention(admin)) == []
    assert AuditEvent.objects.filter(event_type="client.retention_set").count() == 3


def test_contact_in_another_app_keeps_a_record_off_the_list(world):
    admin = actor(world.m["admin"])
    now = timezone.now()
    Client.objects.filter(organisation=world.org).update(updated_at=now - timedelta(days=365 * 7))
    client_writes(world, "Hello.")  # the portal client "self" writes today
    Client.objects.filter(organisation=world.org).update(updated_at=now - timedelta(days=365 * 7))
    record_actions.set_retention(admin, 6)
    past = {c.pk for c in record_queries.past_retention(admin)}
    assert world.clients["self"].pk not in past and world.clients["mine"].pk in past


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_erasure_withdraws_fhir_bulk_export_files_that_hold_the_client(world):
    """A program's bulk export written before the erasure holds the client's Patient resource: its files are
    deleted and the export ends as cancelled, so the name does not outlive the record in the database."""
    from openipt.api.fhir import bulk_actions
    from openipt.api.models import BulkExport, BulkFile
    from tests.support.api import call, personal

    secret = personal(world.m["admin"])[1]
    answer = call(secret, "GET", "/fhir/$export?_type=Patient", Prefer="respond-async", Accept="application/fhir+json")
    assert answer.status_code == 202
    export = BulkExport.objects.get()
    bulk_actions.run_export(export.pk)
    assert _where_found('"family":"Berg"'), "the export should hold the client before the erasure"

    record_actions.erase_record(actor(world.m["admin"]), world.clients["theirs"].pk, confirm_name="Noah Berg",
                                reason="Asked.")

    assert _where_found('"family":"Berg"') == []
    assert not BulkFile.objects.filter(export=export).exists()
    export.refresh_from_db()
    assert export.status == "cancelled" and export.expires_at <= timezone.now()


def test_a_login_that_is_also_staff_is_unlinked_not_wiped(world):
    from openipt.clients.actions import link_portal_user

    staff_user = world.m["therapist2"].user
    link_portal_user(world.clients["theirs"], staff_user)
    record_actions.erase_record(actor(world.m["admin"]), world.clients["theirs"].pk, confirm_name="Noah Berg",
                                reason="Asked.")
    staff_user.refresh_from_db()
    world.m["therapist2"].refresh_from_db()
    assert staff_user.is_active and staff_user.username != f"erased-{staff_user.pk}" and world.m["therapist2"].is_active
    assert Client.objects.get(pk=world.clients["theirs"].pk).user_id is None


def test_the_erasure_reason_is_kept_on_the_tombstone_and_never_in_the_audit_log(world):
    """The admin's reason may name the person: the audit event (which outlives the record) holds its length only."""
    client = world.clients["theirs"]
    erasure = record_actions.erase_record(actor(world.m["admin"]), client.pk, confirm_name="Noah Berg",
                                          reason="Noah Berg asked us by letter.")
    assert erasure.reason == "Noah Berg asked us by letter."
    event = AuditEvent.objects.get(event_type="client.record_erased")
    assert "Noah" not in json.dumps(event.details) and event.details["reason_length"] == 29
    assert audit_actions.verify_chain().ok


def test_an_erasure_in_the_audit_log_covers_only_the_events_about_its_client(world):
    """The erased events are those of the erased client; any other event carrying the marker is tampering."""
    from django.db import DatabaseError, transaction

    from openipt.audit import chain

    record_actions.erase_record(actor(world.m["admin"]), world.clients["theirs"].pk, confirm_name="Noah Berg",
                                reason="Retention period passed.")
    assert audit_actions.verify_chain().ok
    signed_off = audit_actions.record("auth.login", actor=actor(world.m["admin"]))
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=signed_off.pk).update(details=chain.erased_details("x", timezone.now()))
    erasure_event = AuditEvent.objects.get(event_type="client.record_erased")
    assert not chain.is_erased(erasure_event.details)
