"""Worksheets: assigned by the therapist, filled in by the client (saved as they type), versioned,
shared, read and answered; the communication analysis shows the analyser's feedback."""

from __future__ import annotations

import re

import pytest

from openipt.core.errors import ActionError, ConflictError
from openipt.practice import worksheet_actions
from openipt.practice.models import Comment, Worksheet, WorksheetVersion
from tests.support.people import actor, login, make_member

HX = {"HTTP_HX_REQUEST": "true"}


def _fields(sheet, **values):
    data = {"version": str(sheet.version), "title": "", "editor": "tab-1"}
    data.update(values)
    return data


def test_the_therapist_assigns_a_communication_analysis_and_the_client_fills_it_in_as_they_type(
        world, client, screened):
    # given the therapist assigns a communication analysis with a note
    own = world.clients["self"]
    login(client, world.m["therapist"])
    client.post(f"/me/care/{own.pk}/worksheets/", {"kind": "communication_analysis",
                                                   "note": "The argument on Friday night."})
    sheet = Worksheet.objects.get(client=own)
    assert sheet.status == "assigned"
    # when the client opens it from their portal
    login(client, world.m["client"])
    assert f"/me/worksheets/{sheet.pk}/" in client.get("/me/").content.decode()
    page = client.get(f"/me/worksheets/{sheet.pk}/").content.decode()
    assert "Looking back at a hard conversation" in page and "The argument on Friday night." in page
    # and types; the page autosaves through htmx
    response = client.post(f"/me/worksheets/{sheet.pk}/autosave/",
                           _fields(sheet, what_i_said="You never listen to me!",
                                   could_say="I feel lonely when we do not talk. Could we sit down after dinner?"), **HX)
    # then the server keeps the draft and answers with the new version and the analyser's feedback
    assert response.status_code == 200 and response["X-Worksheet-Version"] == "2"
    body = response.content.decode()
    assert "Saved at" in body and 'name="version" value="2"' in body and 'hx-swap-oob="true"' in body
    said = body.split('id="feedback-what_i_said"')[1].split('id="feedback-could_say"')[0]
    assert '<mark class="pr-mark pr-mark--hurtful">You never' in said
    could = body.split('id="feedback-could_say"')[1]
    assert "pr-mark--helpful" in could and "You asked for one clear thing." in could
    sheet.refresh_from_db()
    assert sheet.data["what_i_said"] == "You never listen to me!" and sheet.status == "draft"
    assert sheet.saved_versions == 0  # an autosave keeps no copy
    assert screened[-1]["source"] == "practice.worksheet" and "You never listen" in screened[-1]["text"]


def test_a_worksheet_closed_mid_way_keeps_what_was_typed(world, client, me):
    sheet = worksheet_actions.start_worksheet(me, "grief")
    login(client, world.m["client"])
    client.post(f"/me/worksheets/{sheet.pk}/autosave/", _fields(sheet, person="My gran, Rose",
                                                                 memories="Baking on Sundays"), **HX)
    # the tab is closed; later the client comes back
    page = client.get(f"/me/worksheets/{sheet.pk}/").content.decode()
    assert "My gran, Rose" in page and "Baking on Sundays" in page


def test_saving_keeps_numbered_copies_and_sharing_sends_it_to_the_therapist(world, client, me):
    # given a client who saves, then shares
    sheet = worksheet_actions.start_worksheet(me, "decision_analysis")
    login(client, world.m["client"])
    client.post(f"/me/worksheets/{sheet.pk}/", _fields(sheet, decision="Stay in this job or not", action="save"))
    sheet.refresh_from_db()
    client.post(f"/me/worksheets/{sheet.pk}/", _fields(sheet, decision="Stay in this job or not",
                                                       options="Stay\nLeave\nAsk for part time", action="share"))
    sheet.refresh_from_db()
    # then two copies are kept, the second shared
    assert list(sheet.versions.values_list("number", "shared")) == [(2, True), (1, False)]
    assert sheet.status == "shared" and sheet.shared_at is not None
    # when the therapist reads it and answers in writing
    login(client, world.m["therapist"])
    page = client.get(f"/me/care/{world.clients['self'].pk}/worksheets/{sheet.pk}/").content.decode()
    assert "Ask for part time" in page and "2 saved copies" in page
    client.post(f"/me/care/{world.clients['self'].pk}/worksheets/{sheet.pk}/", {"text": "Good list. Let us weigh them."})
    assert Comment.objects.get().worksheet_id == sheet.pk
    # then the client reads the answer beside the worksheet
    login(client, world.m["client"])
    assert "Good list. Let us weigh them." in client.get(f"/me/worksheets/{sheet.pk}/").content.decode()


def test_a_save_from_another_tab_is_a_conflict_that_keeps_the_typing(world, client, me):
    sheet = worksheet_actions.start_worksheet(me, "role_transition")
    worksheet_actions.save_worksheet(me, sheet.pk, {"change": "New baby"}, expected_version=1, autosave=True,
                                     editor="phone")
    login(client, world.m["client"])
    response = client.post(f"/me/worksheets/{sheet.pk}/", {"version": "1", "editor": "laptop", "change": "Moving house",
                                                           "lost": "My old street", "action": "save"})
    page = response.content.decode()
    assert "saved from another window or device" in page
    assert "Moving house" in page and "My old street" in page  # the typing is kept
    assert "New baby" in page  # and the saved copy is shown beside it
    sheet.refresh_from_db()
    assert sheet.data["change"] == "New baby"


def test_a_save_sent_while_the_same_pages_autosave_was_in_flight_is_accepted(world, me):
    sheet = worksheet_actions.start_worksheet(me, "role_transition")
    worksheet_actions.save_worksheet(me, sheet.pk, {"change": "New job"}, expected_version=1, autosave=True,
                                     editor="tab-1")
    saved = worksheet_actions.save_worksheet(me, sheet.pk, {"change": "New job, new city"}, expected_version=1,
                                             editor="tab-1")
    assert saved.data["change"] == "New job, new city"
    with pytest.raises(ConflictError):
        worksheet_actions.save_worksheet(me, sheet.pk, {"change": "x"}, expected_version=1, editor="tab-2")


def test_too_long_text_and_a_bad_scale_are_refused_beside_the_field_and_kept(world, client, me):
    sheet = worksheet_actions.start_worksheet(me, "building_connections")
    login(client, world.m["client"])
    long_text = "I went to the library. " * 300
    response = client.post(f"/me/worksheets/{sheet.pk}/", _fields(sheet, practice_log=long_text, action="save"))
    assert response.status_code == 200
    assert "longer than 5,000 characters" in str(response.context["form"].errors["practice_log"])
    assert long_text.strip() in response.content.decode()
    response = client.post(f"/me/worksheets/{sheet.pk}/", _fields(sheet, connected="11", action="save"))
    assert "whole number from 0 to 10" in str(response.context["form"].errors["connected"])
    response = client.post(f"/me/worksheets/{sheet.pk}/autosave/", _fields(sheet, practice_log=long_text), **HX)
    assert "Not saved:" in response.content.decode() and "X-Worksheet-Version" not in response
    sheet.refresh_from_db()
    assert sheet.data == {} and WorksheetVersion.objects.count() == 0


def test_another_clients_worksheet_link_is_not_found(world, client, me, second_portal_client):
    # given a worksheet of the portal client
    sheet = worksheet_actions.start_worksheet(me, "grief")
    other, other_actor = second_portal_client
    login(client, other_actor.membership)
    # then another client gets 404 on every address of it, and cannot save it through the action either
    assert client.get(f"/me/worksheets/{sheet.pk}/").status_code == 404
    assert client.post(f"/me/worksheets/{sheet.pk}/", _fields(sheet, person="x")).status_code == 404
    assert client.post(f"/me/worksheets/{sheet.pk}/autosave/", _fields(sheet, person="x"), **HX).status_code == 404
    with pytest.raises(ActionError):
        worksheet_actions.save_worksheet(other_actor, sheet.pk, {"person": "x"}, expected_version=1)
    # and staff who cannot see the client get 404, staff who can see it may read but not answer
    login(client, world.m["therapist2"])
    assert client.get(f"/me/care/{world.clients['self'].pk}/worksheets/{sheet.pk}/").status_code == 404
    login(client, world.m["supervisor"])
    assert client.get(f"/me/care/{world.clients['self'].pk}/worksheets/{sheet.pk}/").status_code == 200
    assert client.post(f"/me/care/{world.clients['self'].pk}/worksheets/{sheet.pk}/", {"text": "x"}).status_code == 403
    # and a worksheet of another client is not found under this client's address
    login(client, world.m["therapist"])
    assert client.get(f"/me/care/{other.pk}/worksheets/{sheet.pk}/").status_code == 404


def test_only_changed_text_goes_to_the_safety_app_and_a_failure_stores_nothing(world, me, screened):
    sheet = worksheet_actions.start_worksheet(me, "grief")
    worksheet_actions.save_worksheet(me, sheet.pk, {"person": "Rose", "feelings": "Empty"}, expected_version=1,
                                     autosave=True, editor="t")
    assert screened[-1]["text"] == "Rose\nEmpty"
    worksheet_actions.save_worksheet(me, sheet.pk, {"person": "Rose", "feelings": "Empty and tired"},
                                     expected_version=2, autosave=True, editor="t")
    assert screened[-1]["text"] == "Empty and tired"
    screened.fail = True
    with pytest.raises(RuntimeError):
        worksheet_actions.save_worksheet(me, sheet.pk, {"person": "Rose", "feelings": "I give up"},
                                         expected_version=3, autosave=True, editor="t")
    sheet.refresh_from_db()
    assert sheet.data["feelings"] == "Empty and tired" and sheet.version == 3


def test_only_the_assigned_care_staff_assign_worksheets(world):
    with pytest.raises(ActionError, match="Only care staff assigned"):
        worksheet_actions.assign_worksheet(actor(world.m["admin"]), world.clients["self"].pk, "grief")
    outsider = make_member(world.other_org, "therapist")
    with pytest.raises(ActionError):
        worksheet_actions.assign_worksheet(actor(outsider), world.clients["self"].pk, "grief")
    with pytest.raises(ActionError, match="Choose a worksheet"):
        worksheet_actions.assign_worksheet(actor(world.m["therapist"]), world.clients["self"].pk, "poetry")


def test_the_worksheet_page_carries_the_autosave_and_the_local_copy(world, client, me):
    sheet = worksheet_actions.start_worksheet(me, "communication_analysis")
    login(client, world.m["client"])
    page = client.get(f"/me/worksheets/{sheet.pk}/").content.decode()
    form = re.search(r'<form[^>]+id="ws-form"[^>]*>', page).group(0)
    assert f'hx-post="/me/worksheets/{sheet.pk}/autosave/"' in form and 'hx-trigger="input delay:1500ms"' in form
    assert f'data-draft-key="openipt-worksheet-{sheet.pk}"' in form
    assert "/static/practice/draft.js" in page
