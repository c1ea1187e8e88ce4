"""The REST API: a page of 100 completed questionnaires through /api/v1/, as a program and as a therapist.

Each scenario gets its own token (made through the API's actions), so no scenario reaches another's
rate window. The API client sees the whole organisation; the therapist's personal token sees their
own clients. The middle page starts from a cursor half-way through the organisation's questionnaires;
the changes feed reads the same records in the order they changed.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bench.harness import Scenario
from openipt.accounts.actor import Actor
from openipt.api import actions
from openipt.api.http import encode_cursor
from openipt.measures.models import Administration

PAGE = "/api/v1/administrations?limit=100"


def _token(membership, kind: str) -> dict:
    make = actions.create_client if kind == "client" else actions.create_personal
    _token_row, secret = make(Actor(membership), name=f"bench {kind}", scopes=["measures:read"],
                              expires_on=timezone.localdate() + timedelta(days=30))
    return {"Authorization": f"Bearer {secret}"}


def scenarios(world) -> list[Scenario]:
    # The synthetic records were all written moments ago; without this the changes feed would hold them
    # back for its few seconds' lag and measure an almost empty page.
    settings.API_CHANGES_LAG_SECONDS = 0
    admin = world.staff["admin"][0]
    therapist = world.staff["therapist"][0]
    ids = list(Administration.objects.filter(organisation=world.organisation, status="completed")
               .order_by("pk").values_list("pk", flat=True))
    if not ids:
        return []
    middle = encode_cursor("administrations", ids[len(ids) // 2])
    return [
        Scenario("api.administrations-first-100.api-client", admin, PAGE, headers=_token(admin, "client")),
        Scenario("api.administrations-middle-100.api-client", admin, f"{PAGE}&cursor={middle}",
                 headers=_token(admin, "client")),
        Scenario("api.administrations-first-100.therapist", therapist, PAGE, headers=_token(therapist, "personal")),
        Scenario("api.changes-administrations-100.api-client", admin, "/api/v1/changes/administrations?limit=100",
                 headers=_token(admin, "client")),
    ]
