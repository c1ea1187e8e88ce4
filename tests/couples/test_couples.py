"""Couples IPT: linking partner two, each partner's private and shared entries, the side-by-side page.

Privacy tests control HAZ-001 (the wrong person sees a client's record) in
docs/clinical-safety/hazard-log.md: a partner's private entry is never shown or listed to the other.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from openipt.core.errors import ActionError, ConflictError
from openipt.couples import actions
from openipt.couples.models import Couple, Entry
from tests.support.couples import couples_course, write
from tests.support.people import actor, login, make_client

PRIVATE = "I feel he never listens when I talk about my mother"
SHARED = "Cook together on Sundays"


def test_the_therapist_links_the_second_partner(couple, partners):
    assert couple.partner_one == partners.clients["self"]
    assert couple.partner_two == partners.clients["two"]


def test_a_second_client_from_another_organisation_is_refused_with_a_clear_message(partners):
    course = couples_course(partners, "self")
    with pytest.raises(ActionError) as err:
        actions.link_partner(actor(partners.m["therapist"]), course.pk, record_number=partners.clients["other"].record_number)
    assert err.value.field == "record_number"
    assert "No client with record number" in err.value.message
    assert not Couple.objects.exists()


def test_a_client_already_in_an_open_couples_course_is_refused(couple, partners):
    third = make_client(partners.m["admin"], assign_to=partners.m["therapist"], given_name="Third")
    course = couples_course(partners, "mine")
    with pytest.raises(ActionError, match="already in an open couples course"):
        actions.link_partner(actor(partners.m["therapist"]), course.pk,
                             record_number=partners.clients["two"].record_number)
    made = actions.link_partner(actor(partners.m["therapist"]), course.pk, record_number=third.record_number)
    assert made.partner_two == third


def test_only_a_couples_course_takes_a_second_partner(partners):
    from django.utils import timezone

    from openipt.courses import actions as course_actions

    course = course_actions.start_course(actor(partners.m["therapist"]), partners.clients["self"].pk,
                                         format_id="individual", start_date=timezone.localdate())
    with pytest.raises(ActionError, match="Only a couples course"):
        actions.link_partner(actor(partners.m["therapist"]), course.pk, record_number=partners.clients["two"].record_number)


def test_partner_one_cannot_be_their_own_partner(partners):
    course = couples_course(partners, "self")
    with pytest.raises(ActionError, match="first partner"):
        actions.link_partner(actor(partners.m["therapist"]), course.pk, record_number=partners.clients["self"].record_number)


def test_private_entries_are_never_shown_or_listed_to_the_other_partner(client, couple, partners):
    # HAZ-001: a partner's private entry must not reach the other partner.
    write(partners, "client", {"i_expect": PRIVATE, "change": SHARED, "change_shared": "on"})
    private = Entry.objects.get(kind="i_expect")
    shared = Entry.objects.get(kind="change")
    login(client, partners.m["client_two"])
    assert client.get(reverse("couples:entry", args=[private.pk])).status_code == 404
    assert client.get(reverse("couples:entry", args=[shared.pk])).status_code == 200
    for url in (reverse("couples:mine"), reverse("practice:portal")):
        page = client.get(url).content.decode()
        assert PRIVATE not in page
        assert reverse("couples:entry", args=[private.pk]) not in page
    assert SHARED in client.get(reverse("couples:mine")).content.decode()
    # Partner one still reads their own private entry.
    client.logout()
    login(client, partners.m["client"])
    assert PRIVATE in client.get(reverse("couples:entry", args=[private.pk])).content.decode()


def test_unsharing_hides_the_entry_again(client, couple, partners):
    # HAZ-001
    view = write(partners, "client", {"change": SHARED, "change_shared": "on"})
    entry = Entry.objects.get(kind="change")
    write(partners, "client", {"change": SHARED}, version=view.version)
    login(client, partners.m["client_two"])
    assert client.get(reverse("couples:entry", args=[entry.pk])).status_code == 404
    assert SHARED not in client.get(reverse("couples:mine")).content.decode()


def test_a_client_outside_the_couple_finds_nothing(client, couple, partners):
    # HAZ-001
    write(partners, "client", {"change": SHARED, "change_shared": "on"})
    entry = Entry.objects.get()
    outsider = make_client(partners.m["admin"], given_name="Out")
    from openipt.accounts.models import Role
    from openipt.clients import actions as client_actions
    from tests.support.people import make_member

    member = make_member(partners.org, Role.CLIENT)
    client_actions.link_portal_user(outsider, member.user)
    login(client, member)
    assert client.get(reverse("couples:entry", args=[entry.pk])).status_code == 404
    assert client.get(reverse("couples:mine")).status_code == 404


def test_the_therapist_sees_both_views_side_by_side_with_private_marked(client, couple, partners):
    write(partners, "client", {"i_expect": PRIVATE})
    write(partners, "client_two", {"i_expect": "More help with the children", "i_expect_shared": "on"})
    login(client, partners.m["therapist"])
    page = client.get(reverse("couples:session", args=[couple.pk])).content.decode()
    assert PRIVATE in page and "More help with the children" in page
    assert "Private: for the therapist only" in page and "Shared with the partner" in page
    # Another therapist cannot open it.
    client.logout()
    login(client, partners.m["therapist2"])
    assert client.get(reverse("couples:session", args=[couple.pk])).status_code == 404


def test_the_screen_turned_to_the_couple_shows_only_what_they_shared(client, couple, partners):
    write(partners, "client", {"i_expect": PRIVATE})
    write(partners, "client_two", {"i_expect": "More help with the children", "i_expect_shared": "on"})
    login(client, partners.m["therapist"])
    full = client.get(reverse("couples:session", args=[couple.pk])).content.decode()
    assert "Show only what they shared" in full and "PHQ-9 of both partners" in full
    together = client.get(reverse("couples:session", args=[couple.pk]) + "?together=1").content.decode()
    assert "More help with the children" in together
    assert PRIVATE not in together and "Private: for the therapist only" not in together
    assert "Nothing shared." in together and "PHQ-9 of both partners" not in together
    assert "Back to everything (for you only)" in together
    # an open risk alert's banner (it names the client) stays off the screen shown to the couple
    from openipt.safety import api as safety_api

    safety_api.raise_for_review(client=partners.clients["self"], level="high", text="Plan described in session")
    assert "oi-safety-banner" in client.get(reverse("couples:session", args=[couple.pk])).content.decode()
    together = client.get(reverse("couples:session", args=[couple.pk]) + "?together=1").content.decode()
    assert "oi-safety-banner" not in together and "alert banners are left off" in together
    # a message waiting for the therapist (it names a client) waits for the next full page
    client.post(reverse("measures:link_create", args=[couple.course_id]), {"partner": partners.clients["two"].pk})
    shown = client.get(reverse("couples:session", args=[couple.pk]) + "?together=1").content.decode()
    assert "Lee Partner now" not in shown
    assert "Nothing is due for Lee Partner now" in client.get(reverse("couples:session", args=[couple.pk])).content.decode()


def test_both_partners_phq9_trajectories_are_on_the_session_page(client, couple, partners):
    from datetime import timedelta

    from django.utils import timezone

    from openipt.measures import actions as measures_actions
    from openipt.measures.models import Administration
    from tests.support.measures import add_session, form_data, phq9

    today = timezone.localdate()
    for total, days in [(18, 14), (12, 0)]:
        # Partner one's PHQ-9 on paper, through the measures app, on the couples course.
        answers = {f"q{i}": 0 for i in range(1, 10)}
        answers["difficulty"] = None
        for i in range(1, total // 3 + 1):  # items 1 to total/3 answered 3 ("nearly every day"); item 9 stays 0
            answers[f"q{i}"] = 3
        measures_actions.enter_paper(actor(partners.m["therapist"]), couple.course_id, instrument_code="phq9",
                                     session_number=None, completed_on=today - timedelta(days=days), answers=answers)
    # Partner two fills in the couples course's PHQ-9 for session 1 in their own portal (total 9).
    add_session(partners, couple.course, days_after_last=1)
    measures_actions.ensure_default_schedule(couple.course)
    key = f"c{couple.course_id}.s1.phq9"
    login(client, partners.m["client_two"])
    assert "Fill in the PHQ-9" in client.get("/me/").content.decode()
    sent = client.post(f"/measures/me/{key}/", form_data(phq9(2, 1, 1, 1, 1, 1, 1, 1, 0, difficulty=0)))
    assert sent.status_code == 302
    assert Administration.objects.get(due_key=key).client_id == partners.clients["two"].pk
    login(client, partners.m["therapist"])
    page = client.get(reverse("couples:session", args=[couple.pk])).content.decode()
    assert "latest 12" in page and "latest 9" in page
    assert "<svg" in page


def test_stale_version_is_a_conflict_and_nothing_is_lost(couple, partners):
    first = write(partners, "client", {"change": "one"})
    write(partners, "client", {"change": "two"}, version=first.version)
    with pytest.raises(ConflictError):
        write(partners, "client", {"change": "three"}, version=first.version)
    assert Entry.objects.get(kind="change").text == "two"


def test_the_partners_text_goes_through_the_safety_check(couple, partners):
    from openipt.safety.models import Alert

    write(partners, "client_two", {"change": "Sometimes I think everyone would be better off if I killed myself"})
    alert = Alert.objects.get(client=partners.clients["two"])
    assert alert.rule_kind == "free_text"


def test_the_portal_shows_the_couples_panel_to_both_partners(client, couple, partners):
    for who in ("client", "client_two"):
        client.logout()
        login(client, partners.m[who])
        page = client.get(reverse("practice:portal")).content.decode()
        assert "You and your partner" in page and reverse("couples:mine") in page


def test_the_mine_page_autosaves_and_keeps_words_on_conflict(client, couple, partners):
    login(client, partners.m["client"])
    page = client.get(reverse("couples:mine")).content.decode()
    assert 'name="version"' in page
    response = client.post(reverse("couples:autosave"), {"version": "1", "i_expect": "Typed so far"})
    assert response.status_code == 200 and response["X-Worksheet-Version"] == "2"
    assert Entry.objects.get(kind="i_expect").text == "Typed so far"
    # A save from an old window (version 1) keeps the words and shows the saved copy.
    page = client.post(reverse("couples:mine"), {"version": "1", "i_expect": "Older window words"}).content.decode()
    assert "Older window words" in page and "Typed so far" in page and "saved from another window" in page


def test_the_api_names_both_partners_and_partner_twos_open_courses(couple, partners):
    from openipt.couples import api

    assert api.partner_ids(couple.course) == (partners.clients["self"].pk, partners.clients["two"].pk)
    assert api.open_course_ids_as_second_partner(partners.clients["two"].pk) == [couple.course_id]
    assert api.open_course_ids_as_second_partner(partners.clients["self"].pk) == []
