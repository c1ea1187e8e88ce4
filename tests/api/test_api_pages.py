"""The pages where an admin makes API clients and a member of staff makes personal tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.api.models import ApiToken
from openipt.audit.models import AuditEvent
from tests.support.api import call


def _make(browser, url, **changes):
    data = {"name": "Research warehouse", "scopes": ["measures:read", "clients:read"],
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat()}
    data.update(changes)
    return browser.post(url, data)


@pytest.mark.django_db
def test_an_admin_makes_an_api_client_sees_its_secret_once_and_it_works(api_world, as_member):
    browser = as_member(api_world.world.m["admin"])
    response = _make(browser, "/api/clients/")
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("oipt_") and secret in response.content.decode()
    token = ApiToken.objects.get(name="Research warehouse")
    assert token.kind == "client" and token.scopes == ["clients:read", "measures:read"]
    assert secret not in browser.get("/api/clients/").content.decode()
    assert call(secret, "GET", "clients").status_code == 200
    assert call(secret, "GET", "alerts").status_code == 403


@pytest.mark.django_db
def test_the_form_says_what_is_wrong_and_makes_nothing(api_world, as_member):
    browser = as_member(api_world.world.m["admin"])
    before = ApiToken.objects.count()
    for changes, words in [({"name": ""}, "This field is required"), ({"scopes": []}, "Choose at least one"),
                           ({"expires_on": timezone.localdate().isoformat()}, "after today"),
                           ({"expires_on": (timezone.localdate() + timedelta(days=400)).isoformat()}, "at most a year"),
                           ({"scopes": ["everything"]}, "Select a valid choice")]:
        response = _make(browser, "/api/clients/", **changes)
        assert response.status_code == 200 and words in response.content.decode(), changes
        assert response.context["secret"] is None
    assert ApiToken.objects.count() == before


@pytest.mark.django_db
def test_rotating_gives_a_new_secret_and_revoking_stops_the_token_both_audited(api_world, as_member):
    browser = as_member(api_world.world.m["therapist"])
    secret = _make(browser, "/api/tokens/", name="My script").context["secret"]
    token = ApiToken.objects.get(name="My script")
    assert token.kind == "personal" and token.membership_id == api_world.world.m["therapist"].pk
    rotated = browser.post(f"/api/tokens/{token.pk}/rotate/")
    new_secret = rotated.context["secret"]
    assert new_secret != secret and call(secret, "GET", "clients").status_code == 401
    assert call(new_secret, "GET", "clients").status_code == 200
    assert browser.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    assert call(new_secret, "GET", "clients").status_code == 401
    kinds = list(AuditEvent.objects.filter(object_id=str(token.pk), event_type__startswith="api.token")
                 .order_by("pk").values_list("event_type", flat=True))
    assert kinds == ["api.token_created", "api.token_rotated", "api.token_revoked"]


@pytest.mark.django_db
def test_nobody_changes_another_persons_token(api_world, as_member):
    browser = as_member(api_world.world.m["therapist"])
    _make(browser, "/api/tokens/", name="Mine")
    token = ApiToken.objects.get(name="Mine")
    other = as_member(api_world.world.m["supervisor"])
    assert other.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert other.post(f"/api/tokens/{token.pk}/anything/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert token.name not in other.get("/api/tokens/").content.decode()


@pytest.mark.django_db
def test_the_docs_page_lists_every_endpoint_from_the_document_and_loads_nothing_from_elsewhere(api_world, client):
    response = client.get("/api/docs/")
    page = response.content.decode()
    assert response.status_code == 200
    for path in ("/api/v1/clients", "/api/v1/administrations", "/api/v1/alerts/{alert_id}/acknowledge",
                 "/api/v1/groups/{group_id}", "/api/v1/courses/{course_id}/sessions"):
        assert path in page, path
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page
    assert "measures:write" in page


@pytest.mark.django_db
def test_api_clients_are_listed_in_settings(api_world, as_member):
    page = as_member(api_world.world.m["admin"]).get("/account/settings/").content.decode()
    assert "/api/clients/" in page
