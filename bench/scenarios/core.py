"""The foundation's pages: caseloads, search, a client record, the audit log and the people page.

Each page is requested as the person who uses it. The caseload for a therapist
or a supervisor stays about the same size whatever the organisation's size
(synth gives each therapist about 40 clients); the admin sees everyone, so the
admin's caseload pages and searches are where the organisation's size shows.
"""

from __future__ import annotations

from urllib.parse import urlencode

from bench.harness import Scenario
from openipt.clients.models import Client

PER_PAGE = 25  # openipt.clients.views.caseload_view


def scenarios(world) -> list[Scenario]:
    admin = world.staff["admin"][0]
    supervisor = world.staff["supervisor"][0]
    therapist = world.staff["therapist"][0]
    # A client in the middle of the organisation, for the admin's searches.
    middle = Client.objects.only("given_name", "family_name", "record_number").get(
        pk=world.client_ids[len(world.client_ids) // 2]
    )
    # One of the therapist's own clients, for the record page and the therapist's search (so it finds someone).
    own = Client.objects.filter(assignments__staff=therapist).order_by("pk").only("family_name").first()
    middle_page = max(1, -(-len(world.client_ids) // PER_PAGE) // 2)
    search = {"q": f"{middle.given_name} {middle.family_name}"}
    found = [
        Scenario("caseload.therapist", therapist, "/clients/"),
        Scenario("caseload.supervisor", supervisor, "/clients/"),
        Scenario("caseload.admin.first-page", admin, "/clients/"),
        Scenario("caseload.admin.middle-page", admin, f"/clients/?page={middle_page}"),
        Scenario("search.admin.name", admin, "/clients/?" + urlencode(search)),
        Scenario("search.admin.record-number", admin, "/clients/?" + urlencode({"q": middle.record_number})),
        Scenario("audit.log.admin", admin, "/audit/"),
        Scenario("people.admin", admin, "/account/people/"),
    ]
    if own is not None:
        found[4:4] = [
            Scenario("client.record.therapist", therapist, f"/clients/{own.pk}/"),
            Scenario("search.therapist.family-name", therapist, "/clients/?" + urlencode({"q": own.family_name})),
        ]
    return found
