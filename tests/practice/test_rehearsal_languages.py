"""The rehearsal partner speaks the client's language: Spanish and Swahili scenarios, piece by piece, English (marked)
for a piece or a language with no translation, and a client's own words in any language always get an answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openipt.accounts import queries
from openipt.clients.models import Client
from openipt.practice import rehearsal_actions
from openipt.practice.analyser.yamlsource import DataError
from openipt.practice.models import Rehearsal, RehearsalTurn
from openipt.practice.rehearsal import PAUSE_TEXT, Turn, load_scenarios, next_reply
from openipt.practice.rehearsal.scenario import SCENARIO_DIR
from openipt.practice.rehearsal.translations import english_lines, load_translations, localise, pieces
from openipt.protocol import default_protocol
from tests.support.people import login

NOTE = "This page is in English because it is not translated into your language yet"
SCENARIOS = load_scenarios()


def _copy(tmp_path: Path, lang: str) -> Path:
    """A copy of the English scenarios with one language's translations, to change one file."""
    root = tmp_path / "scenarios"
    root.mkdir()
    for path in SCENARIO_DIR.glob("*.yaml"):
        shutil.copy(path, root / path.name)
    shutil.copytree(SCENARIO_DIR / lang, root / lang)
    return root


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_every_scenario_ships_whole_in_spanish_and_swahili_and_differs_from_the_english(lang):
    found = pieces(SCENARIOS, load_translations(SCENARIOS), lang)
    # 8 scenarios: their own text, 6 nodes each and the switch lines; and the pause line
    assert len(found) == 8 * (1 + 6 + 1) + 1 == 65
    assert [k for k, p in found.items() if not p.complete] == []
    assert [k for k, p in found.items() if p.translation == p.english] == []


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_the_scenario_translations_are_unreviewed_until_signed_off_and_counted_with_the_packs(lang, db):
    waiting = {p.key for p in queries.unreviewed_content(lang)}
    assert "scenario:housework/node:bristle" in waiting and "rehearsal:pause" in waiting
    row = next(r for r in queries.content_overview() if r["lang"] == lang)
    assert row["pieces"] == len(default_protocol().pieces(lang)) and row["english"] == 0
    assert {p.key for p in default_protocol().pieces(lang)} >= {"scenario:housework", "rehearsal:pause"}


def test_a_node_the_translation_leaves_out_is_in_english_and_only_that_node(tmp_path):
    root = _copy(tmp_path, "es")
    path = root / "es" / "housework.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  bristle:")
    end = text.index("  frosty:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    translations = load_translations(SCENARIOS, root)
    scenario, left = localise(SCENARIOS["housework"], translations.for_scenario("es", "housework"))
    assert left == {"scenario:housework/node:bristle"}
    assert scenario.nodes["bristle"].say == SCENARIOS["housework"].nodes["bristle"].say  # English, as shipped
    assert scenario.nodes["unsure"].say[0].startswith("Vale… no sé bien")
    assert scenario.opening.startswith("Hola. Vaya día.")
    assert "That's not fair. I work all day too, you know. I do plenty around here." in english_lines(
        SCENARIOS["housework"], left)
    piece = pieces(SCENARIOS, translations, "es")["scenario:housework/node:bristle"]
    assert not piece.complete and not piece.translated


@pytest.mark.parametrize("change, message", [
    (("  id: housework\n", "  id: housework\n"), None),  # unchanged: loads
    (("title: Pedirle", "area: grief\ntitle: Pedirle"), "area"),  # structure is not the translator's
    (("      - \"Sigo sin entenderlo. ¿Es por algo que hice?\"\n", ""), "needs 2 line(s)"),
    (("  bristle:\n", "  bristly:\n"), "no node 'bristly'"),
    (("{situation}", "{place}"), "unknown placeholder"),
])
def test_a_broken_translation_is_refused_naming_the_file_and_line(tmp_path, change, message):
    root = _copy(tmp_path, "es")
    path = root / "es" / "housework.yaml"
    old, new = change
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    if message is None:
        load_translations(SCENARIOS, root)
        return
    with pytest.raises(DataError) as caught:
        load_translations(SCENARIOS, root)
    assert message in str(caught.value) and "housework.yaml:" in str(caught.value)


@pytest.mark.parametrize("lang, words", [
    ("es", ["Te quiero mucho, pero no puedo ayudarte.", "Lo siento, de verdad estoy muy cansada."]),
    ("sw", ["Samahani sana, siwezi kukusaidia wikendi hii.", "Nimechoka sana, naomba unielewe."]),
])
def test_a_message_in_the_clients_language_gets_a_sensible_answer_in_that_language(lang, words):
    """Words that neither soften nor provoke (an apology, tiredness, a lone request), read by the client's language's
    analyser, keep the partner on the script's neutral path (asks again, calmly), in the client's language."""
    scenario, left = localise(SCENARIOS["saying_no_friend"],
                              load_translations(SCENARIOS).for_scenario(lang, "saying_no_friend"))
    assert not left
    transcript: list[Turn | str] = []
    for said in words:
        transcript.append(said)
        reply = next_reply(scenario, None, transcript, language=lang)
        assert reply.reaction == "neutral" and reply.node == "unsure" and not reply.paused
        assert reply.text in scenario.nodes["unsure"].say
        assert reply.text not in SCENARIOS["saying_no_friend"].nodes["unsure"].say


def _client_in(world, lang: str) -> None:
    Client.objects.filter(pk=world.clients["self"].pk).update(preferred_language=lang)


def _start(client, scenario="saying_no_friend", key="start-1"):
    response = client.post("/me/practise/", {"scenario": scenario, "name": "", "relationship": "",
                                             "situation": "", "submission_key": key})
    assert response.status_code == 302
    return Rehearsal.objects.latest("pk")


def _send(client, rehearsal, text):
    rehearsal.refresh_from_db()
    response = client.post(f"/me/practise/{rehearsal.pk}/", {"text": text, "steps": str(rehearsal.steps)})
    assert response.status_code == 302
    return client.get(f"/me/practise/{rehearsal.pk}/").content.decode()


@pytest.mark.parametrize("lang, title, opening, answers, message", [
    ("es", "Decirle que no a Jo", "¿verdad? Ya le dije a todo el mundo que vienes",
     ["Espera, ¿eso es un sí o un no?", "Perdona, no te entiendo. ¿Vienes o no?"],
     "Lo siento, este fin de semana no puedo."),
    ("sw", "Kumwambia Neema hapana", "Nimeshawaambia wote kwamba utakuja",
     ["Subiri, kwa hiyo ni ndiyo au hapana?", "Samahani, sijakuelewa. Unakuja au hapana?"],
     "Samahani, wikendi hii siwezi."),
])
def test_a_client_practises_in_their_language_and_the_partner_answers_in_it(world, client, screened, lang, title,
                                                                             opening, answers, message):
    _client_in(world, lang)
    login(client, world.m["client"])
    listing = client.get("/me/practise/").content.decode()
    assert title in listing and "Saying no to Jo" not in listing
    talk = _start(client)
    page = client.get(f"/me/practise/{talk.pk}/").content.decode()
    assert title in page and opening in page and NOTE not in page and 'lang="en"' not in page.split("<main")[-1]
    page = _send(client, talk, message)
    partner = list(RehearsalTurn.objects.filter(rehearsal=talk, speaker="partner").values_list("text", flat=True))
    assert partner[-1] in answers  # the neutral path, in the client's language
    assert partner[-1].replace("'", "&#x27;") in page or partner[-1] in page
    # the therapist's view of the same conversation shows the words as stored
    assert RehearsalTurn.objects.get(rehearsal=talk, speaker="client").text == message


def test_switching_roles_in_swahili_the_partner_models_lines_in_swahili(world, client):
    _client_in(world, "sw")
    login(client, world.m["client"])
    talk = _start(client)
    response = client.post(f"/me/practise/{talk.pk}/switch/")
    assert response.status_code == 302
    switched = Rehearsal.objects.latest("pk")
    page = client.get(f"/me/practise/{switched.pk}/").content.decode()
    assert "Ninakujali, na ninahitaji kusema hapana" in page and "Sasa wewe ni Neema" in page
    first = RehearsalTurn.objects.get(rehearsal=switched, speaker="partner")
    assert first.feedback in (None, {})  # no English analyser notes on a Swahili line


def test_a_client_whose_language_has_no_scenarios_gets_english_marked_and_told_why(world, client, screened):
    """Arabic has screens but no translated scenarios: the partner speaks English, marked lang="en", with the note."""
    _client_in(world, "ar")
    login(client, world.m["client"])
    listing = client.get("/me/practise/").content.decode()
    assert '<label for="scenario-saying_no_friend" lang="en">Saying no to Jo</label>' in listing
    talk = _start(client)
    page = _send(client, talk, "مرحبا، لا أستطيع المساعدة هذا الأسبوع")
    assert NOTE in page or '<p class="oi-muted">' in page
    assert '<h1 lang="en">Saying no to Jo</h1>' in page
    assert '<div class="pr-bubble" lang="en">Hey! So you&#x27;re still okay' in page
    answer = RehearsalTurn.objects.filter(rehearsal=talk, speaker="partner").last()
    assert answer is not None and answer.text in SCENARIOS["saying_no_friend"].nodes["unsure"].say
    assert f'<div class="pr-bubble" lang="en">{answer.text}' in page


@pytest.mark.parametrize("lang, start", [("es", "Paremos la práctica aquí."), ("sw", "Tusimamishe mazoezi hapa."),
                                         ("ar", PAUSE_TEXT[:30]), ("en", PAUSE_TEXT[:30])])
def test_the_pause_line_is_in_the_clients_language_or_english_said_so(lang, start):
    text, in_english = rehearsal_actions.pause_text(lang)
    assert text.startswith(start)
    assert in_english == (lang == "ar")
