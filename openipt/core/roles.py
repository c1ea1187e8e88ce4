"""The roles a person acts in. Here, below every app, so that any app (the audit log too) can name them.

`openipt.accounts.models` gives each membership one of these roles.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    SUPERVISOR = "supervisor", _("Supervisor")
    THERAPIST = "therapist", _("Therapist")
    FACILITATOR = "facilitator", _("Facilitator")
    CLIENT = "client", _("Client")
    MANAGER = "manager", _("Programme manager")


STAFF_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.THERAPIST, Role.FACILITATOR)
CARE_ROLES = (Role.SUPERVISOR, Role.THERAPIST, Role.FACILITATOR)
# A programme manager sees aggregates only (the programme dashboard and its exports): no client's record,
# so the role is in neither list above and every staff, care and client page refuses it.
AGGREGATE_ROLES = (Role.MANAGER,)
