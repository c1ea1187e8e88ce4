"""Bulk import through the real actions and database: every row checked, all rows or none, invitations after commit."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core import mail, signing

from openipt.accounts.models import Invitation, Role
from openipt.audit.models import AuditEvent
from openipt.clients import import_actions
from openipt.clients.models import Client, UsedImportToken
from openipt.core.errors import ActionError
from tests.support.imports import csv_bytes
from tests.support.people import actor, make_client, make_member

pytestmark = pytest.mark.django_db

CLIENT_HEADER = [
    "Given name",
    "Family name",
    "Record number",
    "Date of birth",
    "Sex",
    "Language",
    "E-mail",
    "Phone",
    "Assigned staff",
]


def clients_file(*rows: list[str]) -> bytes:
    return csv_bytes([CLIENT_HEADER, *rows])


def problems(report) -> list[tuple[int, str, str]]:
    return [(row.number, report.header(key), words) for row in report.rows for key, words in row.problems]


def org_clients(world):
    return Client.objects.filter(organisation=world.org)


def send_nothing(issued):
    return True


def test_a_clean_file_imports_every_client_with_the_one_client_action(world):
    therapist = world.m["therapist"]
    data = clients_file(
        [
            "Amina",
            "Yusuf",
            "r-100",
            "14/03/1990",
            "F",
            "Somali",
            "amina@example.test",
            "+44 7700 900001",
            therapist.user.username,
        ],
        ["Ben", "Olsen", "", "1985-11-02", "", "", "", "", ""],
    )
    before = org_clients(world).count()
    report = import_actions.run_import(
        actor(world.m["admin"]), "clients", data, commit=True, file_name="intake.csv"
    )
    assert report.imported and report.ok, problems(report)
    assert org_clients(world).count() == before + 2
    amina = org_clients(world).get(given_name="Amina")
    assert (amina.record_number, amina.date_of_birth, amina.sex, amina.preferred_language) == (
        "R-100",
        date(1990, 3, 14),
        "female",
        "so",
    )
    assert list(amina.assignments.values_list("staff_id", flat=True)) == [therapist.pk]
    ben = org_clients(world).get(given_name="Ben")
    assert ben.record_number.startswith("C-") and ben.preferred_language == world.org.default_language
    assert not ben.assignments.exists()  # an admin who imports is not put on anyone's care team
    # One audit event per record, as when adding one client, and one for the import that says what it was.
    assert (
        AuditEvent.objects.filter(event_type="client.created", client_id__in=[amina.pk, ben.pk]).count() == 2
    )
    summary = AuditEvent.objects.filter(event_type="client.imported").get()
    assert summary.details == {"rows": 2, "file_name": "intake.csv"}


def test_each_problem_names_its_row_and_column_in_plain_words(world):
    data = clients_file(
        ["Cara", "", "", "31/02/1990", "", "", "", "", ""],
        ["", "Nobody", "", "", "", "", "", "", ""],
        ["Dan", "", "", "", "maybe", "Klingon", "not-an-email", "call me", "no-such-person"],
        ["Eve", "", "", "01/01/2999", "", "", "", "", ""],
    )
    report = import_actions.run_import(actor(world.m["admin"]), "clients", data, commit=False)
    found = problems(report)
    assert (2, "Date of birth", "This date does not exist. Dates are read as day/month/year.") in found
    assert (3, "Given name", "Write the client's given name.") in found
    assert {column for number, column, _w in found if number == 4} == {
        "Sex",
        "Language",
        "E-mail",
        "Phone",
        "Assigned staff",
    }
    assert (
        5,
        "Date of birth",
        "Enter a real date of birth in the past.",
    ) in found  # the one-client form's words
    assert not report.ok


def test_one_bad_row_imports_nothing_at_all(world):
    data = clients_file(
        *[[f"Person{n}", "Good", "", "", "", "", "", "", ""] for n in range(20)],
        ["Bad", "Row", "", "not a date", "", "", "", "", ""],
    )
    before = org_clients(world).count()
    events = AuditEvent.objects.count()
    report = import_actions.run_import(actor(world.m["admin"]), "clients", data, commit=True)
    assert not report.imported
    assert [number for number, _c, _w in problems(report)] == [22]
    assert org_clients(world).count() == before and AuditEvent.objects.count() == events


def test_a_row_the_action_refuses_refuses_the_whole_file(world):
    """The form cannot know a record number is taken; the action can, and its refusal stops everything."""
    make_client(world.m["admin"], record_number="R-7")
    data = clients_file(["Fay", "", "", "", "", "", "", "", ""], ["Gus", "", "r-7", "", "", "", "", "", ""])
    before = org_clients(world).count()
    report = import_actions.run_import(actor(world.m["admin"]), "clients", data, commit=True)
    assert not report.imported
    assert [(n, c) for n, c, _w in problems(report)] == [(3, "Record number")]
    assert "R-7 is already used" in problems(report)[0][2]
    assert org_clients(world).count() == before


def test_a_preview_tries_everything_and_keeps_nothing(world):
    data = clients_file(["Hal", "", "", "", "", "", "", "", ""])
    before, events = org_clients(world).count(), AuditEvent.objects.count()
    report = import_actions.run_import(actor(world.m["admin"]), "clients", data, commit=False)
    assert report.ok and not report.imported
    assert org_clients(world).count() == before and AuditEvent.objects.count() == events


def test_duplicates_within_the_file_are_reported_against_the_first_row(world):
    data = clients_file(
        ["Ida", "Ray", "R-1", "02/03/1980", "", "", "ida@example.test", "", ""],
        ["Ida", "Ray", "", "1980-03-02", "", "", "", "", ""],
        ["Jo", "", "r-1", "", "", "", "IDA@example.test", "", ""],
    )
    found = problems(import_actions.run_import(actor(world.m["admin"]), "clients", data, commit=False))
    assert (
        3,
        "Given name",
        "Row 2 has the same name and date of birth. If it is the same person, keep only one of the rows.",
    ) in found
    assert (4, "Record number", "Row 2 has the same record number. Each client needs their own.") in found
    assert (4, "E-mail", "Row 2 has the same e-mail address. Check whether it is the same person.") in found
    assert not any(number == 2 for number, _c, _w in found)


def test_duplicates_of_records_already_here_are_reported_with_their_record_number(world):
    known = make_client(
        world.m["admin"],
        given_name="Kim",
        family_name="Lund",
        date_of_birth=date(1975, 6, 1),
        email="Kim.Lund@example.test",
    )
    elsewhere = make_client(
        world.m["other_admin"], given_name="Lee", family_name="Moss", date_of_birth=date(1970, 1, 1)
    )
    data = clients_file(
        ["kim", "LUND", "", "01/06/1975", "", "", "", "", ""],
        ["Kimberley", "", "", "", "", "", "kim.lund@example.test", "", ""],
        [
            "Lee",
            "Moss",
            "",
            "01/01/1970",
            "",
            "",
            "",
            "",
            "",
        ],  # the same person in another organisation: not seen
    )
    found = problems(import_actions.run_import(actor(world.m["admin"]), "clients", data, commit=False))
    assert [(n, c) for n, c, _w in found] == [(2, "Given name"), (3, "E-mail")]
    assert all(known.record_number in words for _n, _c, words in found)
    assert elsewhere.record_number not in str(found)


def test_staff_rows_become_invitations_with_their_roles_and_e_mails_go_after_the_commit(
    world, django_capture_on_commit_callbacks
):
    supervisor = world.m["supervisor"]
    data = csv_bytes(
        [
            ["Email", "Job", "Supervised by"],
            ["tia@example.test", "Therapist", supervisor.user.email],
            ["uma@example.test", "group facilitator", ""],
            ["vic@example.test", "Supervisor", ""],
        ]
    )
    sent = []

    def send(issued):
        sent.append(issued.invitation.email)
        return issued.invitation.email != "vic@example.test"  # one e-mail fails to go

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = import_actions.run_import(actor(world.m["admin"]), "staff", data, commit=True, send=send)
        assert sent == []  # nothing is sent inside the transaction
    assert report.imported
    for callback in callbacks:
        callback()
    assert sent == ["tia@example.test", "uma@example.test", "vic@example.test"]
    assert report.mail_failed == ["vic@example.test"]
    made = {
        i.email: (i.role, i.supervisor_id)
        for i in Invitation.objects.filter(
            organisation=world.org, email__endswith="@example.test", accepted_at=None
        )
    }
    assert made["tia@example.test"] == (Role.THERAPIST, supervisor.pk)
    assert made["uma@example.test"] == (Role.FACILITATOR, None)
    assert made["vic@example.test"] == (Role.SUPERVISOR, None)
    summary = AuditEvent.objects.filter(event_type="invite.imported").get()
    assert summary.details["rows"] == 3


def test_staff_problems_duplicates_and_existing_members_refuse_the_file(
    world, django_capture_on_commit_callbacks
):
    member = make_member(world.org, Role.THERAPIST)
    import_actions.account_actions.invite(
        actor(world.m["admin"]), email="open@example.test", role="therapist"
    )
    data = csv_bytes(
        [
            ["E-mail", "Role", "Supervisor"],
            ["new@example.test", "therapist", ""],
            ["NEW@example.test", "facilitator", ""],
            [member.user.email, "therapist", ""],
            ["open@example.test", "therapist", ""],
            ["wx@example.test", "client", ""],
            ["not-an-address", "therapist", ""],
            ["", "admin", world.m["therapist"].user.username],
        ]
    )
    before = Invitation.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = import_actions.run_import(
            actor(world.m["admin"]), "staff", data, commit=True, send=send_nothing
        )
    assert not report.imported and callbacks == [] and mail.outbox == []
    found = {(n, c) for n, c, _w in problems(report)}
    assert found == {
        (3, "E-mail"),
        (4, "E-mail"),
        (5, "E-mail"),
        (6, "Role"),
        (7, "E-mail"),
        (8, "E-mail"),
        (8, "Supervisor"),
    }
    assert "already an open invitation" in dict(((n, c), w) for n, c, w in problems(report))[(5, "E-mail")]
    assert Invitation.objects.count() == before


@pytest.mark.parametrize("role", ["therapist", "supervisor", "facilitator", "client"])
def test_only_an_admin_may_import(world, role):
    with pytest.raises(ActionError):
        import_actions.run_import(
            actor(world.m[role]), "clients", clients_file(["Zed"] + [""] * 8), commit=True
        )


def test_the_preview_token_works_only_for_the_admin_it_was_made_for(world):
    admin = actor(world.m["admin"])
    token = import_actions.seal_upload(admin, "clients", "Given name\r\nAnn\r\n", "a.csv")
    assert import_actions.open_upload(admin, token) == ("clients", "Given name\r\nAnn\r\n", "a.csv")
    second_admin = actor(make_member(world.org, Role.ADMIN))
    payload = {"m": world.m["admin"].pk, "k": "clients", "t": "Given name\r\nMallory\r\n", "n": "a.csv"}
    forged = signing.dumps(payload, salt=import_actions.TOKEN_SALT, key="not-the-site-key")
    unsigned = signing.b64_encode(json.dumps(payload).encode()).decode()
    for who, what in [
        (second_admin, token),
        (actor(world.m["other_admin"]), token),
        (admin, token[:-2] + "xx"),
        (admin, forged),
        (admin, unsigned),
        (admin, ""),
        (admin, "a:b:c"),
    ]:
        with pytest.raises(ActionError, match="could not be read"):
            import_actions.open_upload(who, what)


def test_a_preview_token_imports_once_then_is_refused_and_a_refused_import_leaves_it_unused(world):
    admin = actor(world.m["admin"])
    text = "Given name\r\nSolo\r\nSolo\r\n"  # name-only rows: no duplicate check can catch a replay
    token = import_actions.seal_upload(admin, "clients", text, "a.csv")
    kind, opened, name = import_actions.open_upload(admin, token)
    solos = org_clients(world).filter(given_name="Solo")
    report = import_actions.run_import(admin, kind, opened, commit=True, file_name=name, token=token)
    assert report.imported and solos.count() == 2
    used = UsedImportToken.objects.get()
    assert used.organisation == world.org and used.admin == world.m["admin"] and len(used.digest) == 64
    assert token not in used.digest  # only a hash is kept
    with pytest.raises(ActionError, match="This preview was already imported."):
        import_actions.run_import(admin, kind, opened, commit=True, file_name=name, token=token)
    assert solos.count() == 2 and UsedImportToken.objects.count() == 1
    # A preview (commit=False) neither needs nor uses up a token; the command line passes none.
    assert import_actions.run_import(admin, kind, opened, commit=False, token=token).ok
    assert import_actions.run_import(admin, kind, opened, commit=True).imported and solos.count() == 4
    # An import refused for a problem row rolls back the token's use with everything else.
    bad = import_actions.seal_upload(
        admin, "clients", "Given name,Date of birth\r\nX,31/02/1990\r\n", "b.csv"
    )
    refused = import_actions.run_import(
        admin, "clients", import_actions.open_upload(admin, bad)[1], commit=True, token=bad
    )
    assert not refused.imported and UsedImportToken.objects.count() == 1
