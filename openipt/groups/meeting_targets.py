"""Individual meetings of group IPT (before the group and half way through) as fidelity targets.

Kind "group_meeting": a pre-group meeting is rated against the "fidelity.pre_group" checklist and a
mid-group meeting against "fidelity.mid_group" (protocol content). The meeting is rated for the
person who held it. The groups app registers the kind, and the supervisor dashboard's panel of meetings
waiting for a rating, with the supervision app (see supervision_link.register).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from openipt.clients.access import visible_clients
from openipt.groups.access import visible_groups
from openipt.groups.models import Meeting
from openipt.supervision import access
from openipt.supervision.api import Target
from openipt.supervision.models import FidelityRating

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

KIND = "group_meeting"
CHECKLISTS = {"pre_group": ("fidelity.pre_group", "initial"), "mid_group": ("fidelity.mid_group", "middle")}


def meeting_target(actor: Actor, target_id: int):
    """Resolve a pre-group or mid-group meeting the actor can see, or raise Http404."""
    meeting = (Meeting.objects.filter(pk=target_id, group__in=visible_groups(actor), client__in=visible_clients(actor))
               .select_related("group", "client").first())
    if meeting is None or meeting.kind not in CHECKLISTS:
        raise Http404
    checklist_id, phase = CHECKLISTS[meeting.kind]
    words = _("meeting before the group") if meeting.kind == "pre_group" else _("meeting half way through")
    label = _("%(group)s, %(what)s with %(name)s (%(date)s)") % {
        "group": meeting.group.name, "what": words, "name": meeting.client.display_name,
        "date": formats.date_format(meeting.held_on, "j M Y")}
    return Target(
        organisation_id=meeting.group.organisation_id, phase=phase, format_id="group",
        rated_membership_id=meeting.by_id, label=label[:200], checklist_id=checklist_id,
        url=reverse("groups:meeting", args=[meeting.group_id, meeting.pk]),
        session_at=timezone.make_aware(datetime.combine(meeting.held_on, time(12, 0))),
    )


WAITING_DAYS = 42
WAITING_SHOWN = 20


def waiting_meetings_context(request, actor: Actor | None):
    """The supervision dashboard panel: group meetings of the people overseen, last six weeks, not yet rated."""
    if actor is None or not access.is_overseer(actor):
        return None
    since = timezone.localdate() - timedelta(days=WAITING_DAYS)
    rated = FidelityRating.objects.filter(target_kind=KIND, target_id=OuterRef("pk"), is_current=True)
    meetings = list(
        Meeting.objects.filter(by__in=access.supervised_members(actor), held_on__gte=since,
                               group__organisation_id=actor.organisation_id, kind__in=list(CHECKLISTS))
        .exclude(Exists(rated)).select_related("group", "client", "by__user").order_by("-held_on", "-pk")[:WAITING_SHOWN]
    )
    if not meetings:
        return None
    return {"meetings": meetings, "kind": KIND}
