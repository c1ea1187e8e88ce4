"""Permission-matrix rows for the couples pages (see tests/test_permission_matrix.py).

The couples course belongs to the portal client 'self' (Sam, partner one, assigned to `therapist`,
supervised by `supervisor`); partner two is a new client assigned to `therapist`. A second couples
course for 'mine' has no partner yet (the link page). Staff pages: the therapist and those who may
look (supervisor, admin) see them, linking is for the therapist; the portal pages are for clients
in a couple; a partner's entry is reachable only by its author or, when shared, the partner.
"""


def prepare(world):
    from django.utils import timezone

    from openipt.couples import actions
    from openipt.courses import actions as course_actions
    from tests.support.people import actor, make_client

    today = timezone.localdate()
    two = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Lee", family_name="Partner")
    course = course_actions.start_course(actor(world.m["therapist"]), world.clients["self"].pk, format_id="couples",
                                         start_date=today)
    couple = actions.link_partner(actor(world.m["therapist"]), course.pk, record_number=two.record_number)
    view = actions.save_view(actor(world.m["client"]), {"change": "Walk together", "change_shared": "on"},
                             expected_version=1)
    entry = view.entries.get()
    unlinked = course_actions.start_course(actor(world.m["therapist"]), world.clients["mine"].pk, format_id="couples",
                                           start_date=today)
    # entry_id is also the assessment app's keyword: give the couples value to the couples URL only
    return {"course_id_couples": unlinked.pk, "couple_id": couple.pk, "couples:entry": {"entry_id": entry.pk},
            "couples:partner_screen": {"client_id": world.clients["self"].pk}}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    client_only = expect(403, client=200)
    return {
        "couples:link": {"GET": client_record(supervisor=403, admin=403),
                         "POST": client_record(supervisor=403, admin=403)},
        "couples:session": {"GET": client_record()},
        "couples:mine": {"GET": client_only, "POST": client_only},
        "couples:autosave": {"GET": expect(403, client=405), "POST": client_only},
        "couples:entry": {"GET": client_only},
        "couples:screens": {"GET": client_record()},
        "couples:partner_screen": {"GET": client_record(), "POST": client_record(supervisor=403, admin=403)},
        "couples:my_screen": {"GET": client_only, "POST": client_only},
    }
