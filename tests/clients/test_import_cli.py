"""`openipt import clients|staff FILE --org SLUG [--dry-run]`: the page's checks and import, from a terminal."""

from __future__ import annotations

import pytest

from openipt.accounts.models import Invitation, Role
from openipt.audit.models import AuditEvent
from openipt.cli import main
from openipt.clients.models import Client
from tests.support.imports import csv_bytes
from tests.support.people import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients_csv(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(
        csv_bytes(
            [["Given name", "Surname", "DOB"], ["Amina", "Yusuf", "14/03/1990"], ["Zoë", "", ""]],
            delimiter=";",
            encoding="cp1252",
        )
    )
    return path


def test_dry_run_checks_and_saves_nothing_then_the_import_saves_all(world, clients_csv, capsys):
    before = Client.objects.filter(organisation=world.org).count()
    assert main(["import", "clients", str(clients_csv), "--org", world.org.slug, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Read 2 rows (Windows-1252, semicolon-separated" in out and "Nothing was saved" in out
    assert Client.objects.filter(organisation=world.org).count() == before
    assert main(["import", "clients", str(clients_csv), "--org", world.org.slug]) == 0
    assert (
        f"Imported 2 clients into {world.org.slug}, acting as {world.m['admin'].user.username}."
        in capsys.readouterr().out
    )
    assert Client.objects.filter(organisation=world.org).count() == before + 2
    event = AuditEvent.objects.filter(event_type="client.imported").get()
    assert (event.actor_user_id, event.user_agent) == (
        world.m["admin"].user_id,
        "openipt import (command line)",
    )


def test_problems_are_listed_by_row_and_column_and_nothing_is_imported(world, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(
        csv_bytes([["E-mail", "Role"], ["tia@example.test", "therapist"], ["uma@example.test", "chef"]])
    )
    before = Invitation.objects.count()
    assert main(["import", "staff", str(path), "--org", world.org.slug]) == 1
    err = capsys.readouterr().err
    assert (
        "row 3, Role: Write one of these roles" in err
        and "Nothing was imported: 1 of 2 rows have problems." in err
    )
    assert Invitation.objects.count() == before


def test_staff_import_invites_and_e_mails(
    world, tmp_path, capsys, mailoutbox, django_capture_on_commit_callbacks
):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes([["E-mail", "Role"], ["tia@example.test", "therapist"]]))
    with django_capture_on_commit_callbacks(execute=True):
        assert main(["import", "staff", str(path), "--org", world.org.slug]) == 0
    assert Invitation.objects.filter(email="tia@example.test", role=Role.THERAPIST).exists()
    assert [m.to for m in mailoutbox] == [["tia@example.test"]] and "/account/invite/" in mailoutbox[0].body


def test_command_problems_exit_2_with_one_line(world, clients_csv, tmp_path, capsys):
    assert main(["import", "clients", str(clients_csv), "--org", "no-such-org"]) == 2
    assert "no organisation with the short name 'no-such-org'" in capsys.readouterr().err
    assert main(["import", "clients", str(tmp_path / "missing.csv"), "--org", world.org.slug]) == 2
    assert "cannot read" in capsys.readouterr().err
    make_member(world.org, Role.ADMIN, username="second-admin")
    assert main(["import", "clients", str(clients_csv), "--org", world.org.slug]) == 2
    assert "more than one admin" in capsys.readouterr().err
    therapist = world.m["therapist"].user.username
    assert main(["import", "clients", str(clients_csv), "--org", world.org.slug, "--as", therapist]) == 2
    assert (
        main(
            [
                "import",
                "clients",
                str(clients_csv),
                "--org",
                world.org.slug,
                "--as",
                "second-admin",
                "--dry-run",
            ]
        )
        == 0
    )
