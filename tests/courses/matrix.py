"""Permission-matrix rows for the course pages (see tests/test_permission_matrix.py).

The course belongs to the client assigned to `therapist` (supervised by `supervisor`). The
therapist may change it; the supervisor and the admin may only look (403 on pages that change);
staff who cannot see the client, and everyone in the other organisation, get 404; clients 403.
"""


def prepare(world):
    from datetime import datetime, time

    from django.utils import timezone

    from openipt.courses import actions, goal_actions
    from tests.support.people import actor

    when = timezone.make_aware(datetime.combine(timezone.localdate(), time(12, 0)))
    course = actions.start_course(actor(world.m["therapist"]), world.clients["mine"].pk, format_id="individual",
                                  start_date=timezone.localdate(), first_session=when)
    goal = goal_actions.add_goal(actor(world.m["therapist"]), course.pk, text="Call my sister every week")
    return {"course_id": course.pk, "session_number": 1, "goal_id": goal.pk}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    change_page = client_record(supervisor=403, admin=403)
    post_only = expect(405, client=403)
    return {
        "courses:list": {"GET": staff_only()},
        "courses:start": {"GET": change_page, "POST": change_page},
        "courses:overview": {"GET": client_record()},
        "courses:contract": {"GET": change_page, "POST": change_page},
        "courses:renegotiate": {"GET": change_page, "POST": change_page},
        "courses:focus": {"GET": change_page, "POST": change_page},
        "courses:agree": {"GET": post_only, "POST": client_record(302, supervisor=403, admin=403)},
        "courses:screening": {"GET": client_record(), "POST": change_page},
        "courses:transition": {"GET": client_record(302, supervisor=403, admin=403)},
        "courses:ending": {"GET": change_page, "POST": change_page},
        "courses:goals": {"GET": change_page, "POST": change_page},
        "courses:goal_edit": {"GET": change_page, "POST": change_page},
        "courses:add_session": {"GET": change_page, "POST": change_page},
        "courses:session": {"GET": client_record()},
        "courses:reschedule": {"GET": change_page, "POST": change_page},
        "courses:attendance": {"GET": post_only, "POST": client_record(302, supervisor=403, admin=403)},
        "courses:steps": {"GET": post_only, "POST": client_record(302, supervisor=403, admin=403)},
        "courses:note": {"GET": post_only, "POST": change_page},
        "courses:autosave": {"GET": post_only, "POST": change_page},
        "courses:addendum": {"GET": post_only, "POST": change_page},
        "courses:ratings": {"GET": post_only, "POST": client_record(302, supervisor=403, admin=403)},
        "courses:review": {"GET": change_page, "POST": change_page},
        "courses:outreach": {"GET": post_only, "POST": client_record(302, supervisor=403, admin=403)},
        "courses:end_early": {"GET": change_page, "POST": change_page},
        "courses:letter": {"GET": change_page, "POST": change_page},
        "courses:letter_print": {"GET": client_record(302, supervisor=403, admin=403)},
        "courses:booster": {"GET": change_page, "POST": change_page},
        "courses:calendar": {"GET": staff_only()},
        "courses:token_create": {"GET": post_only, "POST": expect(302, client=403)},
        "courses:token_revoke": {"GET": post_only, "POST": expect(302, client=403)},
        "courses:feed": {"GET": expect(404, anonymous=404), "POST": expect(405, anonymous=405)},
    }
