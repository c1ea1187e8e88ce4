"""Translated content is unreviewed until an admin signs it off, piece by piece; a change undoes the sign-off."""

from __future__ import annotations

import pytest

from openipt.accounts import queries
from openipt.audit.models import AuditEvent
from openipt.cli import main
from openipt.protocol import load_protocol
from openipt.protocol.loader import CONTENT_ROOT
from tests.protocol.test_content_language_packs import _copy_sw
from tests.support.people import login


def _translated(lang: str) -> int:
    return sum(1 for p in load_protocol().pieces(lang) if p.translated)


def test_an_admin_signs_off_translated_steps_and_the_audit_log_names_them(world, client):
    waiting = queries.unreviewed_content("sw")
    assert len(waiting) == _translated("sw") > 0  # every piece the project wrote starts unreviewed
    login(client, world.m["therapist"])
    assert client.get("/account/translations/?lang=sw").status_code == 403
    login(client, world.m["admin"])
    page = client.get("/account/translations/?lang=sw").content.decode()
    assert "Wakaribishe wote" in page and "step:group.first.welcome" in page
    first = next(p for p in waiting if p.key == "step:group.first.welcome")
    response = client.post("/account/translations/", {"lang": "sw", "what": "content", "piece": [queries.piece_id(first)]})
    assert response.status_code == 302
    left = queries.unreviewed_content("sw")
    assert len(left) == len(waiting) - 1 and first.key not in {p.key for p in left}
    event = AuditEvent.objects.filter(event_type="translation.content_signed_off").latest("pk")
    assert event.details["pieces"] == ["step:group.first.welcome"] and event.details["count"] == 1
    assert event.actor_user_id == world.m["admin"].user_id
    # The catalogue's sign-offs are untouched, and Spanish content still waits.
    assert len(queries.unreviewed_content("es")) == _translated("es")
    client.post("/account/translations/", {"lang": "sw", "what": "content", "all": "1",
                                           "shown": [queries.piece_id(p) for p in left]})
    assert queries.unreviewed_content("sw") == []


def _sign_all(client, lang="sw"):
    """Press "Sign off the whole list" on the page as it is now."""
    client.post("/account/translations/", {"lang": lang, "what": "content", "all": "1",
                                           "shown": [queries.piece_id(p) for p in queries.unreviewed_content(lang)]})


def test_a_changed_translation_needs_a_new_sign_off(world, client, tmp_path, monkeypatch):
    login(client, world.m["admin"])
    _sign_all(client)
    assert queries.unreviewed_content("sw") == []
    # The pack's wording of one step changes (a new release, or a site's edit).
    pack = _copy_sw(tmp_path)
    path = pack / "group_guides.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Wakaribishe wote", "Karibuni nyote"), encoding="utf-8")
    changed = load_protocol(CONTENT_ROOT / "en", [pack])
    monkeypatch.setattr("openipt.accounts.queries.default_protocol", lambda: changed)
    assert [p.key for p in queries.unreviewed_content("sw")] == ["step:group.first.welcome"]


def test_a_piece_id_nobody_has_is_refused_and_nothing_is_signed(world, client):
    login(client, world.m["admin"])
    before = len(queries.unreviewed_content("sw"))
    client.post("/account/translations/", {"lang": "sw", "what": "content", "piece": ["nope"]})
    client.post("/account/translations/", {"lang": "xx", "what": "content", "all": "1"})
    assert len(queries.unreviewed_content("sw")) == before
    assert not AuditEvent.objects.filter(event_type="translation.content_signed_off").exists()


@pytest.mark.django_db
def test_i18n_status_counts_each_content_pack(world, client, capsys):
    total = len(load_protocol().pieces("sw"))
    whole = sum(1 for p in load_protocol().pieces("sw") if p.complete)
    assert main(["i18n", "status"]) == 0
    out = capsys.readouterr().out
    row = next(line.split() for line in out.splitlines() if line.startswith("sw") and len(line.split()) == 5
               and line.split()[1] == str(total))
    assert row == ["sw", str(total), str(whole), str(_translated("sw")), str(total - whole)]
    login(client, world.m["admin"])
    _sign_all(client)
    assert main(["i18n", "status"]) == 0
    out = capsys.readouterr().out
    row = next(line.split() for line in out.splitlines() if line.startswith("sw") and len(line.split()) == 5
               and line.split()[1] == str(total))
    assert row[3] == "0"


def test_the_whole_list_signs_only_the_wording_the_page_showed(world, client, tmp_path, monkeypatch):
    """A pack that changes between showing the page and pressing the button: the changed piece stays unreviewed."""
    login(client, world.m["admin"])
    page = client.get("/account/translations/?lang=sw").content.decode()
    shown = [queries.piece_id(p) for p in queries.unreviewed_content("sw")]
    assert all(f'name="shown" value="{i}"' in page for i in shown)
    pack = _copy_sw(tmp_path)
    path = pack / "group_guides.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Wakaribishe wote", "Karibuni nyote"), encoding="utf-8")
    changed = load_protocol(CONTENT_ROOT / "en", [pack])
    monkeypatch.setattr("openipt.accounts.queries.default_protocol", lambda: changed)
    client.post("/account/translations/", {"lang": "sw", "what": "content", "all": "1", "shown": shown})
    assert [p.key for p in queries.unreviewed_content("sw")] == ["step:group.first.welcome"]
