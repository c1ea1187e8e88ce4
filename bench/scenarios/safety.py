"""Safety pages: the alert list (filters, pages), one alert, and the caseload and record with the alert banner.

At 10,000 clients and more, synth opens alerts for 10% of clients (1,000 at 10,000) and resolved
ones for another 5% (`openipt.safety.seed.add_synthetic_alerts`). Each page is requested as the
person who uses it: the therapist of a client with an open alert (so the banner is drawn on
every page), that therapist's supervisor, and an admin, who sees every alert of the organisation.
"""

from __future__ import annotations

from bench.harness import Scenario
from openipt.clients.models import Assignment
from openipt.safety.models import Alert


def scenarios(world) -> list[Scenario]:
    admin = world.staff["admin"][0]
    found = [
        Scenario("safety.alerts.admin.open", admin, "/safety/alerts/"),
        Scenario("safety.alerts.admin.unacknowledged-high", admin, "/safety/alerts/?status=unacknowledged&severity=high"),
        Scenario("safety.alerts.admin.resolved", admin, "/safety/alerts/?status=resolved"),
        Scenario("safety.alerts.admin.page-20", admin, "/safety/alerts/?page=20"),
        Scenario("safety.settings.admin", admin, "/safety/settings/"),
    ]
    ids = getattr(world, "alert_client_ids", [])
    if not ids:
        return found
    client_id = ids[len(ids) // 2]
    alert = Alert.objects.filter(client_id=client_id).order_by("pk").first()
    therapist = Assignment.objects.select_related("staff__user").filter(client_id=client_id).first().staff
    found += [
        Scenario("safety.alerts.therapist", therapist, "/safety/alerts/"),
        Scenario("safety.alert.therapist", therapist, f"/safety/alerts/{alert.pk}/"),
        Scenario("safety.caseload.therapist-with-banner", therapist, "/clients/"),
        Scenario("safety.client-record.therapist-with-alert", therapist, f"/clients/{client_id}/"),
    ]
    if therapist.supervisor_id:
        supervisor = therapist.supervisor
        found += [
            Scenario("safety.alerts.supervisor.all", supervisor, "/safety/alerts/?status=all"),
            Scenario("safety.caseload.supervisor", supervisor, "/clients/"),
        ]
    return found
