"""Permission-matrix rows for the programme pages (see tests/test_permission_matrix.py).

The dashboard is for the programme manager, the organisation's admins and its supervisors; the monthly
reports for the manager and admins; the settings for admins. Everyone else is refused (403), and the
manager is refused by every other page in the matrix.
"""


def matrix(expect, staff_only, admin_only, client_record, LOGIN):
    dashboard = expect(403, admin=200, supervisor=200, other_admin=200, manager=200)
    report = expect(403, admin=200, other_admin=200, manager=200)
    return {
        "programmes:dashboard": {"GET": dashboard},
        "programmes:report": {"GET": report},
        # The de-identified list behind a cascade count: the dashboard's people, the same groups (the world's counts
        # are small, so the page says the list is hidden; tests/programmes/test_rows.py shows rows).
        "programmes:rows": {"GET": dashboard},
        "programmes:settings": {"GET": admin_only(manager=403), "POST": admin_only(manager=403)},
        "programmes:competency_rule": {"GET": admin_only(manager=403), "POST": admin_only(manager=403)},
        # Sites are set up by admins; another organisation's site does not exist for the other admin.
        "programmes:sites": {"GET": admin_only(manager=403), "POST": admin_only(manager=403)},
        "programmes:site": {"GET": admin_only(other_admin=404, manager=403),
                            "POST": admin_only(other_admin=404, manager=403)},
    }


def prepare(world):
    """A site of the world's organisation, for the site page."""
    from openipt.accounts import site_actions
    from tests.support.people import actor

    site = site_actions.save_site(actor(world.m["admin"]), None, site_actions.SiteInput("Matrix clinic", "clinic", "UTC"))
    return {"site_id": site.pk, "step": "enrolled"}
