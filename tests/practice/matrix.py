"""Permission-matrix rows for the between-session pages of the portal and the staff pages about between-session work
(see tests/test_permission_matrix.py).

Portal pages are for clients only: staff get 403 and each client reaches only their own things
(the objects here belong to the `client` login's record, "self"). Staff pages are about the client
assigned to `therapist` ("mine", given a portal login here so it has work to look at): the
therapist guides; the supervisor and the admin may read (403 on changes); staff who cannot see the
client, and the other organisation, get 404; clients 403. The language-model settings are for admins.
"""


def prepare(world):
    from datetime import timedelta

    from django.utils import timezone

    from openipt.accounts.models import Role
    from openipt.clients.actions import link_portal_user
    from openipt.practice import actions, rehearsal_actions, reminder_actions, worksheet_actions
    from openipt.practice.models import Reminder
    from tests.support.people import actor, make_member

    therapist = actor(world.m["therapist"])
    me = actor(world.m["client"])
    own = world.clients["self"]
    reading = actions.assign_reading(therapist, own.pk, "sick_role")
    entry = actions.add_log_entry(me, {"occurred_on": timezone.localdate(), "who": "My sister",
                                       "what_happened": "We argued about the phone bill.", "feeling": "", "mood": 4})
    sheet = worksheet_actions.start_worksheet(me, "communication_analysis")
    rehearsal = rehearsal_actions.start_rehearsal(me, "housework")
    reminder_actions.make_due_reminders(timezone.now() + timedelta(days=2))
    reminder = Reminder.objects.filter(client=own).first()

    mine = world.clients["mine"]
    mine_login = make_member(world.org, Role.CLIENT)
    link_portal_user(mine, mine_login.user)
    mine_actor = actor(mine_login)
    their_reading = actions.assign_reading(therapist, mine.pk, "mood_relationships")
    question = actions.ask_question(mine_actor, their_reading.pk, "What if my family does not understand?")
    their_sheet = worksheet_actions.assign_worksheet(therapist, mine.pk, "decision_analysis")
    conversation = rehearsal_actions.start_rehearsal(mine_actor, "saying_no_friend")
    return {
        "reading_id": reading.pk, "log_entry_id": entry.pk, "worksheet_id": sheet.pk, "rehearsal_id": rehearsal.pk,
        "reminder_id": reminder.pk, "reading_question_id": question.pk, "sheet_id": their_sheet.pk,
        "conversation_id": conversation.pk,
    }


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    portal = expect(403, client=200)
    client_post = {"GET": expect(403, client=405), "POST": expect(403, client=302)}
    staff_post_only = expect(405, client=403)
    guide = client_record(200, admin=403, supervisor=403)
    return {
        "practice:reminders": {"GET": portal, "POST": portal},
        "practice:dismiss_reminder": client_post,
        "practice:reading_list": {"GET": portal},
        "practice:reading": {"GET": portal, "POST": portal},
        "practice:mark_read": client_post,
        "practice:log": {"GET": portal, "POST": portal},
        "practice:log_edit": {"GET": portal, "POST": portal},
        "practice:worksheets": {"GET": portal, "POST": portal},
        "practice:worksheet": {"GET": portal, "POST": portal},
        "practice:worksheet_autosave": {"GET": expect(403, client=405), "POST": portal},
        "practice:rehearsals": {"GET": portal, "POST": portal},
        "practice:rehearsal": {"GET": portal, "POST": portal},
        "practice:rehearsal_restart": client_post,
        "practice:rehearsal_switch": client_post,
        "practice:care": {"GET": client_record()},
        "practice:care_reading": {"GET": staff_post_only, "POST": guide},
        "practice:care_answer": {"GET": staff_post_only, "POST": guide},
        "practice:care_log": {"GET": client_record()},
        "practice:care_assign_worksheet": {"GET": staff_post_only, "POST": guide},
        "practice:care_worksheet": {"GET": client_record(), "POST": guide},
        "practice:care_rehearsal": {"GET": client_record(), "POST": guide},
        "practice:care_rehearsal_access": {"GET": staff_post_only, "POST": guide},
        "practice:partner_settings": {"GET": admin_only(), "POST": admin_only()},
    }
