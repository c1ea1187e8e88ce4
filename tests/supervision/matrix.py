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
    # Competency: an assessment of `therapist` with an item at level 1 (so a flag), and one that names `supervisor`
    # as second rater (blind to it until they rate).
    from openipt.supervision import competency_actions
    from openipt.supervision.models import CompetencyFlag
    from tests.support.competency import levels

    # `therapist` signed off to lead alone, then assessed with an item at level 1: the rule withdraws the sign-off.
    assess(world.m["admin"], world.m["therapist"])
    sup.sign_off(actor(world.m["admin"]), world.m["therapist"].pk, competency="group_lead")
    plain = assess(world.m["admin"], world.m["therapist"], 3, warmth=1)
    from openipt.supervision.models import SignOff

    withdrawn = SignOff.objects.get(membership=world.m["therapist"], withdrawn_by_rule=True)
    blind = competency_actions.assess(actor(world.m["admin"]), world.m["therapist"].pk, levels=levels(3),
                                      source="live", second_rater=world.m["supervisor"].pk)
    flag = CompetencyFlag.objects.get(assessment=plain)
    return {"kind": "session", "target_id": session.pk, "rating_id": rating.pk, "signoff_id": signoff.pk,
            "assessment_id": plain.pk, "flag_id": flag.pk,
            "supervision:competency_follow_up": {"signoff_id": withdrawn.pk},
            "supervision:competency_second": {"assessment_id": blind.pk}}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    overseer = expect(403, admin=200, supervisor=200, other_admin=200)
    rating_page = client_record(therapist=200)
    trainee = expect(403, admin=200, supervisor=200, other_admin=404)
    post_only = expect(405, client=403)
    return {
        "supervision:dashboard": {"GET": overseer},
        "supervision:mine": {"GET": staff_only()},
        "supervision:rate": {"GET": client_record(therapist=403), "POST": client_record(therapist=403)},
        "supervision:rating": {"GET": rating_page},
        "supervision:reply": {"GET": post_only, "POST": client_record(302, therapist=302, admin=403, supervisor=403)},
        "supervision:signoffs": {"GET": overseer, "POST": overseer},
        "supervision:withdraw": {"GET": post_only, "POST": expect(403, admin=302, supervisor=404, other_admin=404)},
        # Competency: `membership_id` is `therapist`, supervised by `supervisor`; the other admin finds nothing.
        "supervision:competency": {"GET": overseer},
        "supervision:competency_trainee": {"GET": trainee},
        "supervision:competency_assess": {"GET": trainee, "POST": trainee},  # an empty form comes back with errors
        "supervision:competency_assessment": {"GET": trainee},
        # Named second rater: `supervisor` gets the blind form; the first rater (admin) is sent to the assessment.
        "supervision:competency_second": {"GET": expect(403, admin=302, supervisor=200, other_admin=404),
                                          "POST": expect(403, admin=302, supervisor=200, other_admin=404)},
        "supervision:competency_flag": {"GET": post_only, "POST": expect(403, admin=302, supervisor=302,
                                                                         other_admin=404)},
        # A sign-off the rule withdrew, followed up by the therapist's supervisor or an admin.
        "supervision:competency_follow_up": {"GET": post_only, "POST": expect(403, admin=302, supervisor=302,
                                                                              other_admin=404)},
        # Each person's own assessments: no id in the address, so nobody reaches another's; clients never.
        "supervision:competency_mine": {"GET": staff_only(admin=403, other_admin=403)},
    }
