"""Input the site refuses or cleans before any view sees it, and pages browsers must not keep."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openipt.core import jsonbody
from openipt.groups.models import Attendance, GroupSession
from tests.support.groups import running_group


@pytest.fixture
def running(world):
    return running_group(world)


# Defect: NUL bytes in group notes and "will try" text were a 500 on PostgreSQL.
def test_nul_characters_in_group_notes_and_will_try_text_are_removed_not_a_server_error(world, running, as_member):
    grp, members = running
    web = as_member(world.m["facilitator"])
    session = GroupSession.objects.get(group=grp, number=3)
    response = web.post(f"/groups/{grp.pk}/sessions/3/", {"action": "notes", "notes": "Ruth\x00 came late",
                                                          "version": session.version})
    assert response.status_code == 302
    assert GroupSession.objects.get(pk=session.pk).notes == "Ruth came late"
    data = {"action": "marks", f"m{members[0].pk}_presence": "present", f"m{members[0].pk}_seen": "",
            f"m{members[0].pk}_try": "Call\x00 my sister", f"m{members[0].pk}_try_seen": ""}
    assert web.post(f"/groups/{grp.pk}/sessions/3/", data).status_code == 302
    assert Attendance.objects.get(member=members[0], session__number=3).will_try == "Call my sister"


def test_nul_in_a_search_is_removed_and_nul_in_the_address_is_a_400_page(world, as_member):
    web = as_member(world.m["therapist"])
    assert web.get("/clients/", {"q": "Am\x00ara", "status\x00": "x"}).status_code == 200
    response = web.get("/clients/%00/")
    assert response.status_code == 400 and "could not be understood" in response.content.decode()


def test_pages_with_records_are_not_stored_by_the_browser(world, as_member):
    web = as_member(world.m["therapist"])
    for url in ("/clients/", f"/clients/{world.clients['mine'].pk}/"):
        response = web.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    web.logout()
    assert "no-store" in web.get("/account/login/")["Cache-Control"]


def test_json_depth_is_measured_without_recursion_and_brackets_in_strings_do_not_count():
    assert jsonbody.nesting_depth("[" * 200_000) == 200_000
    assert jsonbody.nesting_depth('{"a": "[[[[\\"[[["}') == 1
    with pytest.raises(jsonbody.JsonError, match="levels deep"):
        jsonbody.loads("[" * 100 + "]" * 100)
    assert jsonbody.loads(b'{"k\\u0000": ["a\\u0000b", {"c": "\\u0000"}]}') == {"k": ["ab", {"c": ""}]}
    with pytest.raises(jsonbody.JsonError, match="larger than"):
        jsonbody.loads("[1]", max_bytes=2)


def _depth_one_character_at_a_time(text: str) -> int:
    """The depth as a reader going through the text character by character finds it (what nesting_depth must match)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='[]{}"\\a\n', max_size=60))
def test_json_depth_counts_as_a_character_by_character_reader_would(text):
    # Escaped quotes, brackets inside strings, a string never closed, a backslash at the very end, closing
    # brackets first: the depth check (which keeps a 100,000-bracket body from the parser) is never lower.
    assert jsonbody.nesting_depth(text) == _depth_one_character_at_a_time(text)


def test_json_without_an_escaped_nul_is_returned_as_parsed():
    assert jsonbody.loads('{"a": ["b\\\\u0000", "c"]}') == {"a": ["b\\u0000", "c"]}  # a backslash, then u0000
    assert jsonbody.loads('{"a\\u0000": 1}') == {"a": 1}
