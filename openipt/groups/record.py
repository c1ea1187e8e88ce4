"""What groups holds about a client, for the subject-access export and erasure (core.extensions.RecordExportPart).

Group-level notes (a session of the whole group) are not one client's record and stay; a facilitator writes
them without naming members.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from openipt.core.extensions import RecordExportPart, add_record_part
from openipt.groups.models import Member, MemberStatus


def _still_in_a_group(client: Any) -> str:
    if Member.objects.filter(client_id=client.pk, status=MemberStatus.ACTIVE).exists():
        return _("The client is still a member of a group. Record that they left or finished first.")
    return ""


def register() -> None:
    add_record_part(RecordExportPart(
        key="groups",
        label=_lazy("Group membership, meetings and attendance"),
        models={
            "groups.Member": ("client",),
            "groups.Attendance": ("member__client",),
            "groups.QuickCheck": ("administration__client",),
            "groups.Meeting": ("client",),
        },
        wipe={
            "groups.Member": ("problem_words",),
            "groups.Attendance": ("will_try",),
            "groups.Meeting": ("mood_link", "problem_words", "goal", "referral", "notes"),
        },
        keep={
            "groups.Meeting": ("done_step_ids",),
        },
        blocks_erasure=_still_in_a_group,
        order=40,
    ))
