"""FHIR Bulk Data $export: kick-off, status with progress, the manifest, NDJSON files that are the FHIR read's
resources (each checked against the fhir.resources R4B models), who may see an export, cancel, expiry, and a run
of the real database worker."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from openipt.api.fhir import bulk_actions
from openipt.api.models import BulkExport, BulkFile
from openipt.audit.models import AuditEvent
from openipt.measures.interop import validate_resource
from tests.support.api import STAFF, call, personal

ASYNC = {"Prefer": "respond-async", "Accept": "application/fhir+json"}
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def kickoff(secret, query="", **headers):
    return call(secret, "GET", f"/fhir/$export{query}", **{**ASYNC, **headers})


def get(secret, url, method="GET"):
    path = url.removeprefix("http://testserver")
    return call(secret, method, path)


def started(secret, query=""):
    response = kickoff(secret, query)
    assert response.status_code == 202, response.content[:300]
    return response["Content-Location"]


def lines_of(secret, entry):
    response = get(secret, entry["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    lines = response.content.decode().splitlines()
    assert len(lines) == entry["count"]
    return [json.loads(line) for line in lines]


def _refused(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    validate_resource(body)
    assert body["resourceType"] == "OperationOutcome"
    if code:
        assert body["issue"][0]["details"]["coding"][0]["code"] == code


@pytest.mark.django_db
def test_an_api_client_exports_every_type_as_the_fhir_read_returns_it(fhir_world):
    """With the immediate backend (tests) the worker runs during the kick-off; the manifest then lists one file
    per type, each line a valid R4 resource equal to what reading that resource returns."""
    secret = fhir_world.secrets["api_client"]
    status_url = started(secret)
    response = get(secret, status_url)
    assert response.status_code == 200, response.content[:300]
    manifest = response.json()
    assert manifest["requiresAccessToken"] is True and manifest["error"] == []
    assert manifest["request"].endswith("/fhir/$export") and manifest["transactionTime"].endswith("Z")
    assert "Expires" in response
    types = {entry["type"] for entry in manifest["output"]}
    assert {"Patient", "Questionnaire", "QuestionnaireResponse", "Observation", "EpisodeOfCare", "Encounter",
            "Goal", "Practitioner", "CarePlan", "Group", "Flag"} == types
    for entry in manifest["output"]:
        for resource in lines_of(secret, entry):
            assert resource["resourceType"] == entry["type"]
            validate_resource(resource)
            read = call(secret, "GET", f"/fhir/{resource['resourceType']}/{resource['id']}")
            assert read.status_code == 200 and read.json() == resource
    assert AuditEvent.objects.filter(event_type="api.bulk_export_started").exists()
    assert AuditEvent.objects.filter(event_type="api.bulk_export_finished").exists()


@pytest.mark.django_db
def test_each_exported_line_is_byte_for_byte_the_resource_a_fhir_read_returns(fhir_world):
    """The export reads plain rows and encodes them with a faster encoder than the read's: every line must still
    be the read's resource, same keys in the same order, written as compact JSON (what the file export writes)."""
    secret = fhir_world.secrets["api_client"]
    manifest = get(secret, started(secret, "?_type=Patient,QuestionnaireResponse,Observation,Encounter,Goal,Flag"
                                           ",EpisodeOfCare")).json()
    assert {e["type"] for e in manifest["output"]} == {"Patient", "QuestionnaireResponse", "Observation",
                                                       "Encounter", "Goal", "Flag", "EpisodeOfCare"}
    for entry in manifest["output"]:
        for line in get(secret, entry["url"]).content.decode().splitlines():
            resource = json.loads(line)
            read = call(secret, "GET", f"/fhir/{resource['resourceType']}/{resource['id']}")
            assert read.status_code == 200
            assert line == json.dumps(read.json(), ensure_ascii=False, separators=(",", ":")), entry["type"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*STAFF, "api_client", "other_api_client"])
def test_each_token_exports_exactly_what_its_fhir_searches_find(fhir_world, role):
    """HAZ-027: the export reads through the same access functions as the searches, for every role and both
    organisations (types narrowed by _type)."""
    secret = fhir_world.secrets[role]
    manifest = get(secret, started(secret, "?_type=Patient,EpisodeOfCare,Observation,Goal")).json()
    assert {e["type"] for e in manifest["output"]} <= {"Patient", "EpisodeOfCare", "Observation", "Goal"}
    for kind in ("Patient", "EpisodeOfCare", "Observation", "Goal"):
        searched = call(secret, "GET", f"/fhir/{kind}?_count=200").json().get("entry", [])
        exported = [r for e in manifest["output"] if e["type"] == kind for r in lines_of(secret, e)]
        assert sorted(r["id"] for r in exported) == sorted(e["resource"]["id"] for e in searched), (role, kind)


@pytest.mark.django_db
def test_since_leaves_out_what_did_not_change(fhir_world):
    secret = fhir_world.secrets["api_client"]
    later = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest = get(secret, started(secret, f"?_type=Patient,EpisodeOfCare&_since={later}")).json()
    assert manifest["output"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "headers", "status", "code"), [
    ("", {"Prefer": ""}, 400, "bad_export"),
    ("?_type=Medication", {}, 400, "bad_export"),
    ("?_type=Patient,,Goal", {}, 400, "bad_export"),
    ("?_since=2026-01-01", {}, 400, "bad_export"),
    ("?_since=2026-13-01T00:00:00Z", {}, 400, "bad_export"),
    ("?_outputFormat=text/csv", {}, 400, "bad_export"),
    ("?_elements=id", {}, 400, "bad_export"),
    ("?_type=Patient&_type=Goal", {}, 400, "bad_export"),
    ("", {"Accept": "application/fhir+xml"}, 406, "not_acceptable"),
])
def test_a_kickoff_the_server_cannot_honour_is_refused(fhir_world, query, headers, status, code):
    _refused(kickoff(fhir_world.secrets["api_client"], query, **headers), status, code)
    assert not BulkExport.objects.exists()


@pytest.mark.django_db
def test_types_outside_the_token_scopes_are_refused_and_a_token_is_needed(fhir_world):
    _token, secret = personal(fhir_world.world.m["therapist"], scopes=["clients:read"])
    _refused(kickoff(secret, "?_type=Observation"), 400, "bad_export")
    manifest = get(secret, started(secret)).json()
    assert [e["type"] for e in manifest["output"]] == ["Patient"]
    _refused(kickoff(None), 401)
    _token, none = personal(fhir_world.world.m["therapist"], scopes=["measures:write"])
    _refused(kickoff(none), 403, "insufficient_scope")


@pytest.mark.django_db
def test_only_the_token_that_asked_sees_the_export_and_its_files(fhir_world):
    secret = fhir_world.secrets["api_client"]
    status_url = started(secret, "?_type=Patient")
    file_url = get(secret, status_url).json()["output"][0]["url"]
    for other in ("other_api_client", "admin", "therapist"):  # another organisation; the same one, other tokens
        _refused(get(fhir_world.secrets[other], status_url), 404, "not_found")
        _refused(get(fhir_world.secrets[other], file_url), 404, "not_found")
        _refused(get(fhir_world.secrets[other], status_url, "DELETE"), 404, "not_found")
    _refused(get(None, file_url), 401)
    _refused(get(secret, status_url.rsplit("/", 1)[0] + "/not-a-uuid"), 404)
    _refused(get(secret, file_url + "9"), 404)


@pytest.mark.django_db
def test_cancelling_removes_the_files_and_the_export(fhir_world):
    secret = fhir_world.secrets["api_client"]
    status_url = started(secret, "?_type=Patient")
    file_url = get(secret, status_url).json()["output"][0]["url"]
    response = get(secret, status_url, "DELETE")
    assert response.status_code == 202
    assert not BulkFile.objects.exists()
    _refused(get(secret, status_url), 404)
    _refused(get(secret, file_url), 404)
    assert AuditEvent.objects.filter(event_type="api.bulk_export_cancelled").exists()


@pytest.mark.django_db
def test_expired_files_are_not_found_and_pruned(fhir_world):
    secret = fhir_world.secrets["api_client"]
    status_url = started(secret, "?_type=Patient")
    file_url = get(secret, status_url).json()["output"][0]["url"]
    BulkExport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    _refused(get(secret, status_url), 404)
    _refused(get(secret, file_url), 404)
    call_command("prune_bulk_exports", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not BulkExport.objects.exists() and not BulkFile.objects.exists()


@pytest.mark.django_db
@override_settings(TASKS=DB_BACKEND)
def test_the_database_worker_writes_a_queued_export_while_status_reports_progress(fhir_world):
    secret = fhir_world.secrets["api_client"]
    status_url = started(secret, "?_type=Patient,Group")
    waiting = get(secret, status_url)
    assert waiting.status_code == 202
    assert waiting["X-Progress"] and waiting["Retry-After"].isdigit()
    busy = kickoff(secret)  # one export at a time per token
    _refused(busy, 429, "export_running")
    assert busy["Retry-After"].isdigit()
    started(fhir_world.secrets["therapist"], "?_type=Patient")  # another token is not held up
    # The worker's own step for one queued task (its loop around it closes the test's database connection)
    first = BulkExport.objects.get(public_id=status_url.rsplit("/", 1)[1])
    [queued] = [t for t in DBTaskResult.objects.ready().filter(task_path="openipt.api.fhir.bulk_tasks.run_bulk_export")
                if t.args_kwargs["args"] == [first.pk]]
    queued.claim("test")
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="test", excluded_queue_names=[]).run_task(queued)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    manifest = get(secret, status_url).json()
    assert [e["type"] for e in manifest["output"]] == ["Patient", "Group"]
    assert all(lines_of(secret, e) for e in manifest["output"])


@pytest.mark.django_db
@override_settings(TASKS=DB_BACKEND)
def test_a_revoked_token_export_ends_with_an_error_file_not_a_server_error(fhir_world):
    secret = fhir_world.secrets["api_client"]
    status_url = started(secret, "?_type=Patient")
    export = BulkExport.objects.get()
    from openipt.api.models import ApiToken

    ApiToken.objects.filter(pk=export.token_id).update(revoked_at=timezone.now())
    bulk_actions.run_export(export.pk)
    ApiToken.objects.filter(pk=export.token_id).update(revoked_at=None)
    manifest = get(secret, status_url).json()
    assert manifest["output"] == []
    [error] = manifest["error"]
    [problem] = lines_of(secret, error)
    validate_resource(problem)
    assert problem["issue"][0]["details"]["coding"][0]["code"] == "token_not_usable"


def _export_queries(secret):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started(secret)
    export = BulkExport.objects.order_by("-pk").first()
    with CaptureQueriesContext(connection) as ctx:
        result = bulk_actions.run_export(export.pk)
    return len(ctx.captured_queries), result["written"]


@pytest.mark.django_db
@override_settings(TASKS=DB_BACKEND)
def test_an_export_runs_the_same_queries_whatever_the_amount_of_data(fhir_world):
    """Rows are read in chunks with their related rows joined or prefetched: no query per resource."""
    from tests.api.test_fhir_query_counts import _more

    secret = fhir_world.secrets["api_client"]
    _more(fhir_world, 1)
    small = _export_queries(secret)
    _more(fhir_world, 6)
    large = _export_queries(secret)
    assert large[1] > small[1] + 20
    assert large[0] == small[0], f"{small[0]} queries for {small[1]} resources, then {large[0]} for {large[1]}"


@pytest.mark.django_db
def test_the_capability_statement_offers_export(fhir_world):
    body = call(None, "GET", "/fhir/metadata").json()
    validate_resource(body)
    assert "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data" in body["instantiates"]
    assert [op["name"] for op in body["rest"][0]["operation"]] == ["export"]


@pytest.mark.django_db
def test_a_group_export_holds_the_group_its_members_records_and_their_therapists(fhir_world):
    from openipt.groups.models import Member

    secret = fhir_world.secrets["api_client"]
    group = fhir_world.group
    members = {str(pk) for pk in Member.objects.filter(group=group).values_list("client_id", flat=True)}
    response = call(secret, "GET", f"/fhir/Group/{group.pk}/$export", **ASYNC)
    assert response.status_code == 202, response.content[:300]
    manifest = get(secret, response["Content-Location"]).json()
    exported = {e["type"]: [r for r in lines_of(secret, e)] for e in manifest["output"]}
    assert {r["id"] for r in exported["Patient"]} == members
    assert [r["id"] for r in exported["Group"]] == [str(group.pk)]
    for kind in ("EpisodeOfCare", "Goal", "CarePlan", "QuestionnaireResponse", "Observation", "Flag"):
        for resource in exported.get(kind, []):
            subject = resource.get("patient") or resource.get("subject")
            assert subject["reference"].removeprefix("Patient/") in members, (kind, subject)
    assert str(fhir_world.world.clients["mine"].pk) not in {r["id"] for r in exported["Patient"]}
    for other in ("other_api_client",):  # another organisation's group is not found
        _refused(call(fhir_world.secrets[other], "GET", f"/fhir/Group/{group.pk}/$export", **ASYNC), 404)
    _refused(call(secret, "GET", "/fhir/Group/abc/$export", **ASYNC), 404)
    _token, no_groups = personal(fhir_world.world.m["admin"], scopes=["clients:read"])
    _refused(call(no_groups, "GET", f"/fhir/Group/{group.pk}/$export", **ASYNC), 403, "insufficient_scope")


@pytest.mark.django_db
def test_openipt_prune_removes_expired_exports_and_old_cancelled_ones_and_keeps_the_rest(fhir_world):
    from openipt.core import prune

    secret = fhir_world.secrets["api_client"]
    started(secret, "?_type=Patient")
    started(secret, "?_type=Patient")  # (each export's run prunes the expired ones itself: expire one after)
    expired, kept = BulkExport.objects.order_by("pk")
    BulkExport.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert BulkFile.objects.filter(export=kept).exists()
    counts = prune.prune(30)
    assert counts["api bulk exports"] == 1 and counts["api bulk export files"] >= 1
    assert list(BulkExport.objects.values_list("pk", flat=True)) == [kept.pk]
    assert BulkFile.objects.filter(export=kept).exists() and not BulkFile.objects.filter(export=expired).exists()
    BulkExport.objects.update(status="cancelled")
    assert prune.prune(30)["api bulk exports"] == 0  # a fresh cancel: its worker may still be stopping
    BulkExport.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert prune.prune(30)["api bulk exports"] == 1 and not BulkExport.objects.exists()


@pytest.mark.django_db
@override_settings(TASKS=DB_BACKEND)
@pytest.mark.parametrize("who", ["therapist", "api_client"])
def test_an_export_whose_person_left_or_whose_client_login_changed_exports_nothing(fhir_world, who):
    from openipt.accounts.models import Membership, Role
    from openipt.api.models import ApiToken

    secret = fhir_world.secrets[who]
    status_url = started(secret, "?_type=Patient")
    export = BulkExport.objects.get()
    membership = ApiToken.objects.get(pk=export.token_id).membership
    # a person who left; an API client whose service login was given another role
    change = {"is_active": False} if who == "therapist" else {"role": Role.SUPERVISOR}
    Membership.objects.filter(pk=membership.pk).update(**change)
    bulk_actions.run_export(export.pk)
    Membership.objects.filter(pk=membership.pk).update(is_active=membership.is_active, role=membership.role)
    manifest = get(secret, status_url).json()
    assert manifest["output"] == []
    [error] = manifest["error"]
    [problem] = lines_of(secret, error)
    assert problem["issue"][0]["details"]["coding"][0]["code"] == "token_not_usable"


def _encoded_plainly(resource):
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def test_a_response_line_with_answers_encoded_once_is_the_bytes_of_the_whole_response():
    """The export encodes each shared answer entry once and joins the text round it: the line must be exactly what
    encoding the whole resource gives, wherever `item` stands, with or without keys after it or answers at all,
    and when two responses hold the same entry object."""
    said_often = {"linkId": "q1", "text": "Feeling down — most days", "answer": [{"valueCoding": {"code": "2"}}]}
    other = {"linkId": "q2", "answer": [{"valueCoding": {"code": "0", "display": "Not at all"}}]}
    shapes = [
        {"resourceType": "QuestionnaireResponse", "id": "a", "meta": {"lastUpdated": "2026-01-01T00:00:00+00:00"},
         "status": "completed", "item": [said_often, other], "basedOn": [{"reference": "CarePlan/1"}]},
        {"resourceType": "QuestionnaireResponse", "id": "b", "status": "in-progress", "item": [other, said_often]},
        {"resourceType": "QuestionnaireResponse", "id": "c", "status": "completed"},
        {"resourceType": "QuestionnaireResponse", "id": "d", "item": [], "basedOn": []},
    ]
    lines = bulk_actions._Responses()
    for resource in [*shapes, *shapes]:  # the second time round, every entry's text comes from what was kept
        assert lines.line(resource) == _encoded_plainly(resource) == bulk_actions._line(resource)


@pytest.mark.django_db
@pytest.mark.parametrize("types", ["QuestionnaireResponse", "QuestionnaireResponse,Observation"])
def test_responses_that_gave_the_same_answers_are_each_exported_as_the_fhir_read_returns_them(fhir_world, types):
    """Responses giving the same answer share one encoded entry in the export (alone, or read with their scores):
    each line is still byte for byte the read's resource, and no response gets another's answers."""
    from openipt.measures import actions as measure_actions
    from tests.support.measures import phq9
    from tests.support.people import actor

    therapist = actor(fhir_world.world.m["therapist"])
    for answers in (phq9(1, 1, 0, 0, 1, 1, 0, 0, 0, difficulty=0), phq9(1, 1, 0, 0, 1, 1, 0, 0, 0, difficulty=0),
                    phq9(3, 1, 0, 2, 1, 1, 0, 3, 0, difficulty=2)):
        measure_actions.enter_paper(therapist, fhir_world.course.pk, instrument_code="phq9", session_number=None,
                                    completed_on=timezone.localdate(), answers=answers)
    secret = fhir_world.secrets["api_client"]
    manifest = get(secret, started(secret, f"?_type={types}")).json()
    [responses] = [entry for entry in manifest["output"] if entry["type"] == "QuestionnaireResponse"]
    lines = get(secret, responses["url"]).content.decode().splitlines()
    assert len(lines) == 4
    codes = []
    for line in lines:
        resource = json.loads(line)
        read = call(secret, "GET", f"/fhir/QuestionnaireResponse/{resource['id']}")
        assert read.status_code == 200
        assert line == json.dumps(read.json(), ensure_ascii=False, separators=(",", ":"))
        codes.append([item["answer"][0]["valueCoding"]["code"] for item in resource["item"]])
    assert sorted(codes) == sorted([["2", "2", "2", "2", "1", "1", "1", "1", "2", "1"],
                                    ["1", "1", "0", "0", "1", "1", "0", "0", "0", "0"],
                                    ["1", "1", "0", "0", "1", "1", "0", "0", "0", "0"],
                                    ["3", "1", "0", "2", "1", "1", "0", "3", "0", "2"]])
