"""Permission-matrix rows for secure messages (see tests/test_permission_matrix.py).

The client's Messages page is for clients only (staff get 403). The inbox is for care staff
(therapists, facilitators, supervisors); admins do not read clients' messages (403). A thread is
about the client assigned to `therapist` ("mine"): the therapist reads and replies; the supervisor
reads but may not reply (403 on a post); staff who cannot see the client, and the other
organisation's therapist, get 404; admins and clients 403. The reply-time setting is for admins.
"""


def prepare(world):
    from openipt.messaging import actions
    from tests.support.people import actor

    actions.send_from_client(actor(world.m["client"]), "Can we meet on Thursday afternoon instead?")
    actions.reply(
        actor(world.m["therapist"]), world.clients["mine"].pk, "A reminder: we meet on Monday at 10."
    )
    return {}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    own_page = expect(403, client=200)
    care_staff = staff_only(admin=403, other_admin=403)
    thread = client_record(200, admin=403, other_admin=403)
    return {
        "messaging:mine": {"GET": own_page, "POST": own_page},
        "messaging:inbox": {"GET": care_staff},
        "messaging:thread": {
            "GET": thread,
            "POST": client_record(200, admin=403, other_admin=403, supervisor=403),
        },
        "messaging:settings": {"GET": admin_only(), "POST": admin_only()},
    }
