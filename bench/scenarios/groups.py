"""Group pages: the roster, facilitator mode, the group list and the supervisor's page of groups.

Synth makes one running, planned or ended group of eight members per 20 clients (500 groups at
10,000 clients; `openipt.groups.seed.add_synthetic_groups`), each led by a synthetic facilitator
and supervised by that facilitator's supervisor. The roster and facilitator mode are requested by
the facilitator of a running group; the list and the page of groups by an admin (every group in
the organisation) and by the supervisor.
"""

from __future__ import annotations

from bench.harness import Scenario
from openipt.groups.models import Group, GroupSession


def scenarios(world) -> list[Scenario]:
    ids = getattr(world, "group_ids", [])
    if not ids:
        return []
    group = (Group.objects.filter(pk__in=ids, status="running").select_related("facilitator", "supervisor")
             .order_by("pk").first()) or Group.objects.select_related("facilitator", "supervisor").get(pk=ids[0])
    held = GroupSession.objects.filter(group=group, held=True).order_by("-number").values_list("number", flat=True).first()
    admin = world.staff["admin"][0]
    found = [
        Scenario("groups.roster.facilitator", group.facilitator, f"/groups/{group.pk}/"),
        Scenario("groups.roster.supervisor", group.supervisor, f"/groups/{group.pk}/"),
        Scenario("groups.list.facilitator", group.facilitator, "/groups/"),
        Scenario("groups.list.admin", admin, "/groups/?show=all"),
        Scenario("groups.supervising.admin", admin, "/groups/supervising/"),
        Scenario("groups.supervising.supervisor", group.supervisor, "/groups/supervising/"),
    ]
    if held:
        found.insert(1, Scenario("groups.facilitator-mode", group.facilitator, f"/groups/{group.pk}/sessions/{held}/"))
    return found
