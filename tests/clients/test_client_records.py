"""Adding, finding and changing client records, with clear messages for bad input."""

import pytest

from openipt.audit.models import AuditEvent
from openipt.clients.models import Client
from tests.support.people import make_client


def test_a_therapist_adds_a_client_and_is_assigned_to_them(world, as_member):
    browser = as_member(world.m["therapist"])
    response = browser.post("/clients/new/", {"given_name": "Lena", "family_name": "Voss", "preferred_language": "en"})
    created = Client.objects.get(given_name="Lena")
    assert response.status_code == 302 and response["Location"] == f"/clients/{created.pk}/"
    assert created.record_number.startswith("C-") and len(created.record_number) == 8
    assert list(created.assignments.values_list("staff_id", flat=True)) == [world.m["therapist"].pk]
    assert AuditEvent.objects.filter(event_type="client.created", client_id=created.pk).exists()
    listing = browser.get("/clients/").content.decode()
    assert "Lena Voss" in listing


def test_a_duplicate_record_number_is_refused_beside_the_field_and_the_typing_is_kept(world, as_member):
    browser = as_member(world.m["therapist"])
    taken = world.clients["mine"].record_number
    response = browser.post(
        "/clients/new/",
        {"given_name": "Ada", "family_name": "Quist", "record_number": taken.lower(), "phone": "+44 20 7946 0000", "preferred_language": "en"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Record number {taken} is already used in this organisation." in html
    assert 'value="Quist"' in html and 'value="+44 20 7946 0000"' in html
    assert 'aria-invalid="true"' in html
    assert not Client.objects.filter(given_name="Ada").exists()


def test_the_same_record_number_may_exist_in_another_organisation(world):
    other_number = world.clients["other"].record_number
    client = make_client(world.m["admin"], record_number=other_number)
    assert client.record_number == other_number


@pytest.mark.parametrize(
    "data, field_message",
    [
        ({"given_name": ""}, "This field is required."),
        ({"given_name": "Kim", "date_of_birth": "2999-01-01"}, "Enter a real date of birth in the past."),
        ({"given_name": "Kim", "date_of_birth": "31/02/2001"}, "Enter a valid date."),
        ({"given_name": "Kim", "email": "not-an-email"}, "Enter a valid email address."),
        ({"given_name": "Kim", "phone": "call me maybe"}, "Use digits, spaces and + - ( ) only."),
        ({"given_name": "Kim", "preferred_language": "klingon"}, "Select a valid choice."),
        ({"given_name": "Kim", "record_number": "A B<C>"}, "Use letters, digits and - _ / only."),
    ],
)
def test_bad_input_gets_a_message_beside_the_field(world, as_member, data, field_message):
    browser = as_member(world.m["therapist"])
    payload = {"preferred_language": "en", "family_name": "Kept", **data}
    response = browser.post("/clients/new/", payload)
    html = response.content.decode()
    assert response.status_code == 200
    assert field_message in html
    assert 'value="Kept"' in html


def test_search_finds_names_without_accents_and_record_numbers(world, as_member):
    make_client(world.m["therapist"], given_name="Zoë", family_name="Müller")
    browser = as_member(world.m["therapist"])
    html = browser.get("/clients/", {"q": "zoe mull"}).content.decode()
    assert "Zoë Müller" in html and "Maya Okafor" not in html
    by_number = browser.get("/clients/", {"q": world.clients["mine"].record_number}).content.decode()
    assert "Maya Okafor" in by_number


def test_search_never_shows_clients_the_person_may_not_see(world, as_member):
    html = as_member(world.m["therapist"]).get("/clients/", {"q": "Noah"}).content.decode()
    assert "Noah Berg" not in html
    assert "No clients match" in html


def test_the_caseload_sorts_and_survives_bad_page_and_sort_values(world, as_member):
    for name in ("Ann", "Bea", "Cat"):
        make_client(world.m["therapist"], given_name=name, family_name=name + "son")
    browser = as_member(world.m["therapist"])
    ascending = browser.get("/clients/", {"sort": "name"}).content.decode()
    descending = browser.get("/clients/", {"sort": "-name"}).content.decode()
    assert ascending.index("Annson") < ascending.index("Catson")
    assert descending.index("Catson") < descending.index("Annson")
    assert browser.get("/clients/", {"sort": "'; drop table", "page": "abc"}).status_code == 200
    assert browser.get("/clients/", {"page": "99999"}).status_code == 200


def test_the_caseload_is_paginated_25_to_a_page(world, as_member):
    for i in range(30):
        make_client(world.m["therapist2"], given_name=f"P{i:02d}", family_name="Page")
    html = as_member(world.m["therapist2"]).get("/clients/").content.decode()
    assert "Page 1 of 2" in html
    assert html.count("/clients/") >= 25


def test_two_people_editing_the_same_record_do_not_overwrite_each_other(world, as_member):
    target = world.clients["mine"]
    base = {"given_name": target.given_name, "family_name": target.family_name, "preferred_language": "en", "version": target.version}
    admin = as_member(world.m["admin"])
    first = admin.post(f"/clients/{target.pk}/edit/", {**base, "phone": "0111"})
    assert first.status_code == 302
    therapist = as_member(world.m["therapist"])
    second = therapist.post(f"/clients/{target.pk}/edit/", {**base, "address": "12 Quay Street"})
    html = second.content.decode()
    assert second.status_code == 200
    assert "Someone else saved changes to this record while you were editing" in html
    assert "12 Quay Street" in html  # the second person's typing is kept
    assert "0111" in html  # and they see the saved version
    target.refresh_from_db()
    assert target.phone == "0111" and target.address == ""
    retry = therapist.post(f"/clients/{target.pk}/edit/", {**base, "phone": "0111", "address": "12 Quay Street", "version": target.version})
    assert retry.status_code == 302
    target.refresh_from_db()
    assert (target.phone, target.address) == ("0111", "12 Quay Street")


def test_status_changes_are_audited_with_before_and_after(world, as_member):
    target = world.clients["mine"]
    as_member(world.m["therapist"]).post(f"/clients/{target.pk}/status/", {"status": "discharged"})
    event = AuditEvent.objects.filter(event_type="client.status_changed", client_id=target.pk).get()
    assert event.details == {"from": "active", "to": "discharged"}


def test_a_bogus_status_is_refused_without_an_error_page(world, as_member):
    target = world.clients["mine"]
    response = as_member(world.m["therapist"]).post(f"/clients/{target.pk}/status/", {"status": "deleted"}, follow=True)
    assert response.status_code == 200
    assert "Choose referred, active or discharged." in response.content.decode()
    target.refresh_from_db()
    assert target.status == "active"


def test_a_double_submitted_new_client_form_creates_two_records_only_if_sent_twice(world, as_member):
    browser = as_member(world.m["therapist"])
    payload = {"given_name": "Twice", "record_number": "RC-TWICE", "preferred_language": "en"}
    browser.post("/clients/new/", payload)
    again = browser.post("/clients/new/", payload)
    assert Client.objects.filter(given_name="Twice").count() == 1
    assert "already used" in again.content.decode()


def test_a_double_click_on_create_makes_one_record_and_both_land_on_it(world, as_member):
    browser = as_member(world.m["therapist"])
    payload = {"given_name": "Once", "preferred_language": "en", "submission_key": "abc123"}
    first = browser.post("/clients/new/", payload)
    second = browser.post("/clients/new/", payload)
    created = Client.objects.get(given_name="Once")
    assert first["Location"] == second["Location"] == f"/clients/{created.pk}/"


def test_a_caseload_row_shows_the_name_status_date_signal_and_every_assigned_person(world, as_member):
    """The caseload reads its rows as plain values (issue 15); each row still shows what the record holds."""
    from django.utils import formats, timezone

    from openipt.clients import actions as client_actions
    from tests.support.people import actor

    client = make_client(world.m["therapist"], given_name="Mohammed", preferred_name="Mo", family_name="Rowan",
                         status="referred")
    second = world.m["therapist2"].user
    second.display_name, second.first_name, second.last_name = "", "Ines", "Duarte"
    second.save(update_fields=["display_name", "first_name", "last_name"])
    client_actions.assign_staff(actor(world.m["admin"]), client.pk, world.m["therapist2"].pk)
    client_actions.set_signal(client.pk, "test", 3, "Risk <alert> open", "/safety/")
    client.refresh_from_db()

    html = as_member(world.m["admin"]).get("/clients/", {"q": "Rowan"}).content.decode()
    row = html[html.index("<tbody>"):html.index("</tbody>")]
    assert f'<a href="/clients/{client.pk}/">Mo Rowan</a>' in row
    assert "Mohammed" not in row  # the preferred name is the one shown
    assert '<span class="oi-badge oi-badge--referred">Referred</span>' in row
    assert formats.date_format(timezone.localtime(client.updated_at), "j M Y") in row
    assert '<span class="oi-signal oi-signal--3"><a href="/safety/">Risk &lt;alert&gt; open</a></span>' in row
    # the staff by the name they show others: a display name, else their full name
    assert f"{world.m['therapist'].user.display_name}, Ines Duarte" in row
