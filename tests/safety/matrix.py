"""Permission-matrix rows for the safety pages (see tests/test_permission_matrix.py).

The alert is about the client assigned to `therapist` (supervised by `supervisor`): they and the
admin may see and act on it; staff who cannot see the client, and the other organisation, get
404; a client never sees a staff alert page (403). Clients have their own help and safety-plan
pages, which staff cannot open (403). The settings pages are for admins only.
"""


def prepare(world):
    from openipt.safety import api, settings_actions
    from tests.support.people import actor

    # A medium alert: a high one would pause the rehearsal partner the practice rows start for this client.
    [alert] = api.raise_for_text(client=world.clients["mine"], text="I felt hopeless this week and could not see the point "
                                 "of anything.", source="practice.log")
    rule = settings_actions.add_rule(actor(world.m["admin"]), {
        "instrument": "epds", "item": "q10", "operator": ">=", "threshold": 1, "severity": "high", "policy": "standard",
        "reason": "EPDS item 10 (thoughts of harming oneself) answered above never.",
    })
    contact = settings_actions.add_contact(actor(world.m["admin"]), {"language": "en", "name": "Crisis line", "phone": "0800 000 111",
                                                                   "order": 1, "is_active": True})
    return {"alert_id": alert.pk, "rule_pk": rule.pk, "rule_key": "phq9_item9_positive", "contact_id": contact.pk}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    post_only_staff = expect(405, client=403)
    client_only = expect(403, client=200)
    return {
        "safety:alerts": {"GET": staff_only()},
        "safety:alert": {"GET": client_record()},
        "safety:acknowledge": {"GET": post_only_staff, "POST": client_record(302)},
        "safety:resolve": {"GET": post_only_staff, "POST": client_record(200)},
        "safety:reopen_automation": {"GET": client_record(admin=403), "POST": client_record(200, admin=403)},
        "safety:plan": {"GET": client_record(), "POST": client_record(200, admin=403, supervisor=403)},
        "safety:plan_print": {"GET": client_record()},
        "safety:plan_review": {"GET": post_only_staff, "POST": client_record(302, admin=403, supervisor=403)},
        "safety:help": {"GET": client_only},
        "safety:support": {"GET": client_only},
        "safety:hide_crisis": {"GET": expect(403, client=405), "POST": expect(403, client=302)},
        "safety:my_plan": {"GET": client_only, "POST": client_only},
        "safety:my_plan_print": {"GET": client_only},
        "safety:settings": {"GET": admin_only()},
        "safety:rule_new": {"GET": admin_only(), "POST": admin_only()},
        "safety:rule_edit": {"GET": admin_only(other_admin=404), "POST": admin_only(other_admin=404)},
        "safety:rule_switch": {"GET": admin_only(), "POST": admin_only()},
        "safety:timing": {"GET": admin_only(), "POST": admin_only()},
        "safety:safeguarding_lead": {"GET": admin_only(), "POST": admin_only()},
        "safety:contact_new": {"GET": admin_only(), "POST": admin_only()},
        "safety:contact_edit": {"GET": admin_only(other_admin=404), "POST": admin_only(other_admin=404)},
    }
