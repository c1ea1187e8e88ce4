"""A client's worksheet message and practice conversation are read in the client's preferred language: Spanish and
Swahili get tips in their language and the other person reacts as in English; words about harm hold the tips; a
language with no analyser says tips are not available yet, never the generic advice."""

from __future__ import annotations

import pytest
from django.utils import translation

from openipt.clients.models import Client
from openipt.practice import worksheet_actions
from openipt.practice.analyser import analyse
from openipt.practice.feedback_words import in_page_language
from openipt.practice.models import Rehearsal, RehearsalTurn
from tests.support.people import login

SAID = {"es": "Nunca me escuchas.", "sw": "Hunisikilizi kamwe."}
COULD = {"es": "Me siento sola cuando no hablamos. ¿Podemos hablar después de cenar?",
         "sw": "Ninajisikia mpweke tusipoongea. Tunaweza kuongea baada ya chakula?"}
# What the page shows: the pattern's label and the summary's opening, in the language (quotes as Django escapes them).
BLAME_LABEL = {"es": "Culpar con «tú»", "sw": "Kulaumu kwa &quot;wewe&quot;"}
REQUEST_LABEL = {"es": "Una petición clara", "sw": "Ombi lililo wazi"}
WORKS = {"es": "Lo que funciona:", "sw": "Kinachofanya kazi:"}
CHANGE = {"es": "Cosas que cambiar:", "sw": "Mambo ya kubadilisha:"}
NOTE = {"es": "Los comentarios son automáticos. Leen inglés, español y suajili",
        "sw": "Maoni haya ni ya kompyuta. Yanasoma Kiingereza, Kihispania na Kiswahili"}
HELD = {"es": "No hay consejos para este mensaje.", "sw": "Hakuna vidokezo kwa ujumbe huu."}
HARM = {"es": "A veces quiero morirme.", "sw": "Wakati mwingine nataka kufa."}
NOT_AVAILABLE = "Tips on how a message may come across are not available in this language yet."


def _client_writes(world, lang: str) -> None:
    Client.objects.filter(pk=world.clients["self"].pk).update(preferred_language=lang)


def _save_worksheet(client, me, said: str, could: str = "") -> str:
    sheet = worksheet_actions.start_worksheet(me, "communication_analysis")
    response = client.post(f"/me/worksheets/{sheet.pk}/", {
        "version": str(sheet.version), "title": "", "editor": "tab-1", "action": "save",
        "what_i_said": said, "could_say": could})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_worksheet_feedback_reads_the_clients_language_and_answers_in_it(world, client, me, screened, lang):
    _client_writes(world, lang)
    login(client, world.m["client"])
    page = _save_worksheet(client, me, SAID[lang], COULD[lang])
    assert BLAME_LABEL[lang] in page and CHANGE[lang] in page  # blame, on "what I said"
    assert REQUEST_LABEL[lang] in page and WORKS[lang] in page  # an I-statement and a request, on "what I could say"
    assert NOTE[lang] in page and "It only reads English" not in page
    assert "Nothing here clearly helps or hurts" not in page
    # the therapist reads the same feedback, worked out in the client's language
    login(client, world.m["therapist"])
    sheet = worksheet_actions.start_worksheet(me, "communication_analysis")
    worksheet_actions.save_worksheet(me, sheet.pk, {"what_i_said": SAID[lang]}, title="",
                                     expected_version=sheet.version, autosave=False, share=True, editor="tab-1")
    staff = client.get(f"/me/care/{world.clients['self'].pk}/worksheets/{sheet.pk}/").content.decode()
    assert BLAME_LABEL[lang] in staff
    assert f'<p lang="{lang}">{CHANGE[lang]}' in staff  # marked as the client's language on the English page
    assert f'<p lang="{lang}">' not in page  # the client's own page is in that language already


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_a_harm_word_in_the_language_holds_the_worksheet_tips(world, client, me, screened, lang):
    _client_writes(world, lang)
    login(client, world.m["client"])
    page = _save_worksheet(client, me, HARM[lang])
    assert HELD[lang] in page
    assert "pr-tip--helpful" not in page and "pr-tip--hurtful" not in page
    assert any(HARM[lang] in s["text"] for s in screened)  # still checked by the safety app as before


def test_a_language_with_no_analyser_says_tips_are_not_available(world, client, me, screened):
    _client_writes(world, "ar")
    login(client, world.m["client"])
    page = _save_worksheet(client, me, "لا تستمع إلي أبدا")
    assert NOT_AVAILABLE in page and "Nothing here clearly helps or hurts" not in page
    assert f'<p lang="en">{NOT_AVAILABLE}' in page  # English (no Arabic words for it yet), marked as English
    with translation.override("es"):  # a page in a language whose catalogue has the words gets them there
        words = in_page_language(analyse("Ni hao", language="zh")).feedback
    assert words.startswith("Todavía no hay consejos en este idioma")


def _start(client) -> Rehearsal:
    response = client.post("/me/practise/", {"scenario": "saying_no_friend", "name": "", "relationship": "",
                                             "situation": "", "submission_key": "start-1"})
    assert response.status_code == 302
    return Rehearsal.objects.latest("pk")


def _send(client, rehearsal: Rehearsal, text: str) -> RehearsalTurn:
    rehearsal.refresh_from_db()
    response = client.post(f"/me/practise/{rehearsal.pk}/", {"text": text, "steps": str(rehearsal.steps)})
    assert response.status_code == 302
    return RehearsalTurn.objects.filter(rehearsal=rehearsal, speaker="partner").latest("number")


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_the_partner_softens_at_an_i_statement_and_gets_defensive_at_blame_in_the_language(world, client, screened,
                                                                                           lang):
    _client_writes(world, lang)
    login(client, world.m["client"])
    kind = _send(client, _start(client), COULD[lang])
    assert kind.reaction == "softer" and kind.mood == "softer"
    mine = RehearsalTurn.objects.filter(rehearsal=kind.rehearsal, speaker="client").latest("number")
    assert mine.feedback["language"] == lang and mine.feedback["feedback"].startswith(WORKS[lang])
    blame = _send(client, _start(client), SAID[lang])
    assert blame.reaction == "defensive" and blame.mood == "defensive"
    page = client.get(f"/me/practise/{blame.rehearsal_id}/").content.decode()
    assert BLAME_LABEL[lang] in page and CHANGE[lang] in page


def test_the_partner_of_a_client_whose_language_has_no_analyser_says_tips_are_not_available(world, client, screened):
    _client_writes(world, "ar")
    login(client, world.m["client"])
    reply = _send(client, _start(client), "لا تستمع إلي أبدا")
    assert reply.reaction == "neutral"
    mine = RehearsalTurn.objects.filter(rehearsal=reply.rehearsal, speaker="client").latest("number")
    assert mine.feedback["supported"] is False and mine.feedback["feedback"].startswith(NOT_AVAILABLE)


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_the_analysers_words_in_the_language_wait_for_review_with_the_other_content(db, lang):
    from openipt.accounts import queries

    waiting = {p.key: p for p in queries.unreviewed_content(lang) if p.key.startswith("analyser:")}
    # one piece per pattern (its label, feedback and suggestion) and one for the feedback's fixed sentences
    assert len(waiting) == 13 and "analyser:blame_you_statement" in waiting and "analyser:messages" in waiting
    assert all(p.complete and p.translation != p.english for p in waiting.values())
    assert not [p for p in queries.unreviewed_content("ar") if p.key.startswith("analyser:")]  # no tips, nothing to review



# Risk the analyser's own harm words do not know, but the safety app's patterns for the language do: the risk screen
# reads the client's language too, so the tips are held and the practice pauses.
UNLISTED = {"es": "No aguanto más, ya tengo la cuerda.",
            "sw": "Nimeshaficha vidonge vyangu vyote nimalize maisha yangu Ijumaa."}
PAUSE = {"es": "Paremos la práctica aquí.", "sw": "Tusimamishe mazoezi hapa."}


@pytest.mark.parametrize("lang", ["es", "sw"])
@pytest.mark.parametrize("words", [HARM, UNLISTED], ids=["harm word", "risk without a harm word"])
def test_risk_in_the_clients_language_pauses_the_practice_and_holds_the_tips(world, client, me, screened, lang, words):
    if words is UNLISTED:
        assert analyse(UNLISTED[lang], language=lang).to_dict()["held"] is False  # the analyser alone would coach it
    _client_writes(world, lang)
    login(client, world.m["client"])
    talk = _start(client)
    reply = _send(client, talk, words[lang])
    # the practice pauses: the pause line in the language, or no reply at all when the safety app's own check has
    # paused automated features for the client (its risk rules decide that, not the analyser)
    assert reply.number == 0 or (reply.text.startswith(PAUSE[lang]) and reply.source == "pause")
    mine = RehearsalTurn.objects.get(rehearsal=talk, speaker="client")
    assert mine.feedback["held"] is True and mine.feedback["findings"] == []
    assert mine.feedback["feedback"].startswith(HELD[lang])
    page = _save_worksheet(client, me, words[lang])
    assert HELD[lang] in page and "pr-tip--helpful" not in page and "pr-tip--hurtful" not in page
