"""Permission-matrix rows for the consent pages (see tests/test_permission_matrix.py).

The portal pages are the client's own; a client's consent page is for staff who may see the record
(the care team, their supervisor, an admin); recording a paper form or a spoken withdrawal is for
those who may change the record (not the supervisor); the versions of the form and the setting are
the admin's. A version of the form belongs to one organisation: another organisation's staff get 404.
"""


def prepare(world):
    from openipt.consent import actions
    from tests.support.consent import record_paper
    from tests.support.people import actor

    document = actions.publish(
        actor(world.m["admin"]),
        title="Our form",
        body="What you agree to, in our words. " * 3,
        expected_number=1,
    )
    record_paper(world, world.clients["mine"])  # so the page to record a spoken withdrawal shows its form
    return {"document_id": document.pk}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    client_only = expect(403, client=200)
    recorder = client_record(supervisor=403)
    return {
        "consent:mine": {"GET": client_only, "POST": client_only},
        "consent:withdraw": {"GET": client_only, "POST": client_only},
        "consent:client": {"GET": client_record()},
        "consent:paper": {"GET": recorder, "POST": recorder},
        "consent:tell_withdrawal": {"GET": recorder, "POST": recorder},
        "consent:document": {"GET": staff_only(other_admin=404, other_therapist=404)},
        "consent:settings": {"GET": admin_only(), "POST": admin_only()},
        "consent:publish": {"GET": admin_only(), "POST": admin_only()},
    }
