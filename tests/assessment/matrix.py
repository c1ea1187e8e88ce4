"""Permission-matrix rows for the assessment pages (see tests/test_permission_matrix.py).

Staff pages concern the client assigned to `therapist` (supervised by `supervisor`): the therapist
may change the assessment; the supervisor and the admin may only look (403 on pages that change);
staff who cannot see the client, and everyone in the other organisation, get 404; clients 403.
Portal pages ("mine/...") are the signed-in client's own: staff get 403, the client 200.
"""


def prepare(world):
    from django.utils import timezone

    from openipt.assessment import actions, formulation_actions, timeline_actions
    from openipt.courses import actions as course_actions
    from openipt.courses.models import Course
    from tests.support.people import actor

    therapist = actor(world.m["therapist"])
    today = timezone.localdate()
    mine = world.clients["mine"]
    course = Course.objects.filter(client=mine).first() or course_actions.start_course(
        therapist, mine.pk, format_id="individual", start_date=today)
    person = actions.add_person(therapist, mine.pk, {"name": "Sue", "relationship": "sister", "ring": "middle"})
    event = timeline_actions.add_event(therapist, mine.pk, {"year": today.year - 1, "kind": "other", "description": "A move"})
    formulation_actions.save_version(therapist, course.pk, text="A first draft.", expected_version=0)
    own = world.clients["self"]
    own_course = course_actions.start_course(therapist, own.pk, format_id="individual", start_date=today)
    formulation_actions.choose_area(therapist, own_course.pk, area="grief", stage="", rationale="Her father died in March.")
    version, _created = formulation_actions.save_version(therapist, own_course.pk, text="Your low mood began after your father died.",
                                                        expected_version=0)
    formulation_actions.share_latest(therapist, own_course.pk)
    entry = actions.add_person(therapist, own.pk, {"name": "Dad", "relationship": "father", "ring": "inner"})
    return {"person_id": person.pk, "event_id": event.pk, "course_id": course.pk, "version_id": version.pk,
            "entry_id": entry.pk}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    view = client_record()
    change = client_record(supervisor=403, admin=403)
    post_only = expect(405, client=403)
    redirect_change = client_record(302, supervisor=403, admin=403)
    portal = expect(403, client=200)
    return {
        "assessment:inventory": {"GET": view},
        "assessment:add_person": {"GET": change, "POST": change},
        "assessment:seen": {"GET": post_only, "POST": redirect_change},
        "assessment:snapshots": {"GET": view, "POST": change},
        "assessment:compare": {"GET": client_record(302)},
        "assessment:timeline": {"GET": view},
        "assessment:add_event": {"GET": change, "POST": change},
        "assessment:intake": {"GET": view, "POST": redirect_change},
        "assessment:edit_person": {"GET": change, "POST": change},
        "assessment:move_person": {"GET": post_only, "POST": redirect_change},
        "assessment:remove_person": {"GET": post_only, "POST": redirect_change},
        "assessment:person_history": {"GET": view, "POST": redirect_change},
        "assessment:edit_event": {"GET": change, "POST": change},
        "assessment:remove_event": {"GET": post_only, "POST": redirect_change},
        "assessment:suggest": {"GET": view, "POST": change},
        "assessment:formulation": {"GET": view, "POST": change},
        "assessment:generate": {"GET": post_only, "POST": redirect_change},
        "assessment:autosave": {"GET": post_only, "POST": change},
        "assessment:agree": {"GET": post_only, "POST": change},
        "assessment:print": {"GET": view},
        "assessment:goals": {"GET": post_only, "POST": redirect_change},
        "assessment:portal_inventory": {"GET": portal},
        "assessment:portal_add": {"GET": portal, "POST": portal},
        "assessment:portal_edit": {"GET": portal, "POST": portal},
        "assessment:portal_formulation": {"GET": portal},
        "assessment:portal_agree": {"GET": expect(403, client=405), "POST": expect(403, client=302)},
        "assessment:portal_print": {"GET": portal},
    }
