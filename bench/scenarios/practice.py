"""Between sessions: the client portal home, a worksheet (page and autosave), a practice conversation,
the weekly log, and the therapist's view of it all.

The client is one of the portal logins synth makes (`world.portal_memberships`, clients with an
active course). The worksheet and the conversation are made here through the real actions. The
autosave scenario posts a draft that changes on every request (with the version the server will
expect next), so each request is a real save, not a "nothing changed" answer or a conflict.
"""

from __future__ import annotations

from bench.harness import Scenario
from tests.support.people import actor


class _ChangingDraft(dict):
    """Form data for the autosave: new words and the next version each time the test client reads it."""

    def __init__(self, version: int):
        super().__init__(version=str(version))  # not empty, so the harness sends it
        self.version = version

    def items(self):
        self.version += 1
        text = f"You never listen to me. I feel alone. Could we talk tonight? ({self.version})"
        return [("version", str(self.version - 1)), ("editor", "bench"), ("title", "Friday"),
                ("what_i_said", text), ("could_say", "I feel lonely. Could we sit down after dinner?")]


def scenarios(world) -> list[Scenario]:
    from openipt.practice import rehearsal_actions, worksheet_actions

    logins = getattr(world, "portal_memberships", [])
    if not logins:
        return []
    member = logins[len(logins) // 2]
    me = actor(member)
    client = member.user.client_records.get(organisation=world.organisation)
    therapist = client.assignments.select_related("staff__user").first().staff
    sheet = worksheet_actions.start_worksheet(me, "communication_analysis")
    talk = rehearsal_actions.start_rehearsal(me, "housework", name="Dan", relationship="husband")
    for step, text in enumerate(["You never help me.", "I feel worn out. Could you wash up on weeknights?",
                                 "I know you work hard too. What would feel fair to you?"]):
        rehearsal_actions.send_message(me, talk.pk, text, expected_steps=step)
    return [
        Scenario("portal.home.client", member, "/me/"),
        Scenario("portal.log.client", member, "/me/log/"),
        Scenario("portal.worksheet.client", member, f"/me/worksheets/{sheet.pk}/"),
        Scenario("portal.worksheet-autosave.client", member, f"/me/worksheets/{sheet.pk}/autosave/", "POST",
                 _ChangingDraft(sheet.version)),
        Scenario("portal.rehearsal.client", member, f"/me/practise/{talk.pk}/"),
        Scenario("practice.between-sessions.therapist", therapist, f"/me/care/{client.pk}/"),
        Scenario("practice.log.therapist", therapist, f"/me/care/{client.pk}/log/"),
    ]
