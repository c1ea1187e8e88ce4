"""The changes feed: everything a token may see, in the order it changed, with a cursor to carry on from."""

from __future__ import annotations

import pytest
from django.utils import timezone

from openipt.api.endpoints.changes import encode
from openipt.clients import actions as client_actions
from openipt.measures import actions as measure_actions
from tests.support.api import api_client, call, personal, steady
from tests.support.measures import phq9, start_course
from tests.support.people import actor


@pytest.fixture(autouse=True)
def no_lag(settings):
    settings.API_CHANGES_LAG_SECONDS = 0


def _all(secret, resource, cursor=None, limit=100):
    """Follow the feed to its end; return the items and the last cursor."""
    items = []
    while True:
        url = f"changes/{resource}?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = call(secret, "GET", url)
        assert response.status_code == 200, response.content
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if not body["more"]:
            return items, cursor


@pytest.mark.django_db
def test_a_copy_kept_in_step_gets_new_and_changed_records_once_each_in_order(api_world):
    world = api_world.world
    secret = api_world.secrets["therapist"]
    items, cursor = _all(secret, "administrations", limit=1)  # one at a time: the cursor carries on
    assert [i["record"]["id"] for i in items] == [str(api_world.administration.uuid)]
    assert items[0]["type"] == "administration" and items[0]["change"] == "created"
    assert _all(secret, "administrations", cursor) == ([], cursor)  # nothing new: the same cursor back

    later = measure_actions.enter_paper(
        actor(world.m["therapist"]), api_world.course.pk, instrument_code="phq9", session_number=None,
        completed_on=timezone.localdate(), answers=phq9(1, 1, 1, 1, 0, 0, 0, 0, 0, difficulty=0))
    items, cursor = _all(secret, "administrations", cursor)
    assert [i["record"]["id"] for i in items] == [str(later.uuid)]
    assert items[0]["record"]["total"] == later.total

    clients, client_cursor = _all(secret, "clients")
    mine = world.clients["mine"]
    assert mine.pk in [i["record"]["id"] for i in clients]
    client_actions.update_client(actor(world.m["therapist"]), mine.pk, {
        "family_name": "Okafor-Reid"},
        expected_version=mine.version)
    changed, _cursor = _all(secret, "clients", client_cursor)
    assert [(i["record"]["id"], i["record"]["family_name"], i["change"]) for i in changed] == [
        (mine.pk, "Okafor-Reid", "updated")]


@pytest.mark.django_db
def test_the_feed_shows_only_what_the_token_may_see_and_refuses_bad_requests(api_world):
    world = api_world.world
    # Another organisation's program sees none of this organisation's records.
    other, _cursor = _all(api_world.secrets["other_api_client"], "clients")
    assert {i["record"]["id"] for i in other} == {world.clients["other"].pk}
    # A therapist's token sees what the therapist sees, no more.
    theirs, _cursor = _all(api_world.secrets["therapist2"], "clients")
    assert world.clients["mine"].pk not in {i["record"]["id"] for i in theirs}
    # The kind's read scope is needed.
    no_measures = personal(world.m["therapist"], scopes=["clients:read"])[1]
    response = call(no_measures, "GET", "changes/administrations")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "insufficient_scope")
    assert call(None, "GET", "changes/clients").status_code == 401
    assert call(api_world.secrets["therapist"], "GET", "changes/notes").status_code == 404
    for cursor in ("junk", encode("courses", timezone.now(), 1)):  # made up, or another feed's
        response = call(api_world.secrets["therapist"], "GET", f"changes/clients?cursor={cursor}")
        assert (response.status_code, response.json()["error"]["code"]) == (400, "bad_cursor")


@pytest.mark.django_db
def test_a_change_in_the_last_seconds_waits_for_the_next_call(api_world, settings):
    settings.API_CHANGES_LAG_SECONDS = 3600
    secret = api_client(api_world.world.m["admin"])[1]
    assert _all(secret, "courses")[0] == []


@pytest.mark.django_db
def test_an_erased_record_comes_once_more_as_erased_with_no_words(api_world):
    """A program keeping a copy must hear that a client's record was erased, for the client and for each course and
    questionnaire, so it can delete its copy; the feed never sends the erased record's words."""
    from openipt.clients import record_actions
    from openipt.courses import ending_actions
    from openipt.courses.steps_models import EndingKind
    from openipt.safety import actions as safety_actions
    from openipt.safety.models import Alert, AlertStatus

    world = api_world.world
    secret = api_world.secrets["api_client"]
    mine, course = world.clients["mine"], api_world.course
    cursors = {resource: _all(secret, resource)[1] for resource in ("clients", "courses", "administrations")}

    therapist, admin = actor(world.m["therapist"]), actor(world.m["admin"])
    ending_actions.save_letter(therapist, course.pk, "Dear client, all the best.")
    ending_actions.end_early(therapist, course.pk, kind=EndingKind.EARLY_LETTER, reason="Moving away.")
    for alert in Alert.objects.filter(client=mine).exclude(status=AlertStatus.RESOLVED):
        safety_actions.resolve(therapist, alert.pk, "Called; safe.")
    mine.refresh_from_db()
    record_actions.erase_record(admin, mine.pk, confirm_name=mine.full_name, reason="Asked for it.")

    clients, _c = _all(secret, "clients", cursors["clients"])
    assert [(i["id"], i["client_id"], i["change"], i["record"]) for i in clients] == [(mine.pk, mine.pk, "erased", None)]
    courses, _c = _all(secret, "courses", cursors["courses"])
    assert [(i["id"], i["client_id"], i["change"], i["record"]) for i in courses] == [
        (course.pk, mine.pk, "erased", None)]
    administrations, _c = _all(secret, "administrations", cursors["administrations"])
    assert [(i["id"], i["change"], i["record"]) for i in administrations] == [
        (str(api_world.administration.uuid), "erased", None)]
    # A program starting afresh is told too, rather than shown a wiped record as if it were real.
    everything, _c = _all(secret, "clients")
    assert [i["change"] for i in everything if i["id"] == mine.pk] == ["erased"]


@pytest.mark.django_db
def test_a_client_coming_into_and_leaving_a_persons_view_is_sent_though_no_record_changed(api_world):
    """A therapist's own token keeps a copy; an admin gives them a client whose records are old (assigned), then
    takes the client away again: the copy gains the client's records, then is told to delete each of them."""
    world = api_world.world
    secret = api_world.secrets["therapist2"]
    mine, course, admin = world.clients["mine"], api_world.course, actor(world.m["admin"])
    feeds = ("clients", "courses", "administrations")
    cursors = {resource: _all(secret, resource)[1] for resource in feeds}
    assert mine.pk not in {i["client_id"] for resource in feeds for i in _all(secret, resource)[0]}

    client_actions.assign_staff(admin, mine.pk, world.m["therapist2"].pk)
    got = {resource: _all(secret, resource, cursors[resource]) for resource in feeds}
    assert [(i["id"], i["change"], i["record"]["family_name"]) for i in got["clients"][0]] == [
        (mine.pk, "added", mine.family_name)]
    assert [(i["id"], i["change"], i["record"]["id"]) for i in got["courses"][0]] == [
        (course.pk, "added", course.pk)]
    administrations = [(i["id"], i["change"]) for i in got["administrations"][0]]
    assert (str(api_world.administration.uuid), "added") in administrations
    assert {change for _id, change in administrations} == {"added"}
    # the copy is in step: nothing more comes until something changes
    cursors = {resource: got[resource][1] for resource in feeds}
    assert all(_all(secret, resource, cursors[resource])[0] == [] for resource in feeds)

    client_actions.unassign_staff(admin, mine.pk, world.m["therapist2"].pk)
    gone = {resource: _all(secret, resource, cursors[resource])[0] for resource in feeds}
    assert [(i["id"], i["client_id"], i["change"], i["record"]) for i in gone["clients"]] == [
        (mine.pk, mine.pk, "removed", None)]
    assert [(i["id"], i["change"], i["record"]) for i in gone["courses"]] == [(course.pk, "removed", None)]
    assert sorted((i["id"], i["change"]) for i in gone["administrations"]) == sorted(administrations_removed := [
        (pk, "removed") for pk, _change in administrations])
    assert administrations_removed
    # another person's copy heard nothing: their view did not change
    theirs = _all(api_world.secrets["therapist"], "clients")[1]
    client_actions.assign_staff(admin, mine.pk, world.m["therapist2"].pk)
    assert _all(api_world.secrets["therapist"], "clients", theirs)[0] == []


@pytest.mark.django_db
def test_a_supervisor_given_a_supervisee_gets_their_clients_and_loses_them_when_the_link_goes(api_world):
    from openipt.accounts import actions as account_actions

    world = api_world.world
    secret = api_world.secrets["supervisor"]
    theirs, admin = world.clients["theirs"], actor(world.m["admin"])
    _items, cursor = _all(secret, "clients")
    account_actions.change_membership(admin, world.m["therapist2"].pk, role="therapist",
                                      supervisor_id=world.m["supervisor"].pk)
    added, cursor = _all(secret, "clients", cursor)
    assert [(i["id"], i["change"]) for i in added] == [(theirs.pk, "added")]
    account_actions.change_membership(admin, world.m["therapist2"].pk, role="therapist", supervisor_id=None)
    removed, cursor = _all(secret, "clients", cursor)
    assert [(i["id"], i["change"], i["record"]) for i in removed] == [(theirs.pk, "removed", None)]


@pytest.mark.django_db
def test_a_supervisor_whose_role_changes_is_told_to_delete_the_clients_they_no_longer_see(api_world):
    """A supervisor made a therapist no longer sees their supervisees' clients: their own token's copy is told
    to delete them, as when the supervisor link goes."""
    from openipt.accounts import actions as account_actions

    world = api_world.world
    secret = api_world.secrets["supervisor"]
    theirs, admin = world.clients["theirs"], actor(world.m["admin"])
    account_actions.change_membership(admin, world.m["therapist2"].pk, role="therapist",
                                      supervisor_id=world.m["supervisor"].pk)
    items, cursor = _all(secret, "clients")
    assert theirs.pk in {i["id"] for i in items}
    account_actions.change_membership(admin, world.m["supervisor"].pk, role="therapist", supervisor_id=None)
    removed, cursor = _all(secret, "clients", cursor)
    assert (theirs.pk, "removed", None) in [(i["id"], i["change"], i["record"]) for i in removed]


def _sites(world):
    from openipt.accounts import site_actions
    from openipt.accounts.models import SiteKind

    admin = actor(world.m["admin"])
    return {name: site_actions.save_site(admin, None, site_actions.SiteInput(name, SiteKind.CLINIC, "Africa/Kampala"))
            for name in ("North", "South")}


def _view_changes(secret, cursors):
    """What each feed sends after its cursor: (id, change, whether a record came)."""
    return {resource: [(i["id"], i["change"], i["record"] is not None) for i in _all(secret, resource, cursor)[0]]
            for resource, cursor in cursors.items()}


FEEDS = ("clients", "courses", "administrations")


@pytest.mark.django_db
def test_a_client_moved_out_of_and_back_into_a_limited_therapists_site_is_removed_then_added(api_world):
    """A therapist limited to North keeps a copy of their client's records; an admin places the client in South
    (out of the therapist's reach): the copy is told to delete each record; back in North, it gets them again."""
    from openipt.accounts import site_actions
    from openipt.clients import site_actions as client_site_actions

    world = api_world.world
    admin, mine, course = actor(world.m["admin"]), world.clients["mine"], api_world.course
    sites = _sites(world)
    site_actions.set_staff_site(admin, sites["North"].pk, [world.m["therapist"].pk])
    client_site_actions.set_client_site(admin, sites["North"].pk, client_ids=[mine.pk])
    secret = api_world.secrets["therapist"]
    cursors = {resource: _all(secret, resource)[1] for resource in FEEDS}
    unlimited = {resource: _all(api_world.secrets["supervisor"], resource)[1] for resource in ("courses",)}
    administration = str(api_world.administration.uuid)

    client_site_actions.set_client_site(admin, sites["South"].pk, client_ids=[mine.pk])
    gone = {resource: _all(secret, resource, cursors[resource]) for resource in FEEDS}
    assert [(i["id"], i["change"], i["record"]) for i in gone["clients"][0]] == [(mine.pk, "removed", None)]
    assert [(i["id"], i["change"], i["record"]) for i in gone["courses"][0]] == [(course.pk, "removed", None)]
    assert (administration, "removed", None) in [(i["id"], i["change"], i["record"]) for i in gone["administrations"][0]]
    assert {i["change"] for i in gone["administrations"][0]} == {"removed"}
    # The supervisor has no site limit: their view did not change, so their course feed sends nothing.
    assert _all(api_world.secrets["supervisor"], "courses", unlimited["courses"])[0] == []

    client_site_actions.set_client_site(admin, sites["North"].pk, client_ids=[mine.pk])
    back = _view_changes(secret, {resource: gone[resource][1] for resource in FEEDS})
    assert (mine.pk, "added", True) in back["clients"]
    assert back["courses"] == [(course.pk, "added", True)]
    assert (administration, "added", True) in back["administrations"]


@pytest.mark.django_db
def test_a_therapist_placed_in_another_site_is_told_to_delete_its_clients_and_gets_them_back_when_moved_again(
        api_world):
    """The client stays in South; the therapist's own site limit changes: to North (the client leaves their view),
    then back to no site (the whole organisation, the client comes back), by an admin replacing North's staff."""
    from openipt.accounts import site_actions
    from openipt.clients import site_actions as client_site_actions

    world = api_world.world
    admin, mine, course = actor(world.m["admin"]), world.clients["mine"], api_world.course
    sites = _sites(world)
    client_site_actions.set_client_site(admin, sites["South"].pk, client_ids=[mine.pk])
    secret = api_world.secrets["therapist"]
    cursors = {resource: _all(secret, resource)[1] for resource in FEEDS}

    site_actions.set_staff_site(admin, sites["North"].pk, [world.m["therapist"].pk])
    gone = {resource: _all(secret, resource, cursors[resource]) for resource in FEEDS}
    assert [(i["id"], i["change"], i["record"]) for i in gone["clients"][0]] == [(mine.pk, "removed", None)]
    assert [(i["id"], i["change"], i["record"]) for i in gone["courses"][0]] == [(course.pk, "removed", None)]
    # The therapist's other client has no site: still in their reach, so nothing is said of it.
    assert world.clients["self"].pk not in {i["client_id"] for i in gone["clients"][0]}

    site_actions.set_staff_site(admin, sites["North"].pk, [world.m["therapist2"].pk], replace=True)
    back = _view_changes(secret, {resource: gone[resource][1] for resource in FEEDS})
    assert back["clients"] == [(mine.pk, "added", True)]
    assert back["courses"] == [(course.pk, "added", True)]


@pytest.mark.django_db
def test_removed_goes_only_to_a_holder_who_could_see_the_client_before(api_world):
    """A therapist limited to North is assigned, then unassigned, a client in South: they never saw the client, so
    their feed says nothing of it (not even its id as `removed`). The client's own therapist, who saw it, is told."""
    from openipt.accounts import site_actions
    from openipt.clients import site_actions as client_site_actions

    world = api_world.world
    admin, mine = actor(world.m["admin"]), world.clients["mine"]
    sites = _sites(world)
    site_actions.set_staff_site(admin, sites["North"].pk, [world.m["therapist2"].pk, world.m["therapist"].pk])
    client_site_actions.set_client_site(admin, sites["South"].pk, client_ids=[mine.pk])
    never = api_world.secrets["therapist2"]
    cursors = {resource: _all(never, resource)[1] for resource in FEEDS}

    client_actions.assign_staff(admin, mine.pk, world.m["therapist2"].pk)
    client_actions.unassign_staff(admin, mine.pk, world.m["therapist2"].pk)
    assert _view_changes(never, cursors) == {resource: [] for resource in FEEDS}

    # The same removal for a person who saw the client: their copy is told to delete it.
    site_actions.set_staff_site(admin, None, [world.m["therapist"].pk])
    saw = api_world.secrets["therapist"]
    before = _all(saw, "clients")[1]
    client_actions.unassign_staff(admin, mine.pk, world.m["therapist"].pk)
    assert [(i["id"], i["change"]) for i in _all(saw, "clients", before)[0]] == [(mine.pk, "removed")]


@pytest.mark.django_db
def test_a_page_of_view_changes_runs_the_same_queries_whatever_the_number_of_clients(api_world):
    """Clients leaving and entering a limited therapist's site: reading the page that sends them costs as many
    queries for two clients as for six."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openipt.accounts import site_actions
    from openipt.clients import site_actions as client_site_actions
    from tests.support.people import make_client

    world = api_world.world
    admin = actor(world.m["admin"])
    sites = _sites(world)
    site_actions.set_staff_site(admin, sites["North"].pk, [world.m["therapist"].pk])
    secret = api_world.secrets["therapist"]

    def page(n):
        clients = []
        for i in range(n):
            key = f"Moved{n}-{i}"
            world.clients[key] = make_client(world.m["admin"], assign_to=world.m["therapist"], given_name=key)
            course = start_course(world, key)
            measure_actions.enter_paper(actor(world.m["therapist"]), course.pk, instrument_code="phq9",
                                        session_number=None, completed_on=timezone.localdate(),
                                        answers=phq9(1, 1, 1, 1, 1, 1, 1, 1, 1, difficulty=1))
            clients.append(world.clients.pop(key))
        leaving, coming = [c.pk for c in clients[::2]], [c.pk for c in clients[1::2]]
        counts = {}
        for resource in FEEDS:
            client_site_actions.set_client_site(admin, sites["North"].pk, client_ids=leaving)
            client_site_actions.set_client_site(admin, sites["South"].pk, client_ids=coming)
            cursor = _all(secret, resource)[1]
            client_site_actions.set_client_site(admin, sites["South"].pk, client_ids=leaving)
            client_site_actions.set_client_site(admin, sites["North"].pk, client_ids=coming)
            with CaptureQueriesContext(connection) as ctx:
                body = call(secret, "GET", f"changes/{resource}?limit=100&cursor={cursor}").json()
            changes = sorted((i["client_id"], i["change"]) for i in body["items"])
            assert changes == sorted([(pk, "removed") for pk in leaving] + [(pk, "added") for pk in coming])
            counts[resource] = len(steady(ctx.captured_queries))
        return counts

    small, large = page(2), page(6)
    assert small == large
