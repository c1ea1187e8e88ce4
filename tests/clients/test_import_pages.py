"""The Import page as an admin uses it: upload, preview, confirm; and what a changed or old preview gets."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail, signing

from openipt.accounts.models import Invitation, Role
from openipt.clients import import_actions
from openipt.clients.models import Client, UsedImportToken
from tests.support.imports import confirm, csv_bytes, preview, token_in
from tests.support.people import login, make_member

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def admin(client, world):
    login(client, world.m["admin"])
    return client


def test_upload_preview_confirm_imports_the_clients_once(admin, world):
    data = csv_bytes(
        [["First name", "Surname", "DOB"], ["Amina", "Yusuf", "14/03/1990"], ["Ben", "Olsen", ""]],
        delimiter=";",
        bom=True,
    )
    before = Client.objects.filter(organisation=world.org).count()
    page = preview(admin, "clients", data)
    assert page.status_code == 200
    body = text(page)
    assert "2 clients are ready to import." in body and "Cells are separated by semicolons." in body
    assert "Dates are read as day/month/year." in body and "Amina" in body and "14/03/1990" in body
    assert Client.objects.filter(organisation=world.org).count() == before  # a preview saves nothing
    token = token_in(page)
    done = confirm(admin, token)
    assert done.status_code == 302 and done["Location"] == "/clients/"
    assert Client.objects.filter(organisation=world.org).count() == before + 2
    again = confirm(admin, token)  # a double click: the same submission lands where the first went
    assert again.status_code == 302 and Client.objects.filter(organisation=world.org).count() == before + 2
    replay = confirm(admin, token, key="another-key")  # the same preview sent again later: refused
    assert replay.status_code == 200 and "This preview was already imported." in text(replay)
    assert Client.objects.filter(organisation=world.org).count() == before + 2


def test_a_preview_of_name_only_rows_confirmed_twice_imports_them_once(admin, world):
    # Rows with only a name match no record already here, so only the used-up token stops a replay.
    data = csv_bytes([["Given name"], ["Nameonly"], ["Nameonly"]])
    page = preview(admin, "clients", data)
    token = token_in(page)
    assert token, text(page)
    named = Client.objects.filter(organisation=world.org, given_name="Nameonly")
    first = confirm(admin, token, key="k1")
    assert first.status_code == 302 and named.count() == 2
    assert "Imported 2 clients." in text(admin.get(first["Location"]))  # shows (and uses up) the message
    replay = confirm(admin, token, key="k2")
    body = text(replay)
    assert replay.status_code == 200 and "This preview was already imported." in body
    assert "Imported" not in body
    assert named.count() == 2
    assert UsedImportToken.objects.filter(organisation=world.org, admin=world.m["admin"]).count() == 1


def test_a_file_with_problems_shows_them_highlighted_and_offers_no_import(admin, world):
    data = csv_bytes([["Given name", "Date of birth"], ["Cara", "31/02/1990"], ["Dan", ""]])
    page = preview(admin, "clients", data)
    body = text(page)
    assert page.status_code == 200 and token_in(page) == ""
    assert "1 row has a problem, so nothing can be imported yet." in body
    assert 'id="row-2" class="oi-import-table__problem"' in body and 'id="row-3">' in body
    assert "Row 2</a>, Date of birth: This date does not exist." in body


def test_a_file_that_cannot_be_read_is_refused_on_the_form_keeping_the_choice(admin):
    page = preview(admin, "staff", b"Name,Phone\r\nAnn,1\r\n")
    body = text(page)
    assert page.status_code == 200
    assert (
        "Nothing was imported. The first row must name the columns. This file has no E-mail or Role column."
        in body
    )
    radios = {
        re.search(r'value="([^"]*)"', tag).group(1): tag
        for tag in re.findall(r'<input type="radio" name="kind"[^>]*>', body)
    }
    assert set(radios) == {"clients", "staff"}
    assert re.search(r"\schecked[\s>]", radios["staff"]) and "checked" not in radios["clients"]


def test_no_file_chosen_says_so(admin):
    page = admin.post("/clients/import/", {"kind": "clients"})
    assert page.status_code == 200 and "Choose the CSV file to upload." in text(page)


def test_staff_import_sends_invitations_after_the_commit(admin, world, django_capture_on_commit_callbacks):
    data = csv_bytes(
        [["E-mail", "Role"], ["tia@example.test", "therapist"], ["uma@example.test", "facilitator"]]
    )
    token = token_in(preview(admin, "staff", data))
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        done = confirm(admin, token)
    assert len(after_commit) == 1
    assert done.status_code == 302 and done["Location"] == "/account/people/"
    invited = Invitation.objects.filter(
        organisation=world.org, email__in=["tia@example.test", "uma@example.test"]
    )
    assert sorted(invited.values_list("role", flat=True)) == [Role.FACILITATOR, Role.THERAPIST]
    assert sorted(m.to[0] for m in mail.outbox) == ["tia@example.test", "uma@example.test"]
    assert all("/account/invite/" in m.body for m in mail.outbox)


@pytest.mark.parametrize("change", ["edit", "forge", "empty"])
def test_a_changed_preview_imports_nothing(admin, world, change):
    token = token_in(preview(admin, "clients", csv_bytes([["Given name"], ["Ann"]])))
    if change == "edit":
        token = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    elif change == "forge":
        token = signing.dumps(
            {"m": world.m["admin"].pk, "k": "clients", "t": "Given name\r\nMallory\r\n", "n": "x"},
            salt=import_actions.TOKEN_SALT,
            key="guessed",
            compress=True,
        )
    else:
        token = ""
    before = Client.objects.count()
    page = confirm(admin, token)
    assert page.status_code == 200 and "This preview could not be read. Nothing was imported." in text(page)
    assert Client.objects.count() == before


def test_another_admins_preview_cannot_be_confirmed(admin, world, client):
    token = token_in(preview(admin, "clients", csv_bytes([["Given name"], ["Ann"]])))
    colleague = make_member(world.org, Role.ADMIN)
    client.logout()
    login(client, colleague)
    before = Client.objects.count()
    assert "could not be read" in text(confirm(client, token))
    assert Client.objects.count() == before


def test_a_preview_older_than_an_hour_must_be_uploaded_again(admin, world, monkeypatch):
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - import_actions.TOKEN_MAX_AGE - 5)
    from tests.support.people import actor

    token = import_actions.seal_upload(actor(world.m["admin"]), "clients", "Given name\r\nAnn\r\n", "a.csv")
    monkeypatch.setattr(signing.time, "time", real)
    before = Client.objects.count()
    assert "more than an hour old" in text(confirm(admin, token))
    assert Client.objects.count() == before


@pytest.mark.parametrize(
    "kind, header",
    [("clients", "Given name,Family name,Preferred name,Record number"), ("staff", "E-mail,Role,Supervisor")],
)
def test_the_template_has_the_column_names(admin, kind, header):
    response = admin.get(f"/clients/import/template.csv?kind={kind}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").startswith(header)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 50,
        b"\xff\xfe\x00\x00",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b'"' * 5000,
        b"Given name\r\n" + b'"unterminated' + b"x" * 200_000,
        b"Given name\r\n" + b"\xe9" * 1000,
        ("Given name,Family name\r\n" + "\u202e\ud7ff,\U0001f600\r\n" * 50).encode(),
        b"Given name\r\n" + b"a," * 100_000,
        b"Given name\r\n" + b"x" * 1_100_000,
    ],
)
def test_garbage_uploads_get_a_clear_answer_never_a_server_error(admin, data):
    for kind in ("clients", "staff"):
        page = preview(admin, kind, data)
        assert page.status_code == 200
        said = text(page)
        assert (
            "Nothing was imported" in said
            or "This file is empty" in said
            or "ready to" in said
            or "nothing can be imported" in said
        )


def test_hostile_tokens_and_cells_get_a_page_never_a_server_error(admin, world):
    from tests.fuzz.values import HOSTILE

    before = Client.objects.count()
    for value in HOSTILE.values():
        page = admin.post("/clients/import/confirm/", {"token": value, "submission_key": value[:64]})
        assert page.status_code == 200 and "Nothing was imported" in text(page)
        cells = [
            ["Given name", "Family name", "Date of birth", "Sex", "Assigned staff"],
            [value, value, value, value, value],
        ]
        for kind in ("clients", "staff"):
            assert (
                preview(
                    admin, kind, csv_bytes(cells, encoding="utf-8", newline="\n").replace(b"\x00", b"")
                ).status_code
                == 200
            )
    assert Client.objects.count() == before
    shown = text(preview(admin, "clients", csv_bytes([["Given name"], ["<script>alert(1)</script>"]])))
    assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
