"""The competency tool as data, assessments, the blind second rater, agreement, the harmful-item flag and the
sign-off rule, through the real actions and database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from openipt.core.content import ContentFileError
from openipt.core.errors import ActionError
from openipt.supervision import access, competency_actions
from openipt.supervision import actions as sup
from openipt.supervision.competency import agreement as agree
from openipt.supervision.competency import tool as tools
from openipt.supervision.models import CompetencyFlag, SignOff
from openipt.supervision.queries import competency as queries
from tests.support.competency import assess, levels
from tests.support.people import actor, make_member

SHIPPED = tools.SHIPPED_DIR / "ipt-group-facilitator.yaml"


# ---- the tool file


def test_the_shipped_tool_has_common_and_ipt_items_each_with_four_levels():
    tool = tools.parse(SHIPPED)
    sections = [item.section for item in tool.items]
    assert 8 <= sections.count("common") <= 10 and 5 <= sections.count("ipt") <= 6
    assert all(sorted(item.levels) == [1, 2, 3, 4] for item in tool.items)
    assert tool.levels[1] == "Potentially harmful"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "site-tool.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_an_item_without_level_4_is_named_by_file_line_and_field(tmp_path):
    path = _broken(tmp_path, '      "4": Keeps a warm, steady tone', '      "5": Keeps a warm, steady tone')
    with pytest.raises(ContentFileError) as err:
        tools.parse(path)
    problem = err.value.problems[0]
    assert problem.file.endswith("site-tool.yaml") and problem.field == "items[0].levels"
    assert problem.line is not None and problem.line > _line_of(path, "- id: warmth")
    assert "levels 1, 2, 3 and 4" in str(err.value)


def test_a_wrong_section_and_a_repeated_id_are_reported(tmp_path):
    path = _broken(
        tmp_path,
        "    section: ipt\n    title: Keeping to the time limit",
        "    section: therapy\n    title: Keeping to the time limit",
    )
    with pytest.raises(ContentFileError) as err:
        tools.parse(path)
    assert "must be common or ipt" in str(err.value)
    assert err.value.problems[0].line == _line_of(path, "section: therapy")
    path = _broken(tmp_path, "  - id: empathy", "  - id: warmth")
    with pytest.raises(ContentFileError, match="used twice"):
        tools.parse(path)


def test_a_site_tool_is_loaded_beside_the_shipped_one_and_may_not_reuse_its_id(tmp_path):
    site = tmp_path / "tools"
    site.mkdir()
    (site / "mine.yaml").write_text(
        SHIPPED.read_text().replace("id: ipt-group-facilitator", "id: our-own-tool")
    )
    assert set(tools.load_tools([site])) == {"ipt-group-facilitator", "our-own-tool"}
    (site / "again.yaml").write_text(SHIPPED.read_text())
    with pytest.raises(ContentFileError, match="already used"):
        tools.load_tools([site])


# ---- agreement


def test_agreement_on_a_hand_worked_example():
    # Six items. Rater A: 3 3 2 4 1 3; rater B: 3 2 2 4 2 3. Exact on 4 of 6, within one level on 6 of 6.
    # Linear weights 1 - |i-j|/3: observed po = (4 x 1 + 2 x 2/3) / 6 = 16/18 = 48/54.
    # Counts A {1:1, 2:1, 3:3, 4:1}, B {2:3, 3:2, 4:1}; expected pe = sum w(i,j) a_i b_j / 36 = 24.667/36 = 37/54.
    # kappa = (48/54 - 37/54) / (1 - 37/54) = 11/17.
    a = dict(zip("abcdef", (3, 3, 2, 4, 1, 3), strict=True))
    b = dict(zip("abcdef", (3, 2, 2, 4, 2, 3), strict=True))
    pairs = [(a[k], b[k]) for k in a]
    assert agree.weighted_kappa(pairs) == pytest.approx(11 / 17)
    figures = agree.agreement(a, b)
    assert (figures.items, figures.exact, figures.within_one) == (6, 4, 6)
    assert figures.exact_percent == 67 and figures.within_one_percent == 100
    assert figures.kappa is None, "six items are too few for a kappa worth showing"


def test_kappa_is_one_for_full_agreement_and_undefined_when_both_raters_use_one_level():
    spread = {str(i): 1 + i % 4 for i in range(12)}
    assert agree.agreement(spread, spread).kappa == pytest.approx(1.0)
    flat = {str(i): 3 for i in range(12)}
    assert agree.agreement(flat, flat).kappa is None
    assert agree.agreement(flat, flat).exact_percent == 100


# ---- assessing, the blind second rater, flags and the rule


def test_every_item_needs_a_level_and_the_source_must_be_known(world):
    admin = actor(world.m["admin"])
    partial = levels(3)
    partial.pop("ending")
    with pytest.raises(ActionError) as err:
        competency_actions.assess(admin, world.m["facilitator"].pk, levels=partial, source="live")
    assert err.value.field == "item_ending"
    with pytest.raises(ActionError) as err:
        competency_actions.assess(admin, world.m["facilitator"].pk, levels=levels(3, warmth=5), source="live")
    assert err.value.field == "item_warmth"
    with pytest.raises(ActionError) as err:
        competency_actions.assess(admin, world.m["facilitator"].pk, levels=levels(3), source="gossip")
    assert err.value.field == "source"
    with pytest.raises(PermissionDenied):
        competency_actions.assess(
            actor(world.m["therapist"]), world.m["facilitator"].pk, levels=levels(3), source="live"
        )
    with pytest.raises(ActionError):  # the supervisor does not supervise the facilitator in the world
        competency_actions.assess(
            actor(world.m["supervisor"]), world.m["facilitator"].pk, levels=levels(3), source="live"
        )


def test_sign_off_is_refused_with_every_reason_until_the_rule_is_met(world):
    admin = actor(world.m["admin"])
    facilitator = world.m["facilitator"]
    with pytest.raises(ActionError, match="no competency assessment") as err:
        sup.sign_off(admin, facilitator.pk, competency="group_lead")
    assert err.value.field == "membership"
    assess(world.m["admin"], facilitator, 3, risk=2, ending=2)
    with pytest.raises(ActionError) as err:
        sup.sign_off(admin, facilitator.pk, competency="group_lead")
    assert (
        "Asking about and responding to risk" in err.value.message
        and "Preparing for the end" in err.value.message
    )
    assert "level 3 or more" in err.value.message
    assert not SignOff.objects.filter(membership=facilitator).exists()
    assess(world.m["admin"], facilitator, 4, risk=3)  # the latest assessment is what counts
    made = sup.sign_off(admin, facilitator.pk, competency="group_lead")
    assert made.is_live


def test_the_other_competency_is_not_held_to_the_group_rule(world):
    made = sup.sign_off(actor(world.m["supervisor"]), world.m["therapist"].pk, competency="individual")
    assert made.is_live


def test_a_harmful_item_raises_a_flag_that_stays_and_blocks_sign_off_until_acted_on(world):
    admin = actor(world.m["admin"])
    facilitator = world.m["facilitator"]
    assess(world.m["admin"], facilitator, 3, confidentiality=1)
    flag = CompetencyFlag.objects.get(trainee=facilitator)
    assert flag.item_id == "confidentiality" and flag.acted_at is None
    assess(world.m["admin"], facilitator, 3)  # a later, good assessment does not clear the flag
    assert queries.open_flags(admin) == [flag]
    with pytest.raises(ActionError, match="potentially harmful"):
        sup.sign_off(admin, facilitator.pk, competency="group_lead")
    with pytest.raises(ActionError) as err:
        competency_actions.act_on_flag(admin, flag.pk, action="  ")
    assert err.value.field == "action"
    with pytest.raises(ActionError, match="not found"):
        competency_actions.act_on_flag(actor(world.m["other_admin"]), flag.pk, action="Not my organisation")
    competency_actions.act_on_flag(admin, flag.pk, action="Talked it through; role-played privacy; re-rated.")
    assert queries.open_flags(admin) == []
    assert sup.sign_off(admin, facilitator.pk, competency="group_lead").is_live


def test_the_second_rater_rates_blind_and_then_both_see_the_agreement(world):
    admin, supervisor = world.m["admin"], world.m["supervisor"]
    therapist = world.m["therapist"]  # supervised by `supervisor`
    first = competency_actions.assess(
        actor(admin), therapist.pk, levels=levels(3, warmth=4), source="recording", second_rater=supervisor.pk
    )
    # Before the second rating: hidden from the second rater, everywhere they could read it.
    assert access.get_assessment(actor(supervisor), first.pk) is None
    assert queries.observations(actor(supervisor), therapist) == []
    assert access.blind_assessment(actor(supervisor), first.pk) == first
    assert access.get_assessment(actor(admin), first.pk) == first  # the first rater sees their own
    with pytest.raises(ActionError):  # only the named second rater
        competency_actions.rate_second(actor(admin), first.pk, levels=levels(3))
    second = competency_actions.rate_second(actor(supervisor), first.pk, levels=levels(3, risk=2))
    assert second.first == first and second.source == "recording" and second.observed_on == first.observed_on
    [obs] = queries.observations(actor(supervisor), therapist)
    assert obs.second == second
    assert obs.agreement is not None and (obs.agreement.items, obs.agreement.exact) == (16, 14)
    with pytest.raises(ActionError, match="no observation waiting"):
        competency_actions.rate_second(actor(supervisor), first.pk, levels=levels(3))
    # The second rating never counts for sign-off: the first rater's levels do.
    assert queries.latest_first_rating(therapist.pk) == first


def test_a_second_rater_must_be_able_to_rate_the_trainee(world):
    other_supervisor = make_member(world.org, "supervisor", username="sup-two")
    with pytest.raises(ActionError) as err:
        competency_actions.assess(
            actor(world.m["admin"]),
            world.m["facilitator"].pk,
            levels=levels(3),
            source="live",
            second_rater=other_supervisor.pk,
        )
    assert err.value.field == "second_rater"
    with pytest.raises(ActionError):
        competency_actions.assess(
            actor(world.m["admin"]),
            world.m["facilitator"].pk,
            levels=levels(3),
            source="live",
            second_rater=world.m["admin"].pk,
        )


def test_the_rule_is_the_programmes_and_only_admins_change_it(world):
    data = competency_actions.RuleInput("ipt-group-facilitator", True, True, 4)
    with pytest.raises(PermissionDenied):
        competency_actions.save_rule(actor(world.m["supervisor"]), data)
    competency_actions.save_rule(actor(world.m["admin"]), data)
    assess(world.m["admin"], world.m["facilitator"], 3)
    with pytest.raises(ActionError, match="level 4 or more"):
        sup.sign_off(actor(world.m["admin"]), world.m["facilitator"].pk, competency="group_lead")
    competency_actions.save_rule(
        actor(world.m["admin"]), competency_actions.RuleInput("ipt-group-facilitator", False, True, 3)
    )
    assert sup.sign_off(actor(world.m["admin"]), world.m["facilitator"].pk, competency="group_lead").is_live
    with pytest.raises(ActionError) as err:
        competency_actions.save_rule(
            actor(world.m["admin"]), competency_actions.RuleInput("nope", True, True, 3)
        )
    assert err.value.field == "tool_id"


def test_the_second_raters_pages_never_show_the_first_raters_levels_or_notes(world, client):
    from django.urls import reverse

    from tests.support.people import login

    therapist, supervisor = world.m["therapist"], world.m["supervisor"]
    first = competency_actions.assess(
        actor(world.m["admin"]),
        therapist.pk,
        levels=levels(3, warmth=1),
        source="live",
        notes="Secret-first-rater-note",
        second_rater=supervisor.pk,
    )
    login(client, supervisor)
    detail = client.get(reverse("supervision:competency_assessment", args=[first.pk]))
    assert detail.status_code == 302 and detail["Location"].endswith(f"/assessments/{first.pk}/second/")
    for url in (
        detail["Location"],
        reverse("supervision:competency_trainee", args=[therapist.pk]),
        reverse("supervision:competency"),
    ):
        page = client.get(url).content.decode()
        assert "Secret-first-rater-note" not in page
    form = client.get(reverse("supervision:competency_second", args=[first.pk])).content.decode()
    assert not re.search(r"<input[^>]*\bchecked\b", form)  # no level chosen for them
    posted = {f"item_{k}": str(v) for k, v in levels(3).items()}
    client.post(reverse("supervision:competency_second", args=[first.pk]), posted)
    after = client.get(reverse("supervision:competency_assessment", args=[first.pk])).content.decode()
    assert "Secret-first-rater-note" in after and "How far the two raters agree" in after


def test_a_pending_second_rater_sees_no_level_of_the_first_rating_anywhere(world, client):
    """The blind second rater must not learn the first rater's levels from the list, the trainee page, the flags
    or a refused sign-off: a harmful flag or a 'lowest level' is a first-rater level."""
    from django.urls import reverse

    from openipt.supervision.competency_tools import tool
    from tests.support.people import login

    therapist, supervisor, admin = world.m["therapist"], world.m["supervisor"], world.m["admin"]
    title = tool().item("warmth").title
    first = competency_actions.assess(
        actor(admin), therapist.pk, levels=levels(3, warmth=1), source="live", second_rater=supervisor.pk
    )
    login(client, supervisor)
    listing = client.get(reverse("supervision:competency")).content.decode()
    trainee = client.get(reverse("supervision:competency_trainee", args=[therapist.pk])).content.decode()
    for page in (listing, trainee):
        assert title not in page and "potentially harmful on" not in page
    assert "1 · potentially harmful" not in listing
    assert queries.open_flags(actor(supervisor)) == []
    with pytest.raises(ActionError) as err:  # still refused (the flag is open), without naming the item
        sup.sign_off(actor(supervisor), therapist.pk, competency="group_lead")
    assert title not in err.value.message
    # The first rater and anyone else overseeing still see the flag at once.
    assert [f.item_id for f in queries.open_flags(actor(admin))] == ["warmth"]
    # Once the second rating is saved, the second rater sees everything.
    competency_actions.rate_second(actor(supervisor), first.pk, levels=levels(3))
    assert [f.item_id for f in queries.open_flags(actor(supervisor))] == ["warmth"]
    assert title in client.get(reverse("supervision:competency_trainee", args=[therapist.pk])).content.decode()


def test_the_programme_competency_figures_leave_out_a_rating_the_viewer_must_rate_blind(world):
    """The dashboard's per-item level counts and open flags are the first rater's levels: a pending second rater
    (here a second admin) must not read them there before their own rating is saved."""
    from openipt.programmes import competency_queries

    facilitator = world.m["facilitator"]
    other_admin = make_member(world.org, "admin", username="admin-two")
    first = competency_actions.assess(
        actor(world.m["admin"]), facilitator.pk, levels=levels(3, warmth=1), source="live",
        second_rater=other_admin.pk,
    )
    seen = competency_queries.summary(actor(other_admin))
    assert seen.open_flags == 0 and seen.standing["harmful"] == 0
    assert all(sum(counts) == 0 for _title, counts in seen.by_item)
    assert competency_queries.summary(actor(world.m["admin"])).open_flags == 1
    # The figures `openipt programme-refresh` keeps count every rating, so they are not used for them either.
    assert not competency_queries.can_use_kept(actor(other_admin))
    assert competency_queries.can_use_kept(actor(world.m["admin"]))
    competency_actions.rate_second(actor(other_admin), first.pk, levels=levels(3))
    assert competency_queries.can_use_kept(actor(other_admin))
    after = competency_queries.summary(actor(other_admin))
    assert after.open_flags == 1 and after.standing["harmful"] == 1
