"""Permission-matrix rows for the measures pages (see tests/test_permission_matrix.py).

The course (made by the courses rows) belongs to the client assigned to `therapist`, who may give
questionnaires, enter paper forms, change the schedule, make links and e-mail them; the supervisor and the admin
may look (403 on pages that change); other staff and the other organisation get 404; clients 403.
Organisation exports, the import, the settings and the questionnaire translations are for admins. The portal pages are for the
signed-in client (their own questionnaire is due); the one-time link pages work for anyone holding
the link, signed in or not.
"""


def prepare(world):
    from datetime import timedelta

    from django.utils import timezone

    from openipt.courses import session_actions
    from openipt.courses.models import Course
    from openipt.measures import actions, due, link_actions
    from openipt.measures.models import Schedule
    from tests.support.measures import phq9, start_course
    from tests.support.people import actor

    course = Course.objects.get(client=world.clients["mine"])
    actions.ensure_default_schedule(course)
    entered = actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9", session_number=1,
                                  completed_on=timezone.localdate(), answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=1))
    link, token = link_actions.create_link(actor(world.m["therapist"]), course.pk)
    own = Course.objects.filter(client=world.clients["self"]).first()  # the assessment rows may have started one
    if own is None:
        own = start_course(world, "self")
    if not own.sessions.exists():
        session_actions.add_session(actor(world.m["therapist"]), own.pk, when=timezone.now() + timedelta(days=1),
                                    duration=50, mode="in_person")
    actions.ensure_default_schedule(own)
    gad = actions.submit_portal(actor(world.m["client"]), due.key_for(own.pk, "gad7", session=1),
                                {f"q{i}": 1 for i in range(1, 8)})
    from pathlib import Path

    from openipt.measures import version_actions
    fixture = Path(__file__).parent / "fixtures" / "gad7_xx_test_version.yaml"
    version = version_actions.install(actor(world.m["admin"]), fixture.read_text(encoding="utf-8"), fixture.name)
    return {
        "translation_id": version.pk,
        "schedule_id": Schedule.objects.filter(course=course).first().pk,
        "link_id": link.pk,
        "administration": entered.uuid,
        "answers": gad.administration.uuid,
        "key": due.key_for(own.pk, "phq9", session=1),
        "link_token": token,
        "item": link.due_keys[0],
        "resource_type": "Patient",
    }


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    change_page = client_record(supervisor=403, admin=403)
    change_post = client_record(302, supervisor=403, admin=403)
    post_only = expect(405, client=403)
    anyone = expect(200, anonymous=200)
    return {
        "measures:due": {"GET": staff_only()},
        "measures:course": {"GET": client_record()},
        "measures:schedule": {"GET": change_page, "POST": change_page},
        "measures:schedule_default": {"GET": post_only, "POST": change_post},
        "measures:schedule_remove": {"GET": post_only, "POST": change_post},
        "measures:enter": {"GET": change_page, "POST": change_page},
        "measures:link_create": {"GET": post_only, "POST": change_post},
        "measures:link_revoke": {"GET": post_only, "POST": change_post},
        "measures:link_send": {"GET": post_only, "POST": change_post},
        "measures:report": {"GET": client_record()},
        "measures:report_client": {"GET": client_record()},
        "measures:administration": {"GET": client_record()},
        "measures:client_bundle": {"GET": client_record(), "POST": client_record(302)},
        "measures:export": {"GET": admin_only()},
        "measures:export_ndjson": {"GET": admin_only(), "POST": admin_only(302)},
        "measures:export_csv": {"GET": admin_only(), "POST": admin_only(302)},
        "measures:export_dictionary": {"GET": admin_only()},
        "measures:import": {"GET": admin_only(), "POST": admin_only()},
        "measures:settings": {"GET": admin_only(), "POST": admin_only()},
        "measures:versions": {"GET": admin_only(), "POST": admin_only()},
        # the version is the organisation's: the other organisation's admin finds nothing to remove
        "measures:version_remove": {"GET": admin_only(405), "POST": admin_only(302, other_admin=404)},
        "measures:fill": {"GET": expect(403, client=200), "POST": expect(403, client=200)},
        "measures:fill_save": {"GET": expect(403, client=405), "POST": expect(403, client=200)},
        "measures:result": {"GET": expect(403, client=200)},
        "measures:link": {"GET": anyone},
        "measures:link_fill": {"GET": anyone, "POST": anyone},
        "measures:link_save": {"GET": expect(405, anonymous=405), "POST": anyone},
    }
