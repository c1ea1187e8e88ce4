"""Demo sites: the demo clinic's two groups meet in two places, and a third site has nothing yet.

Found by openipt.seed.steps when `openipt demo` (or `openipt serve --demo`) runs, after the groups app's demo
groups; nothing imports this module at start-up. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from typing import Any

from openipt.accounts import site_actions
from openipt.accounts.models import Site
from openipt.groups import site_actions as group_site_actions
from openipt.groups.models import Group

# (site, kind, time zone, the demo group that meets there, DHIS2 organisation unit code)
DEMO_SITES = [
    ("Nansana health centre", "clinic", "Africa/Kampala", "Tuesday group, Nansana", "OU_NANSANA"),
    ("Riverside village", "village", "Africa/Kampala", "Thursday group, Riverside", "OU_RIVERSIDE"),
    ("Kasese district", "district", "Africa/Kampala", "", ""),
]


def add_demo_sites(world: Any) -> None:  # a seed.demo.DemoWorld (apps may not import openipt.seed)
    org = world.organisation
    admin = world.actor("admin")
    if Site.objects.filter(organisation=org).exists():
        return
    for name, kind, zone, group_name, code in DEMO_SITES:
        site = site_actions.save_site(admin, None, site_actions.SiteInput(name, kind, zone, True, code))
        groups = list(Group.objects.filter(organisation=org, name=group_name).values_list("pk", flat=True))
        if groups:
            group_site_actions.set_group_site(admin, site.pk, groups, with_members=True)


DEMO_STEPS = (add_demo_sites,)
