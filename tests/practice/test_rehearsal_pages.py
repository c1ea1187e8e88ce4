"""Practising a conversation in the portal: choose, personalise, converse with feedback, restart,
switch roles; bad messages; the therapist reviews, comments and can turn it off; safety pauses it."""

from __future__ import annotations

import pytest

from openipt.core.errors import ActionError, ConflictError
from openipt.practice import actions, rehearsal_actions
from openipt.practice.models import Comment, Rehearsal, RehearsalTurn
from openipt.practice.rehearsal import PAUSE_TEXT
from tests.support.people import actor, login
from tests.support.practice import start_course

BLAME = "You never help me with anything!"
GOOD = "I feel exhausted when I do all the cleaning. Could you do the washing up on weeknights?"


def _send(client, rehearsal, text):
    rehearsal.refresh_from_db()
    return client.post(f"/me/practise/{rehearsal.pk}/", {"text": text, "steps": str(rehearsal.steps)})


def test_scenarios_for_the_course_area_and_stage_come_first(world, client):
    start_course(world, area="role_dispute", stage="renegotiation")
    login(client, world.m["client"])
    page = client.get("/me/practise/").content.decode()
    fits = page.split("Fits what you are working on")[1].split("Other conversations")[0]
    assert "housework" in fits and "saying_no_friend" in fits
    assert "grief_relative" not in fits and "quiet_parent" not in fits  # impasse, another stage


def test_a_client_practises_and_the_partner_softens_after_an_i_statement_with_a_request(world, client, screened):
    # given a client who starts the housework conversation in their own words (no inventory yet)
    login(client, world.m["client"])
    page = client.get("/me/practise/").content.decode()
    assert 'name="person"' not in page and 'name="name"' in page  # the free-text fallback
    response = client.post("/me/practise/", {"scenario": "housework", "name": "Dan", "relationship": "husband",
                                             "situation": "the washing up", "submission_key": "start-1"})
    talk = Rehearsal.objects.get()
    assert response.status_code == 302 and (talk.person_name, talk.partner) == ("Dan", "script")
    # when they blame, the partner gets defensive, and the feedback says why
    _send(client, talk, BLAME)
    page = client.get(f"/me/practise/{talk.pk}/").content.decode()
    assert "I work all day too" in page
    assert "Things to change:" in page and "Automated practice partner" in page
    # when they say how they feel and ask for one clear thing, the partner softens
    _send(client, talk, GOOD)
    page = client.get(f"/me/practise/{talk.pk}/").content.decode()
    assert "I didn&#x27;t know it was getting to you that much" in page
    assert "You named a feeling" in page and "You asked for one clear thing" in page
    # and a third turn keeps going; every message was saved with its feedback and sent to the safety app
    _send(client, talk, "I know you are tired too. What would feel fair to you?")
    turns = list(RehearsalTurn.objects.filter(rehearsal=talk).values_list("speaker", "source", "reaction"))
    assert turns == [("partner", "script", ""), ("client", "", ""), ("partner", "script", "defensive"),
                     ("client", "", ""), ("partner", "script", "softer"), ("client", "", ""),
                     ("partner", "script", "engaged")]
    assert RehearsalTurn.objects.get(rehearsal=talk, step=2, speaker="client").feedback["helpful"] == 3
    assert [s["source"] for s in screened] == ["practice.rehearsal"] * 4  # the personal words, then 3 messages


def test_restarting_from_a_turn_keeps_the_first_try_and_starts_a_copy(world, client, me):
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    rehearsal_actions.send_message(me, talk.pk, BLAME, expected_steps=0)
    rehearsal_actions.send_message(me, talk.pk, "Whatever.", expected_steps=1)
    login(client, world.m["client"])
    # when the client goes back to their first message
    response = client.post(f"/me/practise/{talk.pk}/restart/", {"step": "1"})
    copy = Rehearsal.objects.exclude(pk=talk.pk).get()
    assert response["Location"] == f"/me/practise/{copy.pk}/#message"
    # then the copy holds only the opening, the first try is untouched, and a new first message gets a new answer
    assert (copy.parent_id, copy.from_step, copy.steps) == (talk.pk, 1, 0)
    assert list(copy.turns.values_list("speaker", flat=True)) == ["partner"]
    assert talk.turns.count() == 5
    _send(client, copy, GOOD)
    assert copy.turns.last().reaction == "softer"
    # going back to message 2 keeps message 1 and its answer
    second = rehearsal_actions.restart_from(me, talk.pk, 2)
    assert list(second.turns.values_list("step", "speaker")) == [(0, "partner"), (1, "client"), (1, "partner")]
    with pytest.raises(ActionError):
        rehearsal_actions.restart_from(me, talk.pk, 9)


def test_switching_roles_lets_the_partner_play_the_client(world, client, me):
    talk = rehearsal_actions.start_rehearsal(me, "housework", name="Dan", relationship="husband")
    login(client, world.m["client"])
    client.post(f"/me/practise/{talk.pk}/switch/")
    switched = Rehearsal.objects.get(role="switched")
    page = client.get(f"/me/practise/{switched.pk}/").content.decode()
    assert "Roles switched." in page and "Now you play Dan" in page
    assert "You, played by the practice partner" in page
    _send(client, switched, "Fine. What do you want?")
    assert switched.turns.last().speaker == "partner"


@pytest.mark.parametrize("text, message", [
    ("", "Write a message first."),
    ("   \n  ", "Write a message first."),
    ("I feel upset. " * 200, "the most is 1,000"),
])
def test_an_empty_or_enormous_message_is_refused_and_the_typing_kept(world, client, me, text, message):
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    login(client, world.m["client"])
    response = _send(client, talk, text)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["text"])
    if text.strip():
        assert text.strip()[:100] in response.content.decode()
    assert talk.turns.count() == 1


def test_a_message_in_another_script_gets_a_clear_note_and_an_answer(world, client, me):
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    login(client, world.m["client"])
    _send(client, talk, "Мне очень тяжело, помоги мне пожалуйста")
    page = client.get(f"/me/practise/{talk.pk}/").content.decode()
    assert "can only read English for now" in page
    assert talk.turns.last().speaker == "partner"


def test_a_message_sent_from_a_stale_page_is_a_conflict_that_keeps_the_text(world, client, me):
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    rehearsal_actions.send_message(me, talk.pk, "Hello.", expected_steps=0)
    with pytest.raises(ConflictError):
        rehearsal_actions.send_message(me, talk.pk, "Hello again.", expected_steps=0)
    login(client, world.m["client"])
    response = client.post(f"/me/practise/{talk.pk}/", {"text": "Typed in the old tab", "steps": "0"})
    assert "moved on in another window" in response.content.decode()
    assert "Typed in the old tab" in response.content.decode()
    assert talk.turns.count() == 3


def test_a_risky_message_pauses_the_partner_and_shows_the_safety_plan(world, client, me):
    # given a conversation under way
    from openipt.safety.api import automated_features_paused

    talk = rehearsal_actions.start_rehearsal(me, "housework")
    login(client, world.m["client"])
    # when the client writes something that may be about harm
    _send(client, talk, "I can't do this anymore, I want to kill myself")
    # then the message is kept, the safety app paused automated features, and no partner answers
    assert automated_features_paused(world.clients["self"])
    assert list(talk.turns.values_list("speaker", flat=True)) == ["partner", "client"]
    page = client.get(f"/me/practise/{talk.pk}/").content.decode()
    assert "The practice partner is resting for now." in page
    assert "Something you wrote may be about feeling unsafe." in page
    assert "/safety/" in page.split('class="pr-calm"')[1]  # the help slot with the safety plan
    assert 'id="message"' not in page  # no box to keep talking to the partner
    # and nothing new can start until a person reopens it
    with pytest.raises(ActionError, match="resting"):
        rehearsal_actions.start_rehearsal(me, "housework")
    assert "The practice partner is resting for now." in client.get("/me/practise/").content.decode()


def test_a_pause_started_by_a_questionnaire_answer_says_so_not_something_you_wrote(world, client, me):
    from tests.support.safety import raise_answers

    # given a PHQ-9 answer to the suicide question that paused automated features
    raise_answers(world.clients["self"], "phq9", {**{f"q{i}": 0 for i in range(1, 9)}, "q9": 3})
    login(client, world.m["client"])
    page = client.get("/me/practise/").content.decode()
    # then the resting partner names the answer as the cause, not something the client wrote
    assert "The practice partner is resting for now." in page
    assert "One of your questionnaire answers may be about feeling unsafe." in page
    assert "Something you wrote" not in page


def test_words_about_harm_get_no_tips_and_raise_an_alert_with_the_message(world, me):
    from openipt.safety.models import Alert

    talk = rehearsal_actions.start_rehearsal(me, "housework")
    sent = rehearsal_actions.send_message(me, talk.pk, "Nobody would miss me if I was gone", expected_steps=0)
    mine = talk.turns.get(speaker="client")
    assert mine.feedback["held"] is True and mine.feedback["findings"] == []
    assert sent.paused and sent.reply is None
    alert = Alert.objects.get(client=world.clients["self"])
    assert (alert.severity, alert.source) == ("high", "practice.rehearsal")


def test_the_script_pauses_itself_when_no_alert_pauses_it(world, me, monkeypatch):
    # if the safety app raised no pausing alert, the partner's own screen still stops the practice
    from openipt.safety import api as safety_api

    monkeypatch.setattr(safety_api, "raise_for_text", lambda **kwargs: [])
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    sent = rehearsal_actions.send_message(me, talk.pk, "Nobody would miss me if I was gone", expected_steps=0)
    assert not sent.paused and sent.reply.source == "pause" and sent.reply.text == PAUSE_TEXT
    sent = rehearsal_actions.send_message(me, talk.pk, "I feel better. Could we talk?", expected_steps=1)
    assert sent.reply.source == "pause"  # it stays paused for the rest of this conversation


def test_the_therapist_reviews_comments_and_turns_rehearsal_off(world, client, me):
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    rehearsal_actions.send_message(me, talk.pk, BLAME, expected_steps=0)
    own = world.clients["self"]
    login(client, world.m["therapist"])
    # the therapist reads the transcript with the feedback, and comments
    page = client.get(f"/me/care/{own.pk}/practise/{talk.pk}/").content.decode()
    assert "help me with anything!" in page and "pr-mark pr-mark--hurtful\">You never" in page
    client.post(f"/me/care/{own.pk}/practise/{talk.pk}/", {"text": "Let us practise this together on Tuesday."})
    assert Comment.objects.get().rehearsal_id == talk.pk
    # turning it off needs a reason
    response = client.post(f"/me/care/{own.pk}/practise/access/", {"enabled": "off", "reason": ""})
    assert "Say briefly why" in response.content.decode()
    client.post(f"/me/care/{own.pk}/practise/access/", {"enabled": "off", "reason": "We will practise in session."})
    # the client reads the comment and the old transcript, but cannot practise
    login(client, world.m["client"])
    page = client.get(f"/me/practise/{talk.pk}/").content.decode()
    assert "Let us practise this together on Tuesday." in page and "turned practice conversations off" in page
    assert 'id="message"' not in page
    with pytest.raises(ActionError, match="turned practice conversations off"):
        rehearsal_actions.send_message(me, talk.pk, "Hello", expected_steps=1)
    assert "Practise a conversation" not in client.get("/me/").content.decode()
    # and the reason is for the team only
    assert "We will practise in session." not in client.get("/me/practise/").content.decode()
    actions.set_rehearsal_access(actor(world.m["therapist"]), own.pk, enabled=True)
    assert rehearsal_actions.send_message(me, talk.pk, "Hello", expected_steps=1).reply is not None


def test_an_inventory_person_personalises_the_partner(world, client, monkeypatch):
    from openipt.assessment import api as assessment_api

    monkeypatch.setattr(assessment_api, "inventory_people",
                        lambda client: [{"id": 7, "name": "Mo", "relationship": "brother", "ring": "inner"}],
                        raising=False)
    login(client, world.m["client"])
    assert "Mo (brother)" in client.get("/me/practise/").content.decode()
    client.post("/me/practise/", {"scenario": "saying_no_friend", "person": "7", "situation": "lending money"})
    talk = Rehearsal.objects.get()
    assert (talk.person_id, talk.person_name, talk.person_relationship) == (7, "Mo", "brother")
    response = client.post("/me/practise/", {"scenario": "saying_no_friend", "person": "99"})
    assert response.status_code == 200 and Rehearsal.objects.count() == 1


def test_another_client_cannot_open_or_use_a_conversation(world, client, me, second_portal_client):
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    _other, other_actor = second_portal_client
    login(client, other_actor.membership)
    assert client.get(f"/me/practise/{talk.pk}/").status_code == 404
    assert client.post(f"/me/practise/{talk.pk}/", {"text": "hi", "steps": "0"}).status_code == 404
    assert client.post(f"/me/practise/{talk.pk}/restart/", {"step": "1"}).status_code == 404
    assert client.post(f"/me/practise/{talk.pk}/switch/").status_code == 404
    with pytest.raises(ActionError):
        rehearsal_actions.send_message(other_actor, talk.pk, "hi", expected_steps=0)


def test_a_message_sent_twice_is_stored_once(world, client, me):
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    login(client, world.m["client"])
    first = client.post(f"/me/practise/{talk.pk}/", {"text": GOOD, "steps": "0"})
    again = client.post(f"/me/practise/{talk.pk}/", {"text": GOOD, "steps": "0"})
    assert first.status_code == again.status_code == 302
    assert talk.turns.filter(speaker="client").count() == 1


def test_a_conversation_whose_scenario_left_the_content_is_not_found_not_an_error(world, client, me):
    # given a conversation on a scenario the site's content no longer has (a content pack changed)
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    Rehearsal.objects.filter(pk=talk.pk).update(scenario_id="no_longer_shipped")
    login(client, world.m["client"])
    # then opening or answering it says "not found", rather than failing
    assert client.get(f"/me/practise/{talk.pk}/").status_code == 404
    assert client.post(f"/me/practise/{talk.pk}/", {"text": GOOD, "steps": "1"}).status_code == 404
