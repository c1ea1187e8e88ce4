"""What every call relies on: tokens, errors, pages, ETags, idempotency, rate and size limits."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.api import actions
from openipt.api.models import ApiToken, IdempotentRequest
from openipt.audit.models import AuditEvent
from openipt.clients.access import visible_clients
from openipt.measures.models import Administration
from openipt.safety.models import Alert
from tests.support.api import call, personal
from tests.support.measures import phq9
from tests.support.people import actor, make_client


def _body(api_world, **changes):
    body = {"course_id": api_world.course.pk, "instrument_code": "phq9",
            "completed_on": timezone.localdate().isoformat(), "answers": phq9(1, 1, 1, 1, 0, 0, 0, 0, 0, difficulty=0)}
    body.update(changes)
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("header, code", [
    (None, "missing_token"), ("Basic dXNlcjpwYXNz", "missing_token"), ("Bearer ", "missing_token"),
    ("Bearer oipt_not-a-real-token", "invalid_token"), ("Bearer something-else", "invalid_token"),
])
def test_a_missing_or_unknown_token_is_refused_with_401(api_world, header, code):
    from django.test import Client

    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get("/api/v1/clients", **extra)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_an_expired_revoked_or_rotated_token_is_refused_with_401(api_world):
    me = api_world.world.m["therapist"]
    token, secret = personal(me)
    assert call(secret, "GET", "clients").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = call(secret, "GET", "clients")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "expired_token")

    token, secret = personal(me)
    _same, new_secret = actions.rotate(actor(me), "personal", token.pk)
    assert call(secret, "GET", "clients").status_code == 401
    assert call(new_secret, "GET", "clients").status_code == 200
    actions.revoke(actor(me), "personal", token.pk)
    response = call(new_secret, "GET", "clients")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "revoked_token")


@pytest.mark.django_db
def test_a_personal_token_stops_when_its_owner_is_deactivated(api_world):
    from openipt.accounts.models import Membership

    me = api_world.world.m["therapist2"]
    _token, secret = personal(me)
    Membership.objects.filter(pk=me.pk).update(is_active=False)
    assert call(secret, "GET", "clients").status_code == 401


@pytest.mark.django_db
def test_a_token_in_the_address_is_refused_even_with_a_good_header(api_world):
    secret = api_world.secrets["admin"]
    for query in (f"access_token={secret}", f"token={secret}", f"x={secret}"):
        response = call(secret, "GET", f"/api/v1/clients?{query}")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "token_in_query"


@pytest.mark.django_db
def test_a_token_call_sets_no_cookie_and_a_signed_in_browser_is_not_a_token(api_world, client):
    from tests.support.people import login

    response = call(api_world.secrets["admin"], "GET", "clients")
    assert response.status_code == 200 and not response.cookies
    login(client, api_world.world.m["admin"])
    assert client.get("/api/v1/clients").status_code == 401
    # A person who belongs to two organisations is not sent to choose one: the token decides.
    from openipt.accounts.models import Membership, Role

    Membership.objects.create(user=api_world.world.m["admin"].user, organisation=api_world.world.other_org,
                              role=Role.THERAPIST)
    login(client, api_world.world.m["admin"])
    token_call = client.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {api_world.secrets['therapist']}")
    assert token_call.status_code == 200
    mine = {c["id"] for c in token_call.json()["items"]}
    assert mine == set(visible_clients(actor(api_world.world.m["therapist"])).values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_secret_is_kept_only_as_its_hash_and_every_call_is_audited(api_world):
    token, secret = personal(api_world.world.m["therapist"])
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert secret not in json.dumps(stored, default=str)
    assert stored["secret_hash"] == actions.hash_secret(secret)
    created = AuditEvent.objects.filter(event_type="api.token_created", object_id=str(token.pk))
    assert created.count() == 1 and secret not in json.dumps(created.get().details)
    before = AuditEvent.objects.filter(event_type="api.called").count()
    call(secret, "GET", "clients")
    call(secret, "GET", "courses")
    calls = AuditEvent.objects.filter(event_type="api.called").order_by("-pk")[:2]
    assert AuditEvent.objects.filter(event_type="api.called").count() == before + 2
    assert [e.details["path"] for e in calls] == ["/api/v1/courses", "/api/v1/clients"]
    assert calls[0].actor_user_id == api_world.world.m["therapist"].user_id


@pytest.mark.django_db
def test_pages_walk_a_list_with_no_repeats_and_no_gaps(api_world):
    for i in range(23):
        make_client(api_world.world.m["admin"], assign_to=api_world.world.m["therapist"], given_name=f"Page{i}")
    secret = api_world.secrets["api_client"]
    seen, cursor, pages = [], None, 0
    while True:
        response = call(secret, "GET", "clients?limit=5" + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200
        data = response.json()
        seen += [item["id"] for item in data["items"]]
        pages += 1
        cursor = data["next_cursor"]
        if cursor is None:
            break
    everyone = call(secret, "GET", "clients?limit=100").json()["items"]
    assert seen == [item["id"] for item in everyone] and len(seen) == len(set(seen)) >= 27
    assert pages == -(-len(seen) // 5)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=ten", "cursor=forged", "updated_since=yesterday",
                                   "updated_since=2026-01-01T00:00:00"])
def test_a_bad_page_request_is_refused_with_a_4xx(api_world, query):
    response = call(api_world.secrets["admin"], "GET", f"clients?{query}")
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"]


@pytest.mark.django_db
def test_a_cursor_from_one_list_is_refused_by_another(api_world):
    from openipt.api.http import encode_cursor

    response = call(api_world.secrets["admin"], "GET", f"courses?cursor={encode_cursor('clients', 1)}")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "bad_cursor")


@pytest.mark.django_db
def test_updated_since_lists_only_what_changed(api_world):
    from openipt.clients.models import Client

    later = timezone.now() + timedelta(seconds=1)
    Client.objects.filter(pk=api_world.world.clients["theirs"].pk).update(updated_at=later + timedelta(minutes=1))
    stamp = later.isoformat().replace("+00:00", "Z")
    items = call(api_world.secrets["admin"], "GET", f"clients?updated_since={stamp}").json()["items"]
    assert [i["id"] for i in items] == [api_world.world.clients["theirs"].pk]


@pytest.mark.django_db
def test_an_unchanged_record_answers_304_to_its_etag_and_a_changed_one_200(api_world):
    from openipt.clients.models import Client

    secret, path = api_world.secrets["admin"], f"clients/{api_world.world.clients['mine'].pk}"
    first = call(secret, "GET", path)
    etag = first["ETag"]
    again = call(secret, "GET", path, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    Client.objects.filter(pk=api_world.world.clients["mine"].pk).update(given_name="Maia")
    changed = call(secret, "GET", path, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["given_name"] == "Maia" and changed["ETag"] != etag


@pytest.mark.django_db
def test_a_retried_post_with_the_same_idempotency_key_is_stored_once(api_world):
    secret = api_world.secrets["therapist"]
    before = Administration.objects.count()
    first = call(secret, "POST", "administrations", _body(api_world), **{"Idempotency-Key": "paper-form-17"})
    retry = call(secret, "POST", "administrations", _body(api_world), **{"Idempotency-Key": "paper-form-17"})
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert Administration.objects.count() == before + 1
    other = call(secret, "POST", "administrations", _body(api_world, instrument_code="gad7"),
                 **{"Idempotency-Key": "paper-form-17"})
    assert (other.status_code, other.json()["error"]["code"]) == (409, "idempotency_key_reused")
    # Another token's key is its own.
    _token, mine_too = personal(api_world.world.m["therapist"])
    assert call(mine_too, "POST", "administrations", _body(api_world),
                **{"Idempotency-Key": "paper-form-17"}).status_code == 201
    assert Administration.objects.count() == before + 2


@pytest.mark.django_db
def test_a_refused_post_stores_no_answer_and_no_idempotency_record(api_world):
    secret = api_world.secrets["therapist"]
    before = (Administration.objects.count(), IdempotentRequest.objects.count())
    bad = call(secret, "POST", "administrations", _body(api_world, answers={"q1": 9}), **{"Idempotency-Key": "k1"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"]
    assert (Administration.objects.count(), IdempotentRequest.objects.count()) == before
    good = call(secret, "POST", "administrations", _body(api_world), **{"Idempotency-Key": "k1"})
    assert good.status_code == 201


@pytest.mark.django_db
def test_a_posted_questionnaire_is_scored_and_raises_the_alert_the_screens_would(api_world):
    """HAZ: a questionnaire sent through the API must not skip the safety rules."""
    client = api_world.world.clients["mine"]
    from openipt.safety import actions as safety_actions

    for open_alert in Alert.objects.filter(client=client).exclude(status="resolved"):
        safety_actions.resolve(actor(api_world.world.m["therapist"]), open_alert.pk, "Called the client.")
    body = _body(api_world, answers=phq9(3, 3, 3, 3, 3, 3, 3, 3, 2, difficulty=3))
    response = call(api_world.secrets["therapist"], "POST", "administrations", body)
    assert response.status_code == 201
    data = response.json()
    assert data["total"] == 26 and data["band"] == "severe" and data["safety_followup"] is True
    assert "q9" in data["flagged_items"]
    raised = call(api_world.secrets["therapist"], "GET", "alerts?limit=100").json()["items"]
    assert any(a["client_id"] == client.pk and a["status"] == "raised" and a["source"] == "phq9" for a in raised)


@pytest.mark.django_db
@pytest.mark.parametrize("raw, content_type, status, code", [
    (b"{not json", "application/json", 400, "malformed_json"),
    (b'{"course_id": "twelve"}', "application/json", 422, "invalid"),
    (b'[1, 2, 3]', "application/json", 422, "invalid"),
    (b"course_id=1", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    (b"\xff\xfe\x00", "application/json", 400, "malformed_json"),
])
def test_malformed_or_mistyped_bodies_get_a_4xx_and_store_nothing(api_world, raw, content_type, status, code):
    before = Administration.objects.count()
    response = call(api_world.secrets["therapist"], "POST", "administrations", raw=raw, content_type=content_type)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert Administration.objects.count() == before


@pytest.mark.django_db
def test_unknown_fields_and_wrong_answer_types_are_refused(api_world):
    before = Administration.objects.count()
    for body in (_body(api_world, surprise=1), _body(api_world, answers={"q1": "often"}),
                 _body(api_world, completed_on="31/01/2026"), _body(api_world, course_id=None)):
        response = call(api_world.secrets["therapist"], "POST", "administrations", body)
        assert response.status_code == 422, body
    assert Administration.objects.count() == before


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_with_413(api_world, settings):
    settings.API_MAX_BODY_BYTES = 1024
    body = _body(api_world, answers={f"q{i}": 1 for i in range(200)})
    response = call(api_world.secrets["therapist"], "POST", "administrations", body)
    assert (response.status_code, response.json()["error"]["code"]) == (413, "too_large")


@pytest.mark.django_db
def test_past_the_rate_limit_a_token_gets_429_with_retry_after(api_world, settings):
    settings.API_CALLS_PER_MINUTE = 3
    _token, secret = personal(api_world.world.m["supervisor"])
    answers = [call(secret, "GET", "clients").status_code for _ in range(4)]
    if answers[:3] != [200, 200, 200]:  # the minute turned over between calls: one more try in the new minute
        answers = [call(secret, "GET", "clients").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = call(secret, "GET", "clients")
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    assert call(api_world.secrets["admin"], "GET", "clients").status_code == 200  # another token has its own count


@pytest.mark.django_db
def test_each_call_is_counted_once_and_a_new_minute_clears_windows_older_than_an_hour(api_world):
    from datetime import timedelta

    from django.utils import timezone

    from openipt.api.models import RateWindow

    token, secret = personal(api_world.world.m["supervisor"])
    old = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    RateWindow.objects.create(token=token, minute=old, calls=40)
    RateWindow.objects.create(token=token, minute=old + timedelta(minutes=90), calls=7)  # 30 minutes ago: kept
    answers = [call(secret, "GET", "clients").status_code for _ in range(3)]
    windows = dict(RateWindow.objects.filter(token=token).values_list("minute", "calls"))
    assert answers == [200, 200, 200]
    assert old not in windows and windows[old + timedelta(minutes=90)] == 7
    assert sum(windows.values()) == 7 + 3  # the three calls, in one or (if the minute turned) two windows


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/clients/999999999", "/api/v1/clients/abc",
                                  "/api/v1/administrations/not-a-uuid", "/api/v1/alerts/0",
                                  "/api/v1/administrations/%00"])
def test_unknown_addresses_and_ids_answer_json_4xx(api_world, path):
    response = call(api_world.secrets["admin"], "GET", path)
    assert response.status_code in (400, 404, 422)
    assert response.json()["error"]["code"] in ("not_found", "invalid", "bad_request")


@pytest.mark.django_db
def test_a_client_cannot_make_a_personal_token(api_world):
    from openipt.core.errors import ActionError

    with pytest.raises(ActionError):
        personal(api_world.world.m["client"])


@pytest.mark.django_db
def test_a_retry_sent_while_the_first_is_still_running_is_told_to_wait_and_stores_nothing(api_world):
    """Two copies at the same moment: the first claims the key, the second must not run the work again."""
    secret = api_world.secrets["therapist"]
    first = call(secret, "POST", "administrations", _body(api_world), **{"Idempotency-Key": "same-moment"})
    assert first.status_code == 201
    claim = IdempotentRequest.objects.get(key="same-moment")
    IdempotentRequest.objects.filter(pk=claim.pk).update(status=0, body={})  # as while the first is still running
    before = Administration.objects.count()
    second = call(secret, "POST", "administrations", _body(api_world), **{"Idempotency-Key": "same-moment"})
    assert (second.status_code, second.json()["error"]["code"]) == (409, "idempotency_in_progress")
    assert second["Retry-After"] == "1" and Administration.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31T23:00:00Z"])
def test_an_updated_since_the_database_cannot_compare_is_refused_with_400(api_world, when):
    response = call(api_world.secrets["admin"], "GET", f"clients?updated_since={when.replace('+', '%2B')}")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "bad_date")


@pytest.mark.django_db
def test_opening_a_record_through_the_api_is_audited_against_the_client_with_the_call_filters(api_world):
    client = api_world.world.clients["mine"]
    secret = api_world.secrets["therapist"]
    assert call(secret, "GET", f"clients/{client.pk}").status_code == 200
    assert AuditEvent.objects.filter(event_type="client.viewed", client_id=client.pk).exists()
    assert call(secret, "GET", f"alerts/{api_world.alert.pk}").status_code == 200
    assert AuditEvent.objects.filter(event_type="safety.alert_viewed", client_id=client.pk).exists()
    assert call(secret, "GET", f"administrations?client_id={client.pk}").status_code == 200
    listed = AuditEvent.objects.filter(event_type="api.called").order_by("-pk").first()
    assert listed.details["query"] == f"client_id={client.pk}"


@pytest.mark.django_db
def test_an_api_clients_login_is_not_a_person_on_the_people_page_and_cannot_be_changed(api_world, as_member):
    from openipt.accounts import actions as account_actions
    from openipt.accounts.models import Membership, Role
    from openipt.core.errors import ActionError

    token = ApiToken.objects.filter(kind="client", organisation=api_world.world.m["admin"].organisation).first()
    service = token.membership
    assert service.is_service and not service.is_active
    page = as_member(api_world.world.m["admin"]).get("/account/people/")
    assert page.status_code == 200 and service.user.display_name not in page.content.decode()
    admin = actor(api_world.world.m["admin"])
    with pytest.raises(ActionError):
        account_actions.set_membership_active(admin, service.pk, True)
    with pytest.raises(ActionError):
        account_actions.change_membership(admin, service.pk, role=Role.THERAPIST, supervisor_id=None)
    assert Membership.objects.get(pk=service.pk).role == Role.ADMIN
    # If the login were changed behind the software's back, the client's token stops working.
    Membership.objects.filter(pk=service.pk).update(role=Role.THERAPIST)
    response = call(api_world.secrets["api_client"], "GET", "clients")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "changed_client")


@pytest.mark.django_db
def test_an_api_client_is_never_given_what_only_a_person_may_do(api_world, as_member):
    from openipt.core.errors import ActionError
    from tests.support.api import api_client

    with pytest.raises(ActionError):
        api_client(api_world.world.m["admin"], scopes=["clients:read", "measures:write"], name="sender")
    page = as_member(api_world.world.m["admin"]).get("/api/clients/").content.decode()
    assert 'value="clients:read"' in page and 'value="measures:write"' not in page and 'value="alerts:write"' not in page
    mine = as_member(api_world.world.m["therapist"]).get("/api/tokens/").content.decode()
    assert 'value="measures:write"' in mine and 'value="alerts:write"' in mine
