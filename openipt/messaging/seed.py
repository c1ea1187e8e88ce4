"""Demo messages: the portal client (Amara Haddad) and her therapist have written to each other.

Made through the real actions, and only once (running the demo again changes nothing). The last
message, from Amara, is left unread, so the therapist's inbox and Today show it.
"""

from __future__ import annotations

from openipt.accounts.actor import Actor
from openipt.accounts.models import Membership


def add_demo_messages(world) -> None:
    from openipt.messaging import access, actions
    from openipt.messaging.models import Message

    client = world.clients.get("Amara Haddad")
    member = world.members.get("client")
    if client is None or member is None or client.user_id != member.user_id:
        return
    if Message.objects.filter(client=client).exists():
        return  # already made
    me = Actor(Membership.objects.get(pk=member.pk))
    therapist = world.actor("therapist")
    if not access.can_send(therapist, client):
        return
    actions.send_from_client(
        me, "Hi Sam, I might be ten minutes late on Thursday because of a work meeting. Is that all right?"
    )
    actions.open_thread(therapist, client)
    actions.reply(
        therapist,
        client.pk,
        "Thanks for letting me know, Amara. That is fine. We will still have "
        "most of the hour, and we can start with how the week went.",
    )
    actions.open_thread(me, client)
    actions.send_from_client(me, "Thank you. I also wrote about the call with Leila in my log.")


DEMO_STEPS = (add_demo_messages,)
