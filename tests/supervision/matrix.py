"""Permission-matrix rows for the supervision pages (see tests/test_permission_matrix.py).

The rated session belongs to the course of `therapist`, supervised by `supervisor`. Supervisors
and admins see the dashboard and sign-offs (others 403); the rating form is for the therapist's
supervisor and admins (the therapist who led the session: 403; staff who cannot see the session,
and the other organisation: 404). A rating is readable by the rated therapist, their supervisor
and admins; clients never see any of it.
"""


def prepare(world):
    from datetime import datetime, time

    from django.utils import timezone

    from openipt.courses import actions, session_actions
    from openipt.supervision import actions as sup
    from tests.support.people import actor, make_client

    # A client of our own (assigned to `therapist`, supervised by `supervisor`), so the other apps' rows keep
    # their courses as they made them; session 1 is early today and attended, so it can be rated.
    when = timezone.make_aware(datetime.combine(timezone.localdate(), time(0, 1)))
    mine = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name="Rated", family_name="Session")
    course = actions.start_course(actor(world.m["therapist"]), mine.pk, format_id="individual",
                                  start_date=timezone.localdate(), first_session=when)
    session = course.sessions.get(number=1)
    session_actions.record_attendance(actor(world.m["therapist"]), course.pk, 1, "attended")
    answers = {"symptoms_reviewed": "yes", "sick_role_given": "yes", "inventory_done": "partly",
               "area_and_goals": "yes", "contract_agreed": "yes", "time_limit_initial": "yes", "stance_initial": "yes",
               "stayed_ipt_initial": "yes"}
    rating = sup.rate(actor(world.m["supervisor"]), "session", session.pk, answers=answers, comment="Good start.")
    from tests.support.competency import assess

    assess(world.m["admin"], world.m["facilitator"])
    signoff = sup.sign_off(actor(world.m["admin"]), world.m["facilitator"].pk, competency="group_lead")
    return {"kind": "session", "target_id": session.pk, "rating_id": rating.pk, "signoff_id": signoff.pk}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    overseer = expect(403, admin=200, supervisor=200, other_admin=200)
    rating_page = client_record(therapist=200)
    post_only = expect(405, client=403)
    return {
        "supervision:dashboard": {"GET": overseer},
        "supervision:mine": {"GET": staff_only()},
        "supervision:rate": {"GET": client_record(therapist=403), "POST": client_record(therapist=403)},
        "supervision:rating": {"GET": rating_page},
        "supervision:reply": {"GET": post_only, "POST": client_record(302, therapist=302, admin=403, supervisor=403)},
        "supervision:signoffs": {"GET": overseer, "POST": overseer},
        "supervision:withdraw": {"GET": post_only, "POST": expect(403, admin=302, supervisor=404, other_admin=404)},
    }
