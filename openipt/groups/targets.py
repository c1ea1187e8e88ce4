"""Group sessions as targets of a fidelity rating (the supervision app's `register_target`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from openipt.groups.models import GroupSession
from openipt.supervision.api import Target

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def resolve(actor: Actor, target_id: int):
    """Return the Target for a group session the actor can see, or raise Http404."""
    from openipt.groups.access import visible_groups

    session = (GroupSession.objects.filter(pk=target_id, group__in=visible_groups(actor))
               .select_related("group").first())
    if session is None:
        raise Http404
    group = session.group
    when = formats.date_format(timezone.localtime(session.scheduled_start).date(), "j M Y")
    return Target(
        organisation_id=group.organisation_id, phase=session.phase, format_id="group",
        rated_membership_id=session.led_by_id or group.facilitator_id, session_at=session.scheduled_start,
        label=_("%(group)s, session %(n)d (%(date)s)") % {"group": group.name, "n": session.number, "date": when},
        url=reverse("groups:session", args=[group.pk, session.number]),
        held=session.held,  # a session that has not taken place has nothing to rate
    )
