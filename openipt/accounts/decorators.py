"""View decorators that require a signed-in person acting in a given role."""

from __future__ import annotations

from openipt.accounts.models import CARE_ROLES, STAFF_ROLES, Role
from openipt.core.decorators import actor_required

staff_required = actor_required(*STAFF_ROLES)
care_staff_required = actor_required(*CARE_ROLES, Role.ADMIN)
admin_required = actor_required(Role.ADMIN)
client_required = actor_required(Role.CLIENT)
