"""Permission-matrix rows for the group pages (see tests/test_permission_matrix.py).

The group is led by `facilitator` and supervised by `supervisor`; its one member is the client
assigned to the facilitator. The facilitator runs the sessions; the supervisor and the admin may
look (403 on pages that change a session); the supervisor alone replies to reports; staff who are
not on the group, and everyone in the other organisation, get 404; clients 403.
"""


def prepare(world):
    from tests.support.groups import group, invite, programme

    prog = programme(world)
    grp = group(world, prog, weeks_ago=1)
    meeting = invite(world, grp, world.clients["group"])
    member = grp.members.get()
    # HAZ-041: another facilitator leads a group alone and their sign-off is withdrawn, so the group is held
    # (another person, so the sign-offs other apps' rows make for `facilitator` change nothing here)
    from openipt.accounts.models import Role
    from openipt.groups.models import SoloLeadHold
    from openipt.supervision import actions as sup
    from tests.support.competency import assess
    from tests.support.people import actor, make_member

    lone = make_member(world.org, Role.FACILITATOR)
    alone = group(world, prog, name="Led alone", facilitator_id=lone.pk)
    assess(world.m["admin"], lone)
    signoff = sup.sign_off(actor(world.m["admin"]), lone.pk, competency="group_lead")
    sup.withdraw_sign_off(actor(world.m["admin"]), signoff.pk, reason="Matrix")
    hold = SoloLeadHold.objects.get(group=alone)
    # someone signed off to lead a group, so the hold page offers them as co-facilitator (groups:hold_co_leader)
    ready = make_member(world.org, Role.FACILITATOR)
    assess(world.m["admin"], ready)
    sup.sign_off(actor(world.m["admin"]), ready.pk, competency="group_lead")
    # "kind" is also a keyword of supervision:rate, so the meeting page's value is given for its URL name too
    # (used once tests/test_permission_matrix.py reads per-URL values; see the groups report).
    return {"group_id": grp.pk, "programme_id": prog.pk, "meeting_id": meeting.pk, "member_id": member.pk,
            "number": 1, "kind": "pre_group",
            "groups:hold": {"group_id": alone.pk, "hold_id": hold.pk},
            "groups:hold_co_leader": {"group_id": alone.pk, "hold_id": hold.pk},
            "groups:meeting_new": {"kind": "pre_group"}}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    def group_page(ok=200, **overrides):
        base = dict(anonymous=LOGIN, admin=ok, supervisor=ok, therapist=404, therapist2=404, facilitator=ok, client=403,
                    other_admin=404, other_therapist=404)
        base.update(overrides)
        return base

    run_page = group_page(admin=403, supervisor=403)
    post_only = expect(405, client=403)
    return {
        "groups:list": {"GET": staff_only()},
        "groups:new": {"GET": admin_only(), "POST": admin_only()},
        "groups:programmes": {"GET": admin_only(), "POST": admin_only()},
        "groups:programme_edit": {"GET": admin_only(other_admin=404), "POST": admin_only(other_admin=404)},
        "groups:oversight": {"GET": expect(403, admin=200, supervisor=200, other_admin=200)},
        "groups:detail": {"GET": group_page()},
        "groups:status": {"GET": post_only, "POST": group_page(302, supervisor=403)},
        "groups:leave": {"GET": post_only, "POST": group_page(302, supervisor=403)},
        "groups:edit": {"GET": admin_only(other_admin=404), "POST": admin_only(other_admin=404)},
        # a group led alone after a withdrawn sign-off (HAZ-041): its supervisors and the admins decide
        "groups:hold": {"GET": group_page(facilitator=404), "POST": group_page(facilitator=404)},
        # adding a signed-off co-facilitator from the hold: the same people (an empty form is shown again with why)
        "groups:hold_co_leader": {"GET": post_only, "POST": group_page(facilitator=404)},
        "groups:session_move": {"GET": group_page(supervisor=403), "POST": group_page(supervisor=403)},
        "groups:meeting_new": {"GET": run_page, "POST": run_page},
        "groups:meeting": {"GET": group_page()},
        "groups:join": {"GET": post_only, "POST": group_page(302, supervisor=403)},
        "groups:session": {"GET": group_page(), "POST": group_page(302, admin=403, supervisor=403)},
        "groups:sync": {"GET": post_only, "POST": group_page(400, admin=403, supervisor=403)},
        "groups:guide_pdf": {"GET": group_page()},
        "groups:sheet_pdf": {"GET": group_page()},
        "groups:report": {"GET": group_page(), "POST": group_page(admin=403, supervisor=403)},
        "groups:reply": {"GET": post_only, "POST": group_page(400, admin=403, facilitator=403)},
    }
