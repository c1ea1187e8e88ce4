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

    from openipt.core.testing import actor
    from openipt.courses import actions, session_actions
    from openipt.supervision import actions as sup

    when = timezone.make_aware(datetime.combine(timezone.localdate(), time(12, 0)))
    from openipt.courses.models import Course

    # Other apps' rows may already have started the individual course of 'mine'.
    course = Course.objects.filter(client=world.clients["mine"], format_id="individual").first() or actions.start_course(
        actor(world.m["therapist"]), world.clients["mine"].pk, format_id="individual", start_date=timezone.localdate(),
        first_session=when)
    session = course.sessions.order_by("number").first() or session_actions.add_session(
        actor(world.m["therapist"]), course.pk, when=when, duration=50, mode="in_person")
    answers = {"symptoms_reviewed": "yes", "sick_role_given": "yes", "inventory_done": "partly",
               "area_and_goals": "yes", "contract_agreed": "yes"}
    rating = sup.rate(actor(world.m["supervisor"]), "session", session.pk, answers=answers, comment="Good start.")
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
