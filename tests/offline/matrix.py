"""Permission-matrix rows for the offline app (see tests/test_permission_matrix.py).

The world's facilitator runs the group the groups rows prepare, so they may keep it on a tablet; their
tablet and one open conflict of it are made here. An admin may revoke the tablet and settle its conflict;
the world's supervisor does not supervise the facilitator, so, like other staff, gets 404 for them. The tablet's own endpoints take no session: without a
device signature every caller gets 401. The app shell, service worker and manifest hold no data: public.
"""


def prepare(world):
    from django.utils import timezone

    from openipt.offline import actions
    from openipt.offline.models import Conflict
    from tests.support.people import actor

    enrolled = actions.enrol(actor(world.m["facilitator"]), "Matrix tablet")
    device = enrolled.device
    now = timezone.now()
    conflict = Conflict.objects.create(device=device, organisation_id=device.organisation_id, key="matrix-conflict",
                                       kind="notes", yours={"data": {"text": "Tablet notes"}}, theirs={"text": "Server"},
                                       entered_at=now, received_at=now)
    # The secret is no URL keyword: the fuzz test signs its hostile sync bodies with it.
    return {"device": str(device.uuid), "conflict_id": conflict.pk, "offline_secret": enrolled.secret}


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    public = expect(200, anonymous=200)
    unsigned = expect(401, anonymous=401)
    oversee = expect(403, admin=200, supervisor=200, other_admin=200, client=403)
    owner_or_overseer = dict(anonymous=LOGIN, admin=302, supervisor=404, therapist=404, therapist2=404,
                             facilitator=302, client=403, other_admin=404, other_therapist=404)
    post_only = expect(405, client=403)
    return {
        "offline:home": {"GET": staff_only()},
        "offline:enrol": {"GET": post_only, "POST": expect(400, facilitator=201, client=403)},
        "offline:stale": {"GET": oversee},
        "offline:revoke": {"GET": post_only, "POST": owner_or_overseer},
        "offline:conflicts": {"GET": staff_only()},
        "offline:resolve": {"GET": post_only, "POST": owner_or_overseer},
        "offline:app": {"GET": public},
        "offline:snapshot": {"GET": unsigned, "POST": expect(405, anonymous=405)},
        "offline:sync": {"GET": expect(405, anonymous=405), "POST": unsigned},
        "service_worker": {"GET": public},
        "manifest": {"GET": public},
    }
