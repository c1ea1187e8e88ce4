"""Permission-matrix rows for the SMS pages and the gateway's callbacks (see tests/test_permission_matrix.py).

A client's SMS choices are for staff who may see the record; changing them (or ending them) is for those who
may change it (not the supervisor). The SMS page is open to staff, each seeing the rows of the clients they may
see; marking a reply dealt with needs the reply to be one of those. The settings are the admin's. The gateway's
callback addresses take no sign-in: the secret address is the key, so every role and an anonymous visitor get
the same answer (a wrong address is 404, tests/sms/test_pages.py).
"""


def prepare(world):
    from openipt.sms import actions, inbound_actions
    from tests.support.people import actor
    from tests.support.sms import PHONES, consent

    row = actions.save_settings(actor(world.m["admin"]), backend="console", username="", api_key="", sender="",
                                sandbox=True, daily_limit=50, send_hour=17)
    consent(world, world.clients["mine"], PHONES[3])
    reply = inbound_actions.receive(row, {"from": PHONES[3], "text": "what numbers?"}, b"")
    return {"reply_id": reply.pk, "sms:inbound": {"token": row.inbound_token},
            "sms:delivery": {"token": row.inbound_token}}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    post_only = expect(405, client=403)
    callback = {"GET": expect(405, anonymous=405), "POST": expect(200, anonymous=200)}
    return {
        "sms:outbox": {"GET": staff_only()},
        "sms:settings": {"GET": admin_only(), "POST": admin_only()},
        "sms:consent": {"GET": client_record(), "POST": client_record(supervisor=403)},
        "sms:card": {"GET": client_record()},
        "sms:end": {"GET": post_only, "POST": client_record(302, supervisor=403)},
        "sms:handled": {"GET": post_only, "POST": client_record(302)},
        "sms:inbound": callback,
        "sms:delivery": callback,
    }
