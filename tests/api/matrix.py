"""Permission-matrix rows for the REST API and its pages (see tests/test_permission_matrix.py).

The API takes only bearer tokens: a signed-in browser (any role) and an anonymous visitor both get
401 from every endpoint, so a session cookie is never a way in. What each role's token may do is
covered endpoint by endpoint in tests/api/test_api_access.py. The token pages: admins manage API
clients; each member of staff manages their own personal tokens (another person's token is 404).
"""


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    no_session = expect(401, anonymous=401)
    rows = {f"api_v1:{name}": {"GET": no_session} for name in (
        "clients", "client", "courses", "course", "course_sessions", "course_goals", "administrations",
        "administration", "alerts", "alert", "groups", "group")}
    rows["api_v1:administration_create"] = {"POST": no_session}
    rows["api_v1:administration_batch"] = {"GET": expect(405, anonymous=405), "POST": no_session}
    rows["api_v1:alert_acknowledge"] = {"GET": expect(405, anonymous=405), "POST": no_session}
    rows["api_v1:openapi-json"] = {"GET": expect(200, anonymous=200)}
    rows["api_v1:api-root"] = {"GET": expect(404, anonymous=404)}
    own = dict(admin=404, supervisor=404, therapist=200, therapist2=404, facilitator=404, client=403,
               other_admin=404, other_therapist=404)
    rows.update({
        "api:docs": {"GET": expect(200, anonymous=200)},
        "api:clients": {"GET": admin_only(), "POST": admin_only()},
        "api:client_change": {"GET": admin_only(405), "POST": admin_only(200, other_admin=404)},
        "api:tokens": {"GET": staff_only(), "POST": staff_only()},
        "api:token_change": {"GET": expect(405, client=403), "POST": expect(404, **own)},
    })
    # --- FHIR (/fhir/) rows: start ---------------------------------------------------------------------
    # The CapabilityStatement is public; every read and search takes only a bearer token, so a signed-in
    # browser of any role and an anonymous visitor get 401 (per-token answers: tests/api/test_fhir_access.py).
    # Nothing is written: a POST is 405 for everyone.
    rows.update({
        "fhir:metadata": {"GET": expect(200, anonymous=200), "POST": expect(405, anonymous=405)},
        "fhir:search": {"GET": no_session, "POST": expect(405, anonymous=405)},
        "fhir:read": {"GET": no_session, "POST": expect(405, anonymous=405)},
    })
    # The batch Bundle of QuestionnaireResponses (issue 15) takes a bearer token too; GET there is 405.
    rows["fhir:batch"] = {"GET": expect(405, anonymous=405), "POST": no_session}
    # --- FHIR rows: end ----------------------------------------------------------------------------------
    # --- webhooks and the changes feed (issue 16): REST endpoints refuse a session; the pages are the admin's
    rows.update({f"api_v1:{name}": {"GET": no_session} for name in (
        "webhooks", "webhook", "webhook_delete", "webhook_deliveries", "changes")})
    rows["api_v1:webhook_create"] = {"POST": no_session}
    for name in ("webhook_rotate", "webhook_delivery_retry"):
        rows[f"api_v1:{name}"] = {"GET": expect(405, anonymous=405), "POST": no_session}
    rows.update({
        "api:webhooks": {"GET": admin_only(), "POST": admin_only()},
        "api:webhook": {"GET": admin_only(200, other_admin=404)},
        "api:webhook_change": {"GET": admin_only(405), "POST": admin_only(200, other_admin=404)},
        "api:webhook_resend": {"GET": admin_only(405), "POST": admin_only(302, other_admin=404)},
    })
    # --- end webhooks and the changes feed -------------------------------------------------------------------
    # --- FHIR bulk export ($export) rows: start ------------------------------------------------------------
    # Bearer tokens only, like the rest of /fhir/: a session of any role and an anonymous visitor get 401
    # (which token sees which export, and DELETE, which cancels: tests/api/test_fhir_bulk.py).
    rows.update({
        "fhir:bulk_kickoff": {"GET": no_session, "POST": expect(405, anonymous=405)},
        "fhir:bulk_group_kickoff": {"GET": no_session, "POST": expect(405, anonymous=405)},
        "fhir:bulk_status": {"GET": no_session, "POST": expect(405, anonymous=405)},
        "fhir:bulk_file": {"GET": no_session, "POST": expect(405, anonymous=405)},
    })
    # --- FHIR bulk export rows: end --------------------------------------------------------------------------
    return rows


def prepare(world):
    from tests.support.api import api_client, personal

    client_token, _secret = api_client(world.m["admin"])
    own_token, _secret = personal(world.m["therapist"])
    # --- webhooks and the changes feed (issue 16): one webhook of the organisation, one message in its log --
    from django.test import override_settings
    from django.utils import timezone

    from openipt.api import webhook_actions
    from openipt.core.events import EventType
    from tests.support.people import actor

    with override_settings(WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"]):
        hook, _secret = webhook_actions.create(actor(world.m["admin"]), name="Records", url="http://127.0.0.1:9/in",
                                               events=["course.ended"])
    webhook_actions.record_event(EventType.COURSE_ENDED, world.org.pk, timezone.now(), {"course_id": 1})
    delivery = hook.deliveries.get()
    hooks = {"api:webhook": {"webhook_id": hook.pk}, "api:webhook_change": {"webhook_id": hook.pk},
             "api:webhook_resend": {"webhook_id": hook.pk, "delivery_id": delivery.pk},
             **{f"api_v1:{name}": {"webhook_id": 1, "delivery_id": 1} for name in (
                 "webhook", "webhook_delete", "webhook_rotate", "webhook_deliveries", "webhook_delivery_retry")},
             "api_v1:changes": {"resource": "clients"}}
    # --- end webhooks and the changes feed -------------------------------------------------------------------
    # Every endpoint refuses a session before it looks at the ids, so any well-formed ids do.
    return {**hooks, "what": "rotate", "api_v1:administration": {"administration_id": "00000000-0000-4000-8000-000000000001"},
            "api_v1:alert": {"alert_id": 1}, "api_v1:alert_acknowledge": {"alert_id": 1},
            "api_v1:course": {"course_id": 1}, "api_v1:course_sessions": {"course_id": 1},
            "api_v1:course_goals": {"course_id": 1}, "api_v1:group": {"group_id": 1}, "api:client_change": {"token_id": client_token.pk},
            "api:token_change": {"token_id": own_token.pk},
            # FHIR: any well-formed type and id (every call without a token is refused before the id is read).
            "fhir:search": {"resource_type": "Patient"}, "fhir:read": {"resource_type": "Patient", "resource_id": "1"},
            # FHIR bulk export: any well-formed export id (refused before it is looked up).
            "fhir:bulk_group_kickoff": {"group_id": "1"},
            "fhir:bulk_status": {"export_id": "00000000-0000-4000-8000-000000000001"},
            "fhir:bulk_file": {"export_id": "00000000-0000-4000-8000-000000000001", "number": "1"}}
