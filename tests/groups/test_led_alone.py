"""HAZ-041: groups a facilitator already leads alone when their sign-off to lead a group alone is withdrawn.

Each such group is named on the withdrawal, on the group's page, on the facilitator's own page, in facilitator mode
and on the offline tablet, and stays waiting for a person until a supervisor adds a signed-off leader, pauses the
remaining sessions, or decides it continues with a reason and a review date. Real actions, pages and database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openipt.accounts.models import Role
from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.groups import edit_actions, hold_actions
from openipt.groups.models import GroupStatus, SoloLeadHold
from openipt.groups.queries import holds
from openipt.supervision import actions as sup
from openipt.supervision import api
from openipt.supervision.models import SignOff
from tests.support.competency import assess
from tests.support.groups import group, running_group
from tests.support.people import actor, login, make_member

pytestmark = pytest.mark.django_db


def _signed_off(world, who: str = "facilitator"):
    assess(world.m["admin"], world.m[who])
    return sup.sign_off(actor(world.m["admin"]), world.m[who].pk, competency="group_lead")


def _change_staff(world, grp, **staff):
    grp.refresh_from_db()
    values = dict(expected_version=grp.version, name=grp.name, facilitator_id=grp.facilitator_id,
                  co_facilitator_id=grp.co_facilitator_id, supervisor_id=grp.supervisor_id,
                  start_time=grp.start_time, session_minutes=grp.session_minutes, language=grp.language,
                  location=grp.location)
    values.update(staff)
    return edit_actions.update_group(actor(world.m["admin"]), grp.pk, **values)


def _world_with_groups(world):
    """The facilitator, signed off, leads `alone` alone and `paired` with a signed-off co-facilitator; `ended` has
    ended. Then an assessment with a harmful item withdraws the sign-off."""
    signoff = _signed_off(world)
    co = make_member(world.org, Role.FACILITATOR)
    assess(world.m["admin"], co)
    sup.sign_off(actor(world.m["admin"]), co.pk, competency="group_lead")
    alone, _members = running_group(world)
    prog = alone.programme
    paired = group(world, prog, name="Thursday group", co=co)
    ended = group(world, prog, name="Friday group")
    type(ended).objects.filter(pk=ended.pk).update(status=GroupStatus.ENDED)
    assess(world.m["admin"], world.m["facilitator"], 3, confidentiality=1)  # the rule withdraws the sign-off
    signoff.refresh_from_db()
    assert signoff.withdrawn_by_rule
    return signoff, alone, paired, co


def test_a_withdrawal_holds_each_group_led_alone_and_names_it_everywhere_until_a_supervisor_acts(world, client):
    signoff, alone, paired, _co = _world_with_groups(world)
    held = list(SoloLeadHold.objects.all())
    assert [(h.group_id, h.membership_id, h.signoff_id) for h in held] == [
        (alone.pk, world.m["facilitator"].pk, signoff.pk)]  # not the group with a signed-off co-facilitator
    event = AuditEvent.objects.get(event_type="group.solo_lead_held")
    assert event.details == {"group": alone.pk, "membership": world.m["facilitator"].pk, "signoff": signoff.pk}

    # The admin's dashboard names the group on the withdrawal and lists it for a decision.
    login(client, world.m["admin"])
    page = client.get(reverse("supervision:dashboard")).content.decode()
    assert "Still leads alone, needs a decision:" in page and alone.name in page
    assert "Groups led alone after a withdrawn sign-off: needs a decision" in page
    # The trainee's competency page names it too.
    trainee = client.get(reverse("supervision:competency_trainee", args=[world.m["facilitator"].pk])).content.decode()
    assert alone.name in trainee and "needs a decision" in trainee
    # The group's supervisor sees it on their dashboard and on the group's page, with the way to decide.
    client.logout()
    login(client, world.m["supervisor"])
    assert "Groups led alone after a withdrawn sign-off" in client.get(reverse("supervision:dashboard")).content.decode()
    detail = client.get(reverse("groups:detail", args=[alone.pk])).content.decode()
    assert "A supervisor must join or decide before the next session" in detail
    assert reverse("groups:hold", args=[alone.pk, held[0].pk]) in detail
    assert "A supervisor must join" not in client.get(reverse("groups:detail", args=[paired.pk])).content.decode()
    # The facilitator reads it in plain words on their own page and in facilitator mode, where the symptom
    # checks and the safety steps are still there.
    client.logout()
    login(client, world.m["facilitator"])
    own = client.get(reverse("supervision:competency_mine")).content.decode()
    assert alone.name in own and "a supervisor must join you or decide what happens before your next session" in own
    session = client.get(reverse("groups:session", args=[alone.pk, 1])).content.decode()
    assert "A supervisor must join or decide before the next session" in session
    assert "Everything for members' safety on this page still works" in session
    assert 'data-kind="check"' in session or "Symptom check" in session
    assert reverse("groups:hold", args=[alone.pk, held[0].pk]) not in session  # the facilitator does not decide


def test_pausing_then_deciding_to_continue_is_audited_and_the_review_date_brings_it_back(world, client):
    _signoff, alone, _paired, _co = _world_with_groups(world)
    hold = SoloLeadHold.objects.get()
    supervisor = actor(world.m["supervisor"])
    assert [h.pk for h in holds.needing_decision(supervisor)] == [hold.pk]
    with pytest.raises(ActionError) as empty:
        hold_actions.pause(supervisor, hold.pk, reason="  ")
    assert empty.value.field == "reason"
    hold_actions.pause(supervisor, hold.pk, reason="Wait for Ruth to co-lead.", expected_version=hold.version)
    assert holds.needing_decision(supervisor) == []  # a person acted
    assert [h.shown_state for h in holds.for_group(alone)] == ["paused"]
    # The facilitator's page says the sessions are paused, and how the safety steps still work.
    login(client, world.m["facilitator"])
    assert "the remaining sessions are paused" in client.get(reverse("supervision:competency_mine")).content.decode()
    # An old form (the version before the pause) is refused, not saved over the pause.
    with pytest.raises(ActionError) as stale:
        hold_actions.decide_continue(supervisor, hold.pk, reason="Fine", review_on=timezone.localdate()
                                     + timedelta(days=7), expected_version=1)
    assert stale.value.field == "reason"
    hold_actions.resume(supervisor, hold.pk)
    assert [h.pk for h in holds.needing_decision(supervisor)] == [hold.pk]  # lifting the pause asks again
    # Continuing needs a review date after today and within twelve weeks.
    for bad in (None, timezone.localdate(), timezone.localdate() + timedelta(days=85)):
        with pytest.raises(ActionError) as refused:
            hold_actions.decide_continue(supervisor, hold.pk, reason="Observed live, safe.", review_on=bad)
        assert refused.value.field == "review_on"
    hold_actions.decide_continue(supervisor, hold.pk, reason="Observed live last week; co-leads from May.",
                                 review_on=timezone.localdate() + timedelta(days=14))
    assert holds.needing_decision(supervisor) == []
    assert [e.event_type for e in AuditEvent.objects.filter(event_type__startswith="group.solo_lead")
            .order_by("pk")] == ["group.solo_lead_held", "group.solo_lead_paused", "group.solo_lead_resumed",
                                 "group.solo_lead_continues"]
    # On the review date it needs a decision again.
    SoloLeadHold.objects.filter(pk=hold.pk).update(review_on=timezone.localdate())
    assert [h.pk for h in holds.needing_decision(supervisor)] == [hold.pk]


def test_a_signed_off_co_facilitator_added_through_the_group_s_staff_change_ends_the_hold(world):
    _signoff, alone, _paired, co = _world_with_groups(world)
    admin = actor(world.m["admin"])
    assert holds.for_group(alone)
    _change_staff(world, alone, co_facilitator_id=co.pk)  # the group's own staff change
    assert holds.for_group(alone) == [] and holds.needing_decision(admin) == []
    assert api.held_groups(admin, [world.m["facilitator"].pk]) == {}


def test_a_withdrawal_by_hand_holds_the_groups_too_and_only_the_group_s_supervisors_decide(world, client):
    signoff = _signed_off(world)
    alone, _members = running_group(world)
    sup.withdraw_sign_off(actor(world.m["admin"]), signoff.pk, reason="Concern raised by a member.")
    hold = SoloLeadHold.objects.get()
    assert hold.group_id == alone.pk
    url = reverse("groups:hold", args=[alone.pk, hold.pk])
    # The facilitator and a therapist cannot decide; a supervisor of other groups does not see it.
    with pytest.raises(ActionError):
        hold_actions.pause(actor(world.m["facilitator"]), hold.pk, reason="Me")
    login(client, world.m["facilitator"])
    assert client.get(url).status_code == 403
    client.logout()
    stranger = make_member(world.org, Role.SUPERVISOR)
    login(client, stranger)
    assert client.get(url).status_code == 404
    with pytest.raises(ActionError):
        hold_actions.pause(actor(stranger), hold.pk, reason="Not mine")
    # The group's supervisor decides on the page; a missing review date is said beside the field, the reason kept.
    client.logout()
    login(client, world.m["supervisor"])
    page = client.post(url, {"decision": "continue", "reason": "Watched her run session 3.", "version": hold.version})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Choose a review date after today" in body and "Watched her run session 3." in body
    done = client.post(url, {"decision": "pause", "reason": "Until Ruth can co-lead.", "version": hold.version})
    assert done.status_code == 302
    hold.refresh_from_db()
    assert hold.state == "paused" and hold.decided_by_id == world.m["supervisor"].pk


def test_the_offline_pack_tells_the_facilitator_without_blocking_anything(world):
    from openipt.offline import snapshot
    from openipt.offline.models import Device

    signoff = _signed_off(world)
    alone, _members = running_group(world)
    sup.withdraw_sign_off(actor(world.m["admin"]), signoff.pk, reason="Concern raised by a member.")
    device = Device.objects.create(organisation=world.org, owner=world.m["facilitator"], name="Tablet", secret="",
                                   created_at=timezone.now())
    pack = snapshot.build(actor(world.m["facilitator"]), device)
    (entry,) = [g for g in pack["groups"] if g["id"] == alone.pk]
    assert [h["state"] for h in entry["led_alone"]] == ["open"]
    assert "A supervisor must join or decide" in entry["led_alone"][0]["title"]
    assert "safety steps on this tablet still work" in entry["led_alone"][0]["text"]
    assert entry["sessions"] and pack["safety_steps"]  # the session and its safety steps are still in the pack


def test_a_supervisor_who_leads_the_group_cannot_decide_about_their_own_withdrawn_sign_off(world, client):
    """A supervisor may lead a group themselves. When their own sign-off to lead alone is withdrawn, the decision
    about their group is for its supervisor or an admin, never for the person it is about."""
    lead = make_member(world.org, Role.SUPERVISOR)
    signoff = _signed_off_member(world, lead)
    grp = group(world, name="Wednesday group", facilitator_id=lead.pk)
    sup.withdraw_sign_off(actor(world.m["admin"]), signoff.pk, reason="Concern raised by a member.")
    hold = SoloLeadHold.objects.get(group=grp)
    assert not hold_actions.can_decide(actor(lead), grp)
    with pytest.raises(ActionError):
        hold_actions.decide_continue(actor(lead), hold.pk, reason="I am fine.",
                                     review_on=timezone.localdate() + timedelta(days=7))
    login(client, lead)
    assert client.get(reverse("groups:hold", args=[grp.pk, hold.pk])).status_code == 403
    hold.refresh_from_db()
    assert hold.state == "" and hold.decided_by_id is None
    # the group's own supervisor still decides
    assert hold_actions.can_decide(actor(world.m["supervisor"]), grp)


def _signed_off_member(world, member):
    assess(world.m["admin"], member)
    return sup.sign_off(actor(world.m["admin"]), member.pk, competency="group_lead")


def _co_page_post(client, grp, hold, person, version=None):
    return client.post(reverse("groups:hold_co_leader", args=[grp.pk, hold.pk]),
                       {"co-co_facilitator": person, "co-version": grp.version if version is None else version})


def test_the_group_s_supervisor_adds_a_signed_off_co_facilitator_from_the_hold_and_the_hold_ends(world, client):
    from openipt.clients.access import visible_clients

    _signoff, alone, _paired, co = _world_with_groups(world)
    hold = SoloLeadHold.objects.get()
    trainee = make_member(world.org, Role.FACILITATOR)  # not signed off: not offered
    login(client, world.m["supervisor"])
    page = client.get(reverse("groups:hold", args=[alone.pk, hold.pk])).content.decode()
    assert "Add a co-facilitator who is signed off" in page
    assert reverse("groups:hold_co_leader", args=[alone.pk, hold.pk]) in page
    assert f'value="{co.pk}"' in page and str(co.user) in page
    assert f'value="{trainee.pk}"' not in page and f'value="{world.m["facilitator"].pk}"' not in page

    alone.refresh_from_db()
    done = _co_page_post(client, alone, hold, co.pk)
    assert done.status_code == 302 and done["Location"] == reverse("groups:detail", args=[alone.pk])
    alone.refresh_from_db()
    assert alone.facilitator_id == world.m["facilitator"].pk and alone.co_facilitator_id == co.pk
    supervisor = actor(world.m["supervisor"])
    assert holds.for_group(alone) == [] and holds.needing_decision(supervisor) == []
    assert api.held_groups(supervisor, [world.m["facilitator"].pk]) == {}
    event = AuditEvent.objects.get(event_type="group.solo_lead_co_leader")
    assert event.details == {"group": alone.pk, "membership": world.m["facilitator"].pk, "co_facilitator": co.pk,
                             "replaced": None}
    assert (event.actor_user_id, event.actor_role) == (world.m["supervisor"].user_id, "supervisor")
    changed = AuditEvent.objects.filter(event_type="group.changed").order_by("pk").last()
    assert changed.details == {"changed": ["co_facilitator"], "co_facilitator_before": None}
    # The new co-facilitator is on every member's care team, so they see the members and their alerts reach them.
    members = list(alone.members.filter(status="active").values_list("client_id", flat=True))
    assert len(members) == 4
    assert set(visible_clients(actor(co)).filter(pk__in=members).values_list("pk", flat=True)) == set(members)
    # The group's page no longer asks for a decision, and the hold's address is gone.
    assert "A supervisor must join" not in client.get(reverse("groups:detail", args=[alone.pk])).content.decode()
    assert client.get(reverse("groups:hold", args=[alone.pk, hold.pk])).status_code == 404


def test_a_co_facilitator_is_refused_unless_signed_off_in_the_organisation_and_chosen_by_a_supervisor(world, client):
    _signoff, alone, _paired, co = _world_with_groups(world)
    hold = SoloLeadHold.objects.get()
    supervisor = actor(world.m["supervisor"])
    trainee = make_member(world.org, Role.FACILITATOR)
    elsewhere = make_member(world.other_org, Role.FACILITATOR)  # signed off, in another organisation
    assess(world.m["other_admin"], elsewhere)
    sup.sign_off(actor(world.m["other_admin"]), elsewhere.pk, competency="group_lead")
    alone.refresh_from_db()

    def refused(who, person, hold_id=hold.pk):
        with pytest.raises(ActionError) as error:
            hold_actions.add_co_leader(who, hold_id, co_facilitator_id=person, expected_version=alone.version)
        return error.value

    not_signed = refused(supervisor, trainee.pk)
    assert not_signed.field == "co_facilitator" and "is not signed off to lead a group" in not_signed.message
    assert refused(supervisor, elsewhere.pk).field == "co_facilitator"
    assert refused(supervisor, world.m["facilitator"].pk).field == "co_facilitator"  # the person already leading
    assert refused(supervisor, world.m["client"].pk).field == "co_facilitator"  # not staff
    # Bad ids are refused in words, never a server error.
    for bad in ("", None, "abc", "1e3", -1, 10**12, "9" * 40, "1; DROP TABLE groups_group", [co.pk]):
        assert refused(supervisor, bad).message
    for bad_hold in ("abc", None, 10**12, -1):
        assert refused(supervisor, co.pk, bad_hold).code == "forbidden"
    # The group's own facilitator (not an admin) and a therapist with no part in the group may not add anyone.
    assert refused(actor(world.m["facilitator"]), co.pk).code == "forbidden"
    assert refused(actor(world.m["therapist"]), co.pk).code == "forbidden"
    assert refused(actor(world.m["other_admin"]), co.pk).code == "forbidden"
    # An old page (the group changed since it was opened) is refused, not saved over the change.
    with pytest.raises(ActionError) as stale:
        hold_actions.add_co_leader(supervisor, hold.pk, co_facilitator_id=co.pk, expected_version=alone.version - 1)
    assert stale.value.code == "conflict"
    alone.refresh_from_db()
    assert alone.co_facilitator_id is None and holds.for_group(alone)
    assert not AuditEvent.objects.filter(event_type="group.solo_lead_co_leader").exists()

    # On the page: a bad choice is said beside the field, a stale form says so and keeps the choice, and the
    # facilitator and a therapist are turned away.
    login(client, world.m["supervisor"])
    for bad in ("abc", str(trainee.pk), str(elsewhere.pk), ""):
        page = _co_page_post(client, alone, hold, bad)
        assert page.status_code == 200
        body = page.content.decode()
        assert "Please check the form." in body and 'id="id_co-co_facilitator_error1"' in body
    stale_page = _co_page_post(client, alone, hold, co.pk, version=alone.version - 1)
    assert stale_page.status_code == 200
    assert "Someone else changed this group while you were choosing" in stale_page.content.decode()
    assert f'<option value="{co.pk}" selected>' in stale_page.content.decode()
    assert _co_page_post(client, alone, hold, co.pk, version="x").status_code == 200
    assert client.get(reverse("groups:hold_co_leader", args=[alone.pk, hold.pk])).status_code == 405
    assert client.post(reverse("groups:hold_co_leader", args=[alone.pk, hold.pk + 999]), {}).status_code == 404
    client.logout()
    login(client, world.m["facilitator"])
    assert _co_page_post(client, alone, hold, co.pk).status_code == 403
    client.logout()
    login(client, world.m["therapist"])
    assert _co_page_post(client, alone, hold, co.pk).status_code == 404
    alone.refresh_from_db()
    assert alone.co_facilitator_id is None


def test_a_withdrawn_co_facilitator_is_replaced_but_another_co_facilitator_is_left_to_an_admin(world, client):
    """Who the new person replaces: nobody when the group has no co-facilitator, the person whose sign-off was
    withdrawn when they are the co-facilitator, and never a third person (an admin decides who stops leading)."""
    lead = make_member(world.org, Role.FACILITATOR)  # a trainee, never signed off
    withdrawn = make_member(world.org, Role.FACILITATOR)
    other_co = make_member(world.org, Role.FACILITATOR)
    signed = make_member(world.org, Role.FACILITATOR)
    for person in (withdrawn, signed):
        _signed_off_member(world, person)
    prog = group(world).programme
    as_co = group(world, prog, name="Monday group", facilitator_id=lead.pk, co=withdrawn)
    as_lead = group(world, prog, name="Saturday group", facilitator_id=withdrawn.pk, co=other_co)
    signoff = SignOff.objects.get(membership=withdrawn, withdrawn_at__isnull=True)
    sup.withdraw_sign_off(actor(world.m["admin"]), signoff.pk, reason="Concern raised by a member.")
    supervisor = actor(world.m["supervisor"])
    co_hold = SoloLeadHold.objects.get(group=as_co)
    lead_hold = SoloLeadHold.objects.get(group=as_lead)

    as_co.refresh_from_db()
    hold_actions.add_co_leader(supervisor, co_hold.pk, co_facilitator_id=signed.pk, expected_version=as_co.version)
    as_co.refresh_from_db()
    assert (as_co.facilitator_id, as_co.co_facilitator_id) == (lead.pk, signed.pk)
    assert holds.for_group(as_co) == []
    assert AuditEvent.objects.get(event_type="group.solo_lead_co_leader").details["replaced"] == withdrawn.pk

    login(client, world.m["supervisor"])
    page = client.get(reverse("groups:hold", args=[as_lead.pk, lead_hold.pk])).content.decode()
    assert f"The group already has a co-facilitator, {other_co.user}" in page
    assert reverse("groups:hold_co_leader", args=[as_lead.pk, lead_hold.pk]) not in page
    with pytest.raises(ActionError) as taken:
        hold_actions.add_co_leader(supervisor, lead_hold.pk, co_facilitator_id=signed.pk)
    assert "already has a co-facilitator" in taken.value.message
    as_lead.refresh_from_db()
    assert as_lead.co_facilitator_id == other_co.pk and holds.for_group(as_lead)


def test_only_people_within_the_group_s_site_are_offered_and_accepted(world, client):
    from openipt.accounts.models import Membership, Site

    north, south = (Site.objects.create(organisation=world.org, name=name) for name in ("North", "South"))
    lead = make_member(world.org, Role.FACILITATOR)
    signoff = _signed_off_member(world, lead)
    at_north, at_south, anywhere = (make_member(world.org, Role.FACILITATOR) for _ in range(3))
    for person in (at_north, at_south, anywhere):
        _signed_off_member(world, person)
    Membership.objects.filter(pk=at_north.pk).update(site=north)
    Membership.objects.filter(pk=at_south.pk).update(site=south)
    grp = group(world, name="North group", facilitator_id=lead.pk, site_id=north.pk)
    sup.withdraw_sign_off(actor(world.m["admin"]), signoff.pk, reason="Concern raised by a member.")
    hold = SoloLeadHold.objects.get(group=grp)
    assert set(holds.co_leader_choices(grp).values_list("pk", flat=True)) >= {at_north.pk, anywhere.pk}
    assert at_south.pk not in set(holds.co_leader_choices(grp).values_list("pk", flat=True))
    with pytest.raises(ActionError) as away:
        hold_actions.add_co_leader(actor(world.m["supervisor"]), hold.pk, co_facilitator_id=at_south.pk)
    assert "works at another site" in away.value.message
    hold_actions.add_co_leader(actor(world.m["supervisor"]), hold.pk, co_facilitator_id=at_north.pk)
    assert holds.for_group(grp) == []


def test_with_nobody_signed_off_the_page_says_so_and_shows_no_form(world, client):
    signoff = _signed_off(world)
    alone, _members = running_group(world)
    sup.withdraw_sign_off(actor(world.m["admin"]), signoff.pk, reason="Concern raised by a member.")
    hold = SoloLeadHold.objects.get()
    login(client, world.m["supervisor"])
    page = client.get(reverse("groups:hold", args=[alone.pk, hold.pk])).content.decode()
    assert "Nobody else who works with this group is signed off to lead a group yet." in page
    assert reverse("groups:hold_co_leader", args=[alone.pk, hold.pk]) not in page
    answer = client.post(reverse("groups:hold_co_leader", args=[alone.pk, hold.pk]), {"co-co_facilitator": "1"})
    assert answer.status_code == 302 and answer["Location"] == reverse("groups:hold", args=[alone.pk, hold.pk])


def test_after_someone_else_changed_the_group_a_second_press_adds_the_co_facilitator(world, client):
    """The page that says the group changed takes the group's new version, as every versioned form does, so the
    supervisor who has looked again can press once more; the form's prefixed version field must carry it."""
    import re

    _signoff, alone, _paired, co = _world_with_groups(world)
    hold = SoloLeadHold.objects.get()
    alone.refresh_from_db()
    login(client, world.m["supervisor"])
    stale = _co_page_post(client, alone, hold, co.pk, version=alone.version - 1).content.decode()
    assert "Someone else changed this group while you were choosing" in stale
    shown = re.search(r'name="co-version" value="(-?\d+)"', stale)
    assert shown is not None and int(shown.group(1)) == alone.version
    again = _co_page_post(client, alone, hold, co.pk, version=shown.group(1))
    assert again.status_code == 302
    alone.refresh_from_db()
    assert alone.co_facilitator_id == co.pk and holds.for_group(alone) == []


def test_a_supervisor_who_cannot_open_every_member_s_record_is_told_an_admin_adds_the_co_facilitator(world, client):
    """A site-limited supervisor and a member at another site: a clear refusal before anything changes, never
    a change undone half-way with a message about care teams."""
    from openipt.accounts import site_actions
    from openipt.clients import site_actions as client_site_actions

    _signoff, alone, _paired, co = _world_with_groups(world)
    hold = SoloLeadHold.objects.get()
    north = site_actions.save_site(actor(world.m["admin"]), None, site_actions.SiteInput("North", "clinic", "UTC", True, ""))
    south = site_actions.save_site(actor(world.m["admin"]), None, site_actions.SiteInput("South", "clinic", "UTC", True, ""))
    site_actions.set_staff_site(actor(world.m["admin"]), north.pk, [world.m["supervisor"].pk])
    away = alone.members.filter(status="active").first().client
    client_site_actions.set_client_site(actor(world.m["admin"]), south.pk, client_ids=[away.pk])
    alone.refresh_from_db()
    version = alone.version
    login(client, world.m["supervisor"])
    page = _co_page_post(client, alone, hold, co.pk)
    assert page.status_code == 200
    assert "an admin needs to add the co-facilitator" in page.content.decode()
    alone.refresh_from_db()
    assert (alone.co_facilitator_id, alone.version) == (None, version)
    assert holds.for_group(alone) != []
    # The admin can: they open every record.
    hold_actions.add_co_leader(actor(world.m["admin"]), hold.pk, co_facilitator_id=co.pk)
    assert holds.for_group(alone) == []
