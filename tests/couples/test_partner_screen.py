"""The private partner-violence and fear screen before couples IPT starts.

Controls HAZ-018 in docs/clinical-safety/hazard-log.md: couples IPT is not started where a
partner is afraid or being harmed, and a partner's screen answer is never shown to the other.
"""

from __future__ import annotations

import re

import pytest

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.couples import screen, screen_actions
from openipt.couples.models import Entry, PartnerScreen
from openipt.courses import actions as course_actions
from openipt.courses import start_checks
from openipt.safety.models import Alert
from tests.support.courses import make_ready_for_middle
from tests.support.pages import text
from tests.support.people import actor

CLEAR = {"afraid": "no", "hurt": "no", "threatened": "no", "controlled": "no", "forced": "no", "safe_to_speak": "yes"}
SECRET = "He reads my messages every night"


def afraid(note=SECRET):
    return {**CLEAR, "afraid": "yes", "note": note}


def test_the_questions_are_read_as_a_concern_on_yes_on_not_safe_to_speak_and_on_rather_not_say():
    assert screen.concerns(CLEAR) == []
    assert screen.alert_level(CLEAR) == "none"
    assert screen.concerns({**CLEAR, "hurt": "yes"}) == ["hurt"]
    assert screen.alert_level({**CLEAR, "hurt": "yes"}) == "high"
    assert screen.concerns({**CLEAR, "safe_to_speak": "no"}) == ["safe_to_speak"]
    assert screen.alert_level({**CLEAR, "safe_to_speak": "no"}) == "medium"
    assert screen.concerns({**CLEAR, "forced": "not_say"}) == ["forced"]
    assert screen.concerns({**CLEAR, "controlled": None}) == ["controlled"]  # a missing answer is never "clear"


def test_both_partners_answer_on_their_own_devices_and_then_the_course_may_start(couple, partners, as_member):
    world = partners
    course = couple.course
    missing = " ".join(start_checks.missing(course))
    assert "Private safety screen of each partner: not answered yet by Sam" in missing and "Lee" in missing
    portal = as_member(world.m["client"])
    assert "Answer the private questions" in text(portal.get("/me/"))
    assert portal.post("/couples/mine/safety-questions/", CLEAR).status_code == 302
    assert "Your answers went to your therapist only." in text(portal.get("/couples/mine/safety-questions/"))
    assert "Answer the private questions" not in text(portal.get("/me/"))
    as_member(world.m["client_two"]).post("/couples/mine/safety-questions/", CLEAR)
    assert not [m for m in start_checks.missing(course) if "safety screen" in m]
    make_ready_for_middle(world, course)
    assert course_actions.transition_course(actor(world.m["therapist"]), course.pk, "middle").phase == "middle"
    assert not Alert.objects.exists()


def test_a_concern_stops_the_course_explains_why_suggests_individual_ipt_and_raises_an_alert(couple, partners, as_member):
    world = partners
    as_member(world.m["client"]).post("/couples/mine/safety-questions/", CLEAR)
    as_member(world.m["client_two"]).post("/couples/mine/safety-questions/", afraid())
    make_ready_for_middle(world, couple.course)
    with pytest.raises(course_actions.TransitionError) as refused:
        course_actions.transition_course(actor(world.m["therapist"]), couple.course.pk, "middle")
    reason = " ".join(refused.value.reasons)
    assert "couples IPT should not go ahead" in reason and "individual IPT" in reason
    # The screen's own alert; the note is also read by the free-text check, which may raise its own.
    alert = Alert.objects.get(rule_kind="risk_review")
    assert alert.client == world.clients["two"] and alert.severity == "high" and alert.status == "raised"
    assert set(Alert.objects.values_list("client_id", flat=True)) == {world.clients["two"].pk}
    staff = as_member(world.m["therapist"])
    overview = text(staff.get(f"/courses/{couple.course.pk}/"))
    assert "Before treatment starts" in overview and "couples IPT should not go ahead" in overview
    screens = text(staff.get(f"/couples/{couple.pk}/screens/"))
    assert "Couples IPT should not go ahead." in screens
    assert f'href="/courses/start/{world.clients["self"].pk}/"' in screens
    assert f'href="/courses/start/{world.clients["two"].pk}/"' in screens
    assert SECRET not in screens  # the list shows who raised a concern, not the answers


def _partner_one_pages(one) -> dict[str, str]:
    urls = ["/me/", "/couples/mine/", "/couples/mine/safety-questions/"]
    urls += [f"/couples/entries/{e.pk}/" for e in Entry.objects.all()]
    pages = {}
    for url in urls:
        response = one.get(url)
        assert response.status_code in (200, 404), url
        pages[url] = re.sub(r'value="[A-Za-z0-9_-]{20,}"', "", text(response))  # CSRF and submission keys vary
    return pages


def test_the_answer_is_never_shown_to_the_other_partner_on_any_page_they_can_open(couple, partners, as_member):
    world = partners
    two = as_member(world.m["client_two"])
    two.post("/couples/mine/", {"version": "1", "change": "Cook together", "change_shared": "on"})
    one = as_member(world.m["client"])
    one.post("/couples/mine/", {"version": "1", "i_expect": "Time at weekends", "i_expect_shared": "on"})
    one.get("/me/")  # shows the "Saved." message once
    before = _partner_one_pages(one)
    as_member(world.m["client_two"]).post("/couples/mine/safety-questions/", afraid())
    assert PartnerScreen.objects.get().concern
    one = as_member(world.m["client"])
    after = _partner_one_pages(one)
    # partner one's pages are the same as before partner two answered: nothing tells them what was said
    assert after == before
    for body in after.values():
        assert SECRET not in body and "Concern raised" not in body and "should not go ahead" not in body
    autosave = one.post("/couples/mine/autosave/", {"version": "2", "i_expect": "Time at weekends"})
    assert SECRET not in text(autosave)
    for url in (f"/couples/{couple.pk}/screens/", f"/couples/{couple.pk}/screens/{world.clients['two'].pk}/"):
        assert one.get(url).status_code == 403
    # the couples in-session page, in both its modes, shows nothing of the screen
    staff = as_member(world.m["therapist"])
    for url in (f"/couples/{couple.pk}/", f"/couples/{couple.pk}/?together=1"):
        body = text(staff.get(url))
        for word in (SECRET, "Concern raised", "concern", "afraid of your partner", "should not go ahead"):
            assert word not in body, (url, word)


def test_a_partner_answers_once_on_the_portal_so_a_concern_cannot_be_overwritten_from_home(couple, partners, as_member):
    world = partners
    two = as_member(world.m["client_two"])
    two.post("/couples/mine/safety-questions/", afraid())
    again = two.post("/couples/mine/safety-questions/", CLEAR)
    assert again.status_code == 200 and "Send my answers" not in text(again)
    with pytest.raises(ActionError, match="already answered"):
        screen_actions.answer_own_screen(actor(world.m["client_two"]), CLEAR)
    assert PartnerScreen.objects.count() == 1 and screen_actions.has_concern(couple)


def test_a_missing_answer_is_shown_beside_the_question_and_nothing_is_saved(couple, partners, as_member):
    portal = as_member(partners.m["client"])
    response = portal.post("/couples/mine/safety-questions/", {**CLEAR, "hurt": ""})
    assert response.status_code == 200 and "Please choose an answer to this question." in text(response)
    response = portal.post("/couples/mine/safety-questions/", {**CLEAR, "hurt": "perhaps"})
    assert response.status_code == 200
    assert not PartnerScreen.objects.exists()


def test_the_therapist_enters_a_screen_only_when_alone_and_every_read_of_the_answers_is_audited(couple, partners, as_member):
    world = partners
    staff = as_member(world.m["therapist"])
    url = f"/couples/{couple.pk}/screens/{world.clients['two'].pk}/"
    refused = staff.post(url, {**CLEAR, "safe_to_speak": "no"})
    assert "Ask these questions only when you are alone with this partner" in text(refused)
    assert not PartnerScreen.objects.exists()
    assert staff.post(url, {**CLEAR, "safe_to_speak": "no", "alone": "on"}).status_code == 302
    row = PartnerScreen.objects.get()
    assert row.via == "therapist" and row.entered_by == world.m["therapist"] and row.concern
    assert Alert.objects.get().severity == "medium"
    before = AuditEvent.objects.filter(event_type="couples.screen_read").count()
    page = text(staff.get(url))
    assert "Would you feel safe saying what you really think with your partner in the room?" in page
    assert AuditEvent.objects.filter(event_type="couples.screen_read").count() == before + 1
    # the supervisor may read (audited) but not enter
    supervisor = as_member(world.m["supervisor"])
    assert supervisor.get(url).status_code == 200
    assert supervisor.post(url, {**CLEAR, "alone": "on"}).status_code == 403


def test_practice_at_ending_the_relationship_carries_a_safety_note_and_is_not_offered_after_a_concern(
        couple, partners, as_member):
    from openipt.practice import rehearsal_actions

    world = partners
    one = as_member(world.m["client"])
    # Closed until both partners have answered and neither raised a concern (so that closing it later
    # would not tell one partner what the other answered).
    assert 'value="ending_relationship"' not in one.get("/me/practise/").content.decode()
    as_member(world.m["client"]).post("/couples/mine/safety-questions/", CLEAR)
    assert 'value="ending_relationship"' not in as_member(world.m["client"]).get("/me/practise/").content.decode()
    as_member(world.m["client_two"]).post("/couples/mine/safety-questions/", CLEAR)
    page = as_member(world.m["client"]).get("/me/practise/").content.decode()
    assert 'value="ending_relationship"' in page and "Leaving can be a more dangerous time." in page
    assert 'href="/safety/me/plan/"' in page
    # A later concern (entered by the therapist alone with partner two) closes it for both.
    from openipt.couples.screen_actions import enter_screen

    enter_screen(actor(world.m["therapist"]), couple.pk, world.clients["two"].pk, {**CLEAR, "safe_to_speak": "no"},
                 alone=True)
    for who in ("client", "client_two"):  # neither partner is offered it, so neither can tell who answered what
        browser = as_member(world.m[who])
        page = browser.get("/me/practise/").content.decode()
        assert 'value="ending_relationship"' not in page and 'value="housework"' in page
        refused = browser.post("/me/practise/", {"scenario": "ending_relationship", "name": "Alex"})
        assert refused.status_code == 200
        with pytest.raises(ActionError, match="not open for you now"):
            rehearsal_actions.start_rehearsal(actor(world.m[who]), "ending_relationship", name="Alex")
