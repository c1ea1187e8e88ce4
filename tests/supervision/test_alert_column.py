"""The dashboard's "open alerts" column, shown when the safety app offers a per-clinician count.

`open_alert_counts_by_staff` below is the function proposed for `openipt/safety/api.py` (see the
report for the lead); until it is there, the dashboard leaves the column out.
"""

from __future__ import annotations

from django.urls import reverse

from openipt.core.testing import login


def open_alert_counts_by_staff(membership_ids) -> dict[int, int]:
    """Return {membership id: open alerts on the clients assigned to them} in one query."""
    from django.db.models import Count

    from openipt.clients.models import Assignment
    from openipt.safety.models import OPEN

    ids = [int(i) for i in membership_ids]
    out = dict.fromkeys(ids, 0)
    rows = (Assignment.objects.filter(staff_id__in=ids, client__risk_alerts__status__in=[s.value for s in OPEN])
            .values("staff_id").annotate(n=Count("client__risk_alerts")).values_list("staff_id", "n"))
    out.update(dict(rows))
    return out


def test_without_the_safety_count_the_column_is_left_out(world, client):
    from openipt.safety import api as safety_api

    login(client, world.m["supervisor"])
    page = client.get(reverse("supervision:dashboard")).content.decode()
    assert ("Open alerts" in page) == hasattr(safety_api, "open_alert_counts_by_staff")


def test_with_the_safety_count_each_clinician_shows_their_open_alerts(world, client, monkeypatch):
    from openipt.safety import api as safety_api

    monkeypatch.setattr(safety_api, "open_alert_counts_by_staff", open_alert_counts_by_staff, raising=False)
    safety_api.raise_for_text(client=world.clients["mine"], text="I want to kill myself", source="test")
    login(client, world.m["supervisor"])
    page = client.get(reverse("supervision:dashboard")).content.decode()
    assert "Open alerts" in page
    assert '<td data-label="Open alerts">1</td>' in page
