"""Assigned reading (assign, read, mark read, ask, answer) and the weekly log with its interval history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openipt.core.errors import ActionError, ConflictError
from openipt.practice import actions
from openipt.practice.models import LogEntry, ReadingAssignment, ReadingQuestion
from tests.support.people import login
from tests.support.practice import start_course


def test_the_therapist_is_offered_reading_for_the_course_area_and_phase(world, client):
    # given a course in the middle phase about a role dispute
    start_course(world, area="role_dispute")
    login(client, world.m["therapist"])
    # when the therapist opens the client's between-session page
    page = client.get(f"/me/care/{world.clients['self'].pk}/").content.decode()
    offered = page.split("Offered for this course")[1].split("</ul>")[0]
    # then the disagreements piece is offered (and not the grief one), plus general middle-phase reading
    assert "Disagreements: when things are hard with someone close" in offered
    assert "How your mood and your relationships affect each other" in offered
    assert "Grief" not in offered


def test_a_client_reads_an_assigned_piece_marks_it_read_and_asks_a_question(world, client, screened):
    # given the therapist assigns the sick-role piece from the offered list
    own = world.clients["self"]
    login(client, world.m["therapist"])
    response = client.post(f"/me/care/{own.pk}/reading/", {"topic": "sick_role"})
    assert response.status_code == 302
    reading = ReadingAssignment.objects.get(client=own)
    # when the client reads it
    login(client, world.m["client"])
    page = client.get(f"/me/reading/{reading.pk}/").content.decode()
    assert "<h1>It is OK to be unwell for a while</h1>" in page
    assert "<h2>You can do a bit less for now</h2>" in page and "<li>coming to your sessions,</li>" in page
    # and marks it read
    client.post(f"/me/reading/{reading.pk}/read/", {"read": "1"})
    reading.refresh_from_db()
    assert reading.read_at is not None
    # and asks a question (it goes to the safety app with the question it was stored as)
    response = client.post(f"/me/reading/{reading.pk}/", {"text": "Does this mean I can stop working?",
                                                          "submission_key": "k1"})
    assert response.status_code == 302
    question = ReadingQuestion.objects.get()
    assert screened[-1]["source"] == "practice.question" and screened[-1]["obj"] == question
    # then a double click does not ask twice
    client.post(f"/me/reading/{reading.pk}/", {"text": "Does this mean I can stop working?", "submission_key": "k1"})
    assert ReadingQuestion.objects.count() == 1
    # and the therapist sees it and answers; the client reads the answer
    login(client, world.m["therapist"])
    assert "Does this mean I can stop working?" in client.get(f"/me/care/{own.pk}/").content.decode()
    client.post(f"/me/care/{own.pk}/questions/{question.pk}/", {f"q{question.pk}-answer": "Not quite: we will decide together."})
    login(client, world.m["client"])
    assert "Not quite: we will decide together." in client.get(f"/me/reading/{reading.pk}/").content.decode()


def test_an_empty_question_is_refused_beside_the_field(world, client, therapist):
    reading = actions.assign_reading(therapist, world.clients["self"].pk, "sick_role")
    login(client, world.m["client"])
    page = client.post(f"/me/reading/{reading.pk}/", {"text": "   "}).content.decode()
    assert "Write your question first." in page
    assert ReadingQuestion.objects.count() == 0


def test_reading_rules(world, therapist, me):
    own = world.clients["self"]
    with pytest.raises(ActionError, match="Choose a reading"):
        actions.assign_reading(therapist, own.pk, "no_such_topic")
    reading = actions.assign_reading(therapist, own.pk, "sick_role")
    with pytest.raises(ActionError, match="already assigned"):
        actions.assign_reading(therapist, own.pk, "sick_role")
    actions.withdraw_reading(therapist, own.pk, reading.pk)
    with pytest.raises(ActionError, match="no longer assigned"):
        actions.mark_read(me, reading.pk)
    again = actions.assign_reading(therapist, own.pk, "sick_role")
    assert again.pk == reading.pk and again.active and again.read_at is None
    from tests.support.people import actor

    with pytest.raises(ActionError, match="Only care staff assigned"):
        actions.assign_reading(actor(world.m["supervisor"]), own.pk, "mood_relationships")


def test_a_client_logs_an_event_and_the_therapist_sees_it_as_the_interval_history(world, client, screened):
    # given a course whose last held session was today
    course = start_course(world, held=1)
    login(client, world.m["client"])
    # when the client logs what happened with whom and how they felt
    response = client.post("/me/log/", {"occurred_on": timezone.localdate().isoformat(), "who": "Dan",
                                        "what_happened": "We argued about the washing up.",
                                        "feeling": "Angry, then sad.", "mood": "3", "submission_key": "log-1"})
    assert response.status_code == 302
    entry = LogEntry.objects.get()
    assert (entry.who, entry.mood) == ("Dan", 3)
    assert screened[-1]["source"] == "practice.log" and "We argued" in screened[-1]["text"]
    # then the therapist sees it beside the course, as the interval history since the last session
    login(client, world.m["therapist"])
    overview = client.get(f"/courses/{course.pk}/").content.decode()
    panel = overview.split('id="interval-history"')[1].split("</section>")[0]
    assert "What the client logged since session 1" in panel
    assert "We argued about the washing up." in panel and "mood 3/10" in panel
    assert f"/me/care/{world.clients['self'].pk}/log/" in panel
    # and next to the plan of the next session
    next_session = course.sessions.order_by("number").last()
    session_page = client.get(f"/courses/{course.pk}/sessions/{next_session.number}/").content.decode()
    assert "We argued about the washing up." in session_page.split('id="interval-history"')[1].split("</section>")[0]


def test_entries_from_before_the_last_session_are_not_in_the_interval_history(world, me, therapist):
    from openipt.practice.models import LogEntry as Entry
    from openipt.practice.views.staff import interval_history

    course = start_course(world, held=1)
    old = actions.add_log_entry(me, {"occurred_on": timezone.localdate() - timedelta(days=9), "who": "Mum",
                                     "what_happened": "Old news.", "feeling": "", "mood": 5})
    Entry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=9))
    new = actions.add_log_entry(me, {"occurred_on": timezone.localdate(), "who": "Dan", "what_happened": "Today.",
                                     "feeling": "", "mood": 5})
    entries, last = interval_history(therapist, world.clients["self"], course)
    assert last.number == 1 and entries == [new]


@pytest.mark.parametrize("data, field, message", [
    ({"occurred_on": "", "who": "Dan", "what_happened": "x", "mood": "3"}, "occurred_on", "Enter the day it happened."),
    ({"occurred_on": "2999-01-01", "who": "Dan", "what_happened": "x", "mood": "3"}, "occurred_on", "in the future"),
    ({"occurred_on": "2027-01-01", "who": "", "what_happened": "x", "mood": "3"}, "who", "Write who it was with."),
    ({"occurred_on": "2027-01-01", "who": "Dan", "what_happened": "x", "mood": "11"}, "mood", "from 0 to 10"),
    ({"occurred_on": "2027-01-01", "who": "Dan", "what_happened": "x" * 3001, "mood": "3"}, "what_happened", "the most is 3,000"),
])
def test_bad_log_input_gets_a_message_beside_the_field_and_keeps_the_typing(world, client, data, field, message):
    if data["occurred_on"] == "2027-01-01":
        data["occurred_on"] = timezone.localdate().isoformat()
    login(client, world.m["client"])
    response = client.post("/me/log/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert data["what_happened"][:50] in response.content.decode()
    assert LogEntry.objects.count() == 0


def test_editing_a_log_entry_changed_elsewhere_keeps_the_typing(world, client, me, screened):
    entry = actions.add_log_entry(me, {"occurred_on": timezone.localdate(), "who": "Dan", "what_happened": "First.",
                                       "feeling": "", "mood": 4})
    actions.change_log_entry(me, entry.pk, {"occurred_on": timezone.localdate(), "who": "Dan",
                                            "what_happened": "Changed on my phone.", "feeling": "", "mood": 4},
                             expected_version=1)
    assert screened[-1]["source"] == "practice.log" and "Changed on my phone." in screened[-1]["text"]
    with pytest.raises(ConflictError):
        actions.change_log_entry(me, entry.pk, {"occurred_on": timezone.localdate(), "who": "Dan",
                                                "what_happened": "Stale.", "feeling": "", "mood": 4}, expected_version=1)
    login(client, world.m["client"])
    response = client.post(f"/me/log/{entry.pk}/", {"occurred_on": timezone.localdate().isoformat(), "who": "Dan",
                                                    "what_happened": "Typed on the laptop.", "mood": "5", "version": "1"})
    page = response.content.decode()
    assert "changed in another window" in page and "Typed on the laptop." in page
    entry.refresh_from_db()
    assert entry.what_happened == "Changed on my phone."


def test_a_failing_safety_check_stores_nothing(world, me, therapist, screened):
    # the safety app's call and the client's text share one transaction: if one fails, neither is kept
    reading = actions.assign_reading(therapist, world.clients["self"].pk, "sick_role")
    screened.fail = True
    with pytest.raises(RuntimeError):
        actions.add_log_entry(me, {"occurred_on": timezone.localdate(), "who": "Dan", "what_happened": "x",
                                   "feeling": "", "mood": 3})
    with pytest.raises(RuntimeError):
        actions.ask_question(me, reading.pk, "A question")
    assert LogEntry.objects.count() == 0 and ReadingQuestion.objects.count() == 0


def test_the_interval_history_tag_draws_the_panel_for_staff_only(world, me, rf):
    # the one line a session page can include: {% load practice_tags %}{% interval_history course %}
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    from tests.support.people import actor

    course = start_course(world, held=1)
    actions.add_log_entry(me, {"occurred_on": timezone.localdate(), "who": "Dan", "what_happened": "A calm talk.",
                               "feeling": "", "mood": 7})
    template = Template("{% load practice_tags %}{% interval_history course %}")
    request = rf.get("/")
    request.actor, request.user = actor(world.m["therapist"]), world.m["therapist"].user
    drawn = template.render(Context({"request": request, "course": course}))
    assert "A calm talk." in drawn and '<section class="oi-panel" id="interval-history"' in drawn
    request.actor, request.user = None, AnonymousUser()
    assert template.render(Context({"request": request, "course": course})) == ""
