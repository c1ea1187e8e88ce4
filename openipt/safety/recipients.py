"""Who is told about an alert at each escalation step.

Recipients are worked out from the client's assigned staff when the step is carried out, so a
client who joins a group (and is assigned its facilitator) reaches the facilitator and the
facilitator's supervisor without any change here:

* ``assigned_staff`` - every active member of staff assigned to the client; when one of them is
  a facilitator (often a lay facilitator of a group), their supervisor is told at once as well.
* ``supervisor`` - the active supervisors of the assigned staff.
* ``admins`` - the organisation's active admins.
* ``safeguarding_lead`` - the organisation's safeguarding lead, set on the safety settings page
  (used by the safeguarding policy for child safeguarding alerts).

A step never tells nobody: when it finds no one (no staff assigned, no supervisor recorded), it
tells the organisation's admins instead.
"""

from __future__ import annotations

from openipt.accounts.models import Membership, Role
from openipt.clients.models import Assignment


def _unique(members) -> list[Membership]:
    seen: set[int] = set()
    result = []
    for member in members:
        if member is not None and member.is_active and member.pk not in seen:
            seen.add(member.pk)
            result.append(member)
    return result


def assigned_staff(client_id: int) -> list[Membership]:
    """Return the active staff assigned to a client, with their supervisors loaded."""
    rows = (
        Assignment.objects.filter(client_id=client_id, staff__is_active=True)
        .select_related("staff__user", "staff__supervisor__user")
        .order_by("-is_primary", "pk")
    )
    return [row.staff for row in rows]


def assigned_staff_many(client_ids: list[int]) -> dict[int, list[Membership]]:
    """`assigned_staff` for many clients in one query: each client's list in the same order."""
    rows = (
        Assignment.objects.filter(client_id__in=client_ids, staff__is_active=True)
        .select_related("staff__user", "staff__supervisor__user")
        .order_by("client_id", "-is_primary", "pk")
    )
    found: dict[int, list[Membership]] = {client_id: [] for client_id in client_ids}
    for row in rows:
        found[row.client_id].append(row.staff)
    return found


def admins(organisation_id: int) -> list[Membership]:
    """Return an organisation's active admins."""
    return list(
        Membership.objects.filter(organisation_id=organisation_id, role=Role.ADMIN, is_active=True)
        .select_related("user")
        .order_by("pk")
    )


def safeguarding_lead(organisation_id: int) -> list[Membership]:
    """Return the organisation's safeguarding lead (from the safety settings) when one is set and active."""
    from openipt.safety.models import SafetySettings

    row = SafetySettings.objects.filter(organisation_id=organisation_id).select_related("safeguarding_lead__user").first()
    return [row.safeguarding_lead] if row is not None and row.safeguarding_lead is not None else []


def recipients(client, target: str, *, staff: list[Membership] | None = None) -> list[Membership]:
    """Return who is told at a step with this target; never an empty list while the organisation has an admin.

    `staff` is the client's assigned staff when the caller has read them already (`assigned_staff`).
    """
    if target == "safeguarding_lead":
        people = _unique(safeguarding_lead(client.organisation_id))
        return people or _unique(admins(client.organisation_id))
    staff = assigned_staff(client.pk) if staff is None else staff
    if target == "assigned_staff":
        found = staff + [m.supervisor for m in staff if m.role == Role.FACILITATOR]
    elif target == "supervisor":
        found = [m.supervisor for m in staff]
    else:
        found = []
    people = _unique(found)
    if target == "admins" or not people:
        people = _unique(people + admins(client.organisation_id))
    return people
