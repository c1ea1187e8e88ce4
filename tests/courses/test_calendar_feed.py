"""The calendar page and the iCalendar feed: valid RFC 5545, times in UTC, no client names, revocable."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from openipt.audit.models import AuditEvent
from openipt.courses import calendar_actions, ics, session_actions
from openipt.courses.models import CalendarToken, Session
from tests.support.clock import at
from tests.support.courses import start
from tests.support.people import actor


def parse_ics(body: str) -> list[dict]:
    """A strict little iCalendar reader: CRLF lines, folding, nesting, required properties."""
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    raw = body.split("\r\n")[:-1]
    for line in raw:
        assert len(line.encode("utf-8")) <= 75, line
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    events, current, depth = [], None, 0
    for line in lines:
        name, _, value = line.partition(":")
        assert re.fullmatch(r"[A-Z][A-Z-]*", name), line
        if line == "BEGIN:VEVENT":
            assert current is None
            current = {}
        elif line == "END:VEVENT":
            for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
                assert required in current, required
            events.append(current)
            current = None
        elif line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
        elif current is not None:
            current[name] = value
    assert current is None and depth == 0
    return events


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_the_feed_is_valid_icalendar_in_utc_with_record_numbers_and_never_names(world, client, course):
    act = actor(world.m["therapist"])
    session_actions.add_session(act, course.pk, when=at(days=7, hour=9), duration=45, mode="video")
    cancelled = session_actions.add_session(act, course.pk, when=at(days=14), duration=50, mode="phone")
    session_actions.record_attendance(act, course.pk, cancelled.number, "cancelled")
    start(world, who="therapist2", client="theirs", first_session=at(days=1))  # not in this therapist's feed
    _token, secret = calendar_actions.create_calendar_token(act)
    response = client.get(f"/courses/calendar/feed/{secret}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    events = parse_ics(body)
    sessions = list(Session.objects.filter(course=course).order_by("number"))
    assert len(events) == 3
    assert len({e["UID"] for e in events}) == 3
    for event, session in zip(events, sessions, strict=True):
        assert event["DTSTART"] == session.scheduled_start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        end = datetime.strptime(event["DTEND"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        assert end - session.scheduled_start == timedelta(minutes=session.duration_minutes)
        assert world.clients["mine"].record_number in unescape(event["SUMMARY"])
    assert events[2]["STATUS"] == "CANCELLED" and events[0]["STATUS"] == "CONFIRMED"
    for name in ("Maya", "Okafor", "Noah", "Berg"):
        assert name not in body
    assert AuditEvent.objects.filter(event_type="calendar.feed_read").count() == 1


def test_a_revoked_or_unknown_address_answers_not_found_and_a_new_one_replaces_the_old(world, client, course):
    act = actor(world.m["therapist"])
    _first, old = calendar_actions.create_calendar_token(act)
    _second, new = calendar_actions.create_calendar_token(act)
    assert client.get(f"/courses/calendar/feed/{old}.ics").status_code == 404
    assert client.get(f"/courses/calendar/feed/{new}.ics").status_code == 200
    assert calendar_actions.revoke_calendar_token(act) == 1
    assert client.get(f"/courses/calendar/feed/{new}.ics").status_code == 404
    assert client.get("/courses/calendar/feed/" + "x" * 300 + ".ics").status_code == 404
    assert CalendarToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert not CalendarToken.objects.filter(token_hash__in=[old, new]).exists()  # only hashes are stored


def test_a_deactivated_member_feed_stops_and_it_only_shows_clients_they_may_still_see(world, client, course):
    from openipt.accounts.models import Membership
    from openipt.clients.actions import unassign_staff

    act = actor(world.m["therapist"])
    _token, secret = calendar_actions.create_calendar_token(act)
    unassign_staff(actor(world.m["admin"]), world.clients["mine"].pk, world.m["therapist"].pk)
    assert parse_ics(client.get(f"/courses/calendar/feed/{secret}.ics").content.decode()) == []
    Membership.objects.filter(pk=world.m["therapist"].pk).update(is_active=False)
    assert client.get(f"/courses/calendar/feed/{secret}.ics").status_code == 404


def test_the_calendar_page_lists_upcoming_sessions_and_makes_an_address_shown_once(world, as_member, course):
    browser = as_member(world.m["therapist"])
    page = browser.get("/courses/calendar/").content.decode()
    assert "Maya Okafor" in page and "Session 1 of 12" in page
    made = browser.post("/courses/calendar/address/", follow=True).content.decode()
    match = re.search(r"http://testserver(/courses/calendar/feed/[^ <]+\.ics)", made)
    assert match, "the new address is shown"
    assert browser.get("/courses/calendar/").content.decode().count("/courses/calendar/feed/") == 0
    assert as_member(world.m["therapist"]).get(match.group(1)).status_code == 200
    browser.post("/courses/calendar/address/stop/")
    assert browser.get(match.group(1)).status_code == 404


@given(st.text(max_size=300))
def test_any_text_is_escaped_and_folded_into_lines_a_reader_gets_back(summary):
    now = datetime(2027, 2, 10, 14, 0, tzinfo=UTC)
    event = ics.CalendarEvent(uid="u@x", start=now, end=now + timedelta(hours=1), summary=summary, description=summary)
    events = parse_ics(ics.calendar([event], name="Test", now=now))
    kept = "".join(ch for ch in summary.replace("\r\n", "\n") if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127))
    assert unescape(events[0]["SUMMARY"]) == kept


def test_times_must_be_timezone_aware():
    import pytest

    with pytest.raises(ValueError):
        ics.utc(datetime(2027, 1, 1, 10, 0))
    assert ics.utc(timezone.make_aware(datetime(2027, 7, 1, 10, 0))) == "20270701T090000Z"  # London summer time
