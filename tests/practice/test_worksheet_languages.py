"""Worksheets in the client's language: Spanish and Swahili words, piece by piece, English (marked) for the rest.

Each worksheet's own text (title, short name, intro) and each field (label and help) is a content piece, reviewed
and counted with the protocol's pieces; a piece a language lacks is shown in English on its own, never silently.
"""

from __future__ import annotations

import pytest

from openipt.accounts import queries
from openipt.audit.models import AuditEvent
from openipt.clients.models import Client
from openipt.practice import worksheet_actions, worksheetdefs
from openipt.practice.analyser.yamlsource import DataError
from openipt.practice.models import Worksheet
from openipt.protocol import default_protocol
from tests.support.people import login

NOTE = "This page is in English because it is not translated into your language yet"
HX = {"HTTP_HX_REQUEST": "true"}
# What each shipped language calls the grief worksheet and its first question (the project's own words).
GRIEF = {
    "es": ("Recordar a alguien que murió", "¿Quién murió, y qué era para ti?"),
    "sw": ("Kumkumbuka mtu aliyefariki", "Nani alifariki, na alikuwa nani kwako?"),
}


def _client_reads(world, lang: str) -> None:
    Client.objects.filter(pk=world.clients["self"].pk).update(preferred_language=lang)


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_spanish_and_swahili_translate_every_piece_of_the_five_worksheets_and_all_wait_for_review(lang):
    pieces = worksheetdefs.pieces(lang)
    english = worksheetdefs.definitions()
    # one piece per worksheet (title, short name, intro) and one per field (label and help)
    assert len(pieces) == len(english) + sum(len(d.fields) for d in english.values()) == 39
    assert [key for key, p in pieces.items() if not p.complete] == []
    assert [key for key, p in pieces.items() if p.translation == p.english] == []
    # the review list and the status counts carry them beside the protocol's pieces
    keys = {p.key for p in default_protocol().pieces(lang)}
    assert set(pieces) <= keys
    assert not default_protocol().shown_in_english("worksheet:grief/fields:person", lang)
    # every field a client sees has a label in the language, with the help where the English has help
    for defn in worksheetdefs.definitions(lang).values():
        assert not defn.any_in_english
        for field, base in zip(defn.fields, english[defn.id].fields, strict=True):
            assert field.label != base.label and bool(field.help) == bool(base.help)
            assert (field.id, field.type, field.analyse) == (base.id, base.type, base.analyse)  # structure unchanged


def test_a_language_with_no_worksheet_translation_gets_every_piece_in_english_and_marked():
    arabic = worksheetdefs.definitions("ar")
    english = worksheetdefs.definitions("en")
    assert [d.title for d in arabic.values()] == [d.title for d in english.values()]
    assert all(d.in_english and all(f.in_english for f in d.fields) for d in arabic.values())
    assert not any(d.any_in_english for d in english.values())
    assert default_protocol().shown_in_english("worksheet:grief", "ar")


def test_a_piece_the_translation_lacks_is_english_on_its_own_and_the_rest_translated(tmp_path):
    english = worksheetdefs.definitions()
    (tmp_path / "grief.yaml").write_text(
        "id: grief\ntitle: Recordar\nshort: Duelo\nintro: Tómate tu tiempo.\nfields:\n"
        "  - {id: person, label: ¿Quién murió?}\n"
        "  - {id: memories, label: Recuerdos}\n",  # its help is missing: the whole field stays English
        encoding="utf-8")
    given = worksheetdefs.load_translations(tmp_path, english)
    grief = worksheetdefs.localise(english["grief"], given)
    assert (grief.title, grief.in_english) == ("Recordar", False)
    person, memories, good = grief.fields[:3]
    assert (person.label, person.in_english) == ("¿Quién murió?", False)
    assert (memories.label, memories.in_english) == ("Memories of them", True)
    assert memories.help == english["grief"].field("memories").help
    assert (good.label, good.in_english) == ("What was good about them and about us", True)
    pieces = worksheetdefs.compare(worksheetdefs.english_texts(english), given)
    assert pieces["worksheet:grief/fields:memories"].translated and not pieces["worksheet:grief/fields:memories"].complete


@pytest.mark.parametrize("text, message", [
    ("id: grief\ntitle: Duelo\nfields:\n  - {id: person, label: Quién, type: long}\n", "grief.yaml:4:"),
    ("id: grief\ntitle: Duelo\nfields:\n  - {id: nobody, label: Quién}\n", "grief.yaml:4: fields[0].id: grief has no field 'nobody'"),
    ("id: grief\ntitle: Duelo\norder: 1\n", "grief.yaml:3:"),
    ("id: nothing\ntitle: Nada\n", "no English worksheet 'nothing'"),
])
def test_a_translation_may_change_text_only_and_a_mistake_names_the_file_and_line(tmp_path, text, message):
    (tmp_path / "grief.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        worksheetdefs.load_translations(tmp_path, worksheetdefs.definitions())
    assert message in str(caught.value)


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_a_client_fills_in_a_worksheet_in_their_language(world, client, me, screened, lang):
    _client_reads(world, lang)
    sheet = worksheet_actions.start_worksheet(me, "grief")
    login(client, world.m["client"])
    title, question = GRIEF[lang]
    page = client.get(f"/me/worksheets/{sheet.pk}/").content.decode()
    assert f"<h1>{title}</h1>" in page and question in page
    assert "Remembering someone who died" not in page and "Who died" not in page
    assert NOTE not in page and 'lang="en"' not in page
    listing = client.get("/me/worksheets/").content.decode()
    assert title in listing and "Remembering someone who died" not in listing
    assert title in client.get("/me/").content.decode()
    # the client's own words are saved and screened for risk as typed, in their language
    words = {"es": "Mi abuela Rosa. Ya no quiero vivir sin ella.", "sw": "Bibi yangu Rosa. Sitaki kuishi bila yeye."}[lang]
    response = client.post(f"/me/worksheets/{sheet.pk}/autosave/",
                           {"version": str(sheet.version), "title": "", "editor": "tab-1", "person": words}, **HX)
    assert response.status_code == 200
    assert Worksheet.objects.get(pk=sheet.pk).data["person"] == words
    assert screened[-1]["source"] == "practice.worksheet" and words in screened[-1]["text"]


def test_a_spanish_client_writing_spanish_in_the_analysed_fields_gets_an_answer_not_an_error(world, client, me):
    _client_reads(world, "es")
    sheet = worksheet_actions.start_worksheet(me, "communication_analysis")
    login(client, world.m["client"])
    page = client.get(f"/me/worksheets/{sheet.pk}/").content.decode()
    assert "Repasar una conversación difícil" in page and "Lo que dije" in page
    response = client.post(f"/me/worksheets/{sheet.pk}/", {
        "version": str(sheet.version), "title": "", "editor": "tab-1", "action": "save",
        "what_i_said": "¡Nunca me escuchas!", "could_say": "Me siento sola cuando no hablamos. ¿Podemos hablar después de cenar?"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "¡Nunca me escuchas!" in page or "&iexcl;Nunca me escuchas!" in page


def test_an_arabic_client_gets_the_worksheet_in_english_marked_and_told_why(world, client, me):
    _client_reads(world, "ar")
    sheet = worksheet_actions.start_worksheet(me, "grief")
    login(client, world.m["client"])
    page = client.get(f"/me/worksheets/{sheet.pk}/").content.decode()
    # the note (the reading page's own words, in English until the Arabic catalogue has them) comes before the title
    last_paragraph = page.split('<h1 lang="en">')[0].rsplit("<p", 1)[-1]
    assert NOTE in last_paragraph or last_paragraph.startswith(' class="oi-muted">')
    assert '<h1 lang="en">Remembering someone who died</h1>' in page
    assert '<p lang="en">Losing someone close' in page
    assert 'lang="en">Who died, and who were they to you?</label>' in page
    assert 'lang="en">How you met, things you did together' in page
    listing = client.get("/me/worksheets/").content.decode()
    assert '<span lang="en">Remembering someone who died</span>' in listing
    assert 'lang="en">Making a decision</label>' in listing and "oi-in-english" in listing


def test_a_worksheet_translated_in_part_marks_only_the_english_pieces(world, client, me, monkeypatch):
    _client_reads(world, "sw")
    english = worksheetdefs.definitions()
    partial = dict(worksheetdefs.definitions("sw"))
    partial["grief"] = worksheetdefs.localise(english["grief"], {
        "worksheet:grief": {"title": "Kumkumbuka mtu aliyefariki", "short": "Kufiwa", "intro": "Chukua muda wako."},
        "worksheet:grief/fields:person": {"label": "Nani alifariki?"}})
    monkeypatch.setattr("openipt.practice.views.worksheets.definition", lambda kind, lang=None: partial.get(kind))
    sheet = worksheet_actions.start_worksheet(me, "grief")
    login(client, world.m["client"])
    page = client.get(f"/me/worksheets/{sheet.pk}/").content.decode()
    assert "<h1>Kumkumbuka mtu aliyefariki</h1>" in page and ">Nani alifariki?</label>" in page
    assert 'lang="en">Memories of them</label> <span class="oi-badge oi-in-english">' in page
    assert page.count("oi-in-english") == len(english["grief"].fields) - 1  # every field but the translated one
    assert NOTE not in page


def test_an_admin_signs_off_a_worksheet_piece_and_the_audit_log_names_it(world, client):
    waiting = [p for p in queries.unreviewed_content("sw") if p.key.startswith("worksheet:")]
    assert len(waiting) == 39
    login(client, world.m["admin"])
    page = client.get("/account/translations/?lang=sw").content.decode()
    assert "worksheet:grief" in page and "Kumkumbuka mtu aliyefariki" in page
    grief = next(p for p in waiting if p.key == "worksheet:grief")
    response = client.post("/account/translations/", {"lang": "sw", "what": "content", "piece": [queries.piece_id(grief)]})
    assert response.status_code == 302
    left = {p.key for p in queries.unreviewed_content("sw")}
    assert "worksheet:grief" not in left and "worksheet:grief/fields:person" in left
    event = AuditEvent.objects.filter(event_type="translation.content_signed_off").latest("pk")
    assert event.details["pieces"] == ["worksheet:grief"]


def test_staff_read_a_clients_worksheet_in_their_own_language(world, client, me):
    _client_reads(world, "es")
    sheet = worksheet_actions.start_worksheet(me, "grief")
    worksheet_actions.save_worksheet(me, sheet.pk, {"person": "Mi abuela"}, title="", expected_version=sheet.version,
                                     autosave=False, share=True, editor="tab-1")
    login(client, world.m["therapist"])
    page = client.get(f"/me/care/{world.clients['self'].pk}/worksheets/{sheet.pk}/").content.decode()
    assert "Who died, and who were they to you?" in page and "Mi abuela" in page
    assert "¿Quién murió" not in page and "oi-in-english" not in page
