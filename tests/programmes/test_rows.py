"""The de-identified lists behind the dashboard's counts: what is in them, what never is, and small numbers."""

from __future__ import annotations

from django.urls import reverse

from openipt.accounts.models import Role
from openipt.audit.models import AuditEvent
from openipt.programmes import row_queries
from tests.programmes.test_queries import build, filters
from tests.support.people import actor, login, make_member


def _url(step):
    f = filters()
    return reverse("programmes:rows", args=[step]) + f"?start={f.start.isoformat()}&end={f.end.isoformat()}"


def test_the_list_behind_enrolled_has_a_row_each_and_nothing_that_names_anyone(world, client):
    grp, made = build(world, members=6)
    manager = make_member(world.org, Role.MANAGER)
    login(client, manager)
    page = client.get(_url("enrolled")).content.decode()
    ids = {row_queries.pseudonym(world.org.pk, m.client_id) for m in made}
    assert len(ids) == 6 and all(i in page for i in ids)
    for m in made:
        c = m.client
        for identifying in (c.given_name, c.family_name, c.record_number):
            assert identifying and identifying not in page
        if c.date_of_birth:
            assert (
                c.date_of_birth.isoformat() not in page and c.date_of_birth.strftime("%-d %b %Y") not in page
            )
    assert grp.name in page
    rows = row_queries.rows(actor(manager), filters(), "enrolled", min_sessions=2)
    first = next(r for r in rows if r.pseudonym == row_queries.pseudonym(world.org.pk, made[0].client_id))
    assert (first.attended, first.last_score, first.outcome) == (3, 4, "remission")
    assert [r.pseudonym for r in rows] == sorted(r.pseudonym for r in rows)  # never in joining order
    assert AuditEvent.objects.filter(
        event_type="programmes.rows_viewed", actor_user_id=manager.user_id
    ).exists()


def test_a_small_count_has_no_list_and_its_ids_are_never_shown(world, client):
    _grp, made = build(world, members=6)
    login(client, make_member(world.org, Role.MANAGER))
    for step in ("attended_min", "reliable_improvement", "remission"):  # 2, 1 and 1 people
        page = client.get(_url(step)).content.decode()
        assert "list is not shown" in page
        assert not any(row_queries.pseudonym(world.org.pk, m.client_id) in page for m in made)
    assert not AuditEvent.objects.filter(event_type="programmes.rows_viewed").exists()


def test_the_dashboard_links_a_count_to_its_list_only_when_it_is_shown(world, client):
    build(world, members=6)
    login(client, make_member(world.org, Role.MANAGER))
    f = filters()
    page = client.get(
        reverse("programmes:dashboard") + f"?start={f.start.isoformat()}&end={f.end.isoformat()}"
    )
    html = page.content.decode()
    assert reverse("programmes:rows", args=["enrolled"]) in html
    assert reverse("programmes:rows", args=["remission"]) not in html


def test_the_id_is_stable_and_differs_between_organisations():
    assert row_queries.pseudonym(1, 42) == row_queries.pseudonym(1, 42)
    assert row_queries.pseudonym(1, 42) != row_queries.pseudonym(2, 42)
    assert row_queries.pseudonym(1, 42).startswith("P-") and len(row_queries.pseudonym(1, 42)) == 12


def test_an_unknown_step_is_not_found_and_care_staff_are_refused(world, client):
    login(client, world.m["admin"])
    assert client.get(reverse("programmes:rows", args=["screened"])).status_code == 404
    login(client, world.m["therapist"])
    assert client.get(reverse("programmes:rows", args=["enrolled"])).status_code == 403


def test_an_outcome_held_by_a_few_people_hides_outcomes_and_scores_from_the_list(world, client):
    """Counting the outcome column of a list must not give away a number the dashboard hides as small."""
    from dataclasses import replace

    _grp, made = build(world, members=6)
    manager = make_member(world.org, Role.MANAGER)
    found = row_queries.rows(actor(manager), filters(), "enrolled", min_sessions=2)
    assert len(found) == 6
    # Six people with the same outcome: nothing is hidden.
    same = [replace(r, outcome="remission") for r in found]
    assert row_queries.hide_small_outcomes(same, 5) == (same, False)
    # Two of them in remission, four not: 2 is under the threshold, so no row shows an outcome or a score.
    mixed = [replace(r, outcome="remission" if i < 2 else "no_reliable_change") for i, r in enumerate(found)]
    shown, hidden = row_queries.hide_small_outcomes(mixed, 5)
    assert hidden and {(r.outcome, r.first_score, r.last_score) for r in shown} == {("hidden", None, None)}
    assert [r.pseudonym for r in shown] == [r.pseudonym for r in mixed]
    # Through the page: the world's six members have mixed outcomes, so the page says why they are left out.
    login(client, manager)
    page = client.get(_url("enrolled")).content.decode()
    held = [sum(r.outcome == o for r in found) for o in {r.outcome for r in found}]
    assert any(n < 5 for n in held)  # the world's six members do not all share one outcome
    assert "outcomes and scores are left out" in page and "Remission" not in page.split("<tbody>")[1]
