"""Content in Spanish and Swahili: packs beside the English content, falling back piece by piece (issue 17, item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openipt.protocol import ContentErrors, load_protocol
from openipt.protocol.loader import CONTENT_ROOT
from tests.support.protocol import write_pack

EN = CONTENT_ROOT / "en"


def _copy_sw(tmp_path: Path) -> Path:
    target = tmp_path / "sw"
    shutil.copytree(CONTENT_ROOT / "sw", target)
    return target


def _without_step(pack: Path, step_id: str) -> Path:
    """The shipped Swahili pack with one step's translation taken out."""
    path = pack / "group_guides.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- id: {step_id}")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- id:") or not lines[i].strip())
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    return pack


@pytest.mark.parametrize("lang", ["es", "sw"])
def test_every_group_session_and_group_meeting_step_ships_translated_and_marked_unreviewed(lang):
    protocol = load_protocol()
    pack = next(p for p in protocol.packs if p.language == lang)
    assert pack.type == "translation" and "unreviewed" in pack.name
    guide_steps = [s for guide in protocol.group_guides(lang) for s in guide.steps]
    meeting_steps = [s for kind in ("pre_group", "mid_group")
                     for plan in protocol.plan_sets_for("group", kind, lang=lang) for s in plan.steps]
    assert len(guide_steps) == 17 and len(meeting_steps) == 11
    for step in guide_steps + meeting_steps:
        assert not protocol.shown_in_english(f"step:{step.id}", lang), step.id
        assert step.title != protocol.plan_step(step.id).title, step.id
    for guide in protocol.group_guides(lang):
        assert not protocol.shown_in_english(f"group_guide:{guide.id}", lang)
    # The placeholder a facilitator's page fills in survives translation.
    assert "{remaining_sessions}" in protocol.plan_step("group.middle.close", lang).guidance
    # English readers never get a mark; a language without a pack (Arabic has screens, no content) gets every
    # piece in English, and every piece says so: never a whole page in English silently.
    assert not protocol.shown_in_english("step:group.first.welcome", "en")
    assert not protocol.shown_in_english("step:group.first.welcome", "en-GB")
    assert protocol.shown_in_english("step:group.first.welcome", "ar")


def test_a_step_missing_from_the_pack_is_shown_in_english_and_only_that_step(tmp_path):
    pack = _without_step(_copy_sw(tmp_path), "group.first.rules")
    protocol = load_protocol(EN, [pack])
    guide = protocol.group_guide("initial", "sw")
    by_id = {s.id: s for s in guide.steps}
    assert by_id["group.first.rules"].title == "Agree the group rules"  # English
    assert protocol.shown_in_english("step:group.first.rules", "sw")
    others = [s for s in guide.steps if s.id != "group.first.rules"]
    assert all(not protocol.shown_in_english(f"step:{s.id}", "sw") for s in others)
    assert by_id["group.first.welcome"].title == "Wakaribishe wote"  # the rest stays Swahili
    assert guide.title == "Kikao cha kwanza cha kikundi"


def test_a_piece_translated_only_in_part_counts_as_shown_in_english(tmp_path):
    pack = tmp_path / "lg"
    pack.mkdir()
    (pack / "pack.yaml").write_text("kind: pack\nid: t\ntype: translation\nlanguage: lg\nname: Test\n", encoding="utf-8")
    (pack / "g.yaml").write_text(
        "kind: group_guides\nitems:\n  - id: group.first_session\n    steps:\n"
        "      - id: group.first.welcome\n        title: Mwaniriza mwenna\n", encoding="utf-8")
    protocol = load_protocol(EN, [pack])
    piece = next(p for p in protocol.pieces("lg") if p.key == "step:group.first.welcome")
    assert piece.translated and not piece.complete  # the title, not the guidance
    assert protocol.shown_in_english("step:group.first.welcome", "lg")
    assert protocol.plan_step("group.first.welcome", "lg").title == "Mwaniriza mwenna"
    pieces = protocol.pieces("lg")
    # every piece Swahili has, except the communication analyser's tips: a language with no analyser gets no tips,
    # so none of them is shown in English (tests/practice/test_feedback_languages.py)
    swahili = [p for p in load_protocol().pieces("sw") if not p.key.startswith("analyser:")]
    assert sum(1 for p in pieces if p.complete) == 0 and len(pieces) == len(swahili)


def test_a_clinic_can_omit_what_the_shipped_packs_translate_and_a_wrong_id_is_still_an_error(tmp_path):
    # A clinic's adaptation drops a step, a whole plan and an area's strategy that Swahili translates:
    # the content still loads, and the rest is still in Swahili.
    clinic = write_pack(tmp_path / "clinic", {"omit.yaml": """
        kind: plans
        items:
          - id: initial.common
            steps:
              - id: initial.timeline
                omit: true
          - id: brief.middle
            omit: true
        """, "areas.yaml": """
        kind: problem_areas
        items:
          - id: grief
            strategies:
              - id: new_supports
                omit: true
        """})
    protocol = load_protocol(packs=[clinic])
    keys = {p.key for p in protocol.pieces("sw")}
    assert "step:initial.timeline" not in keys and "step:brief.middle.pace" not in keys
    assert "area:grief/strategies:new_supports" not in keys and "plan:brief.middle" not in keys
    assert "area:grief/strategies:explore_feelings" in keys and "step:initial.inventory_continue" in keys
    assert protocol.plan_step("initial.inventory_continue", "sw").title == "Endeleeni na orodha ya watu katika maisha"
    assert not protocol.shown_in_english("step:initial.inventory_continue", "sw")
    # A translation naming a step that neither English nor the clinic has is refused, as without an adaptation.
    typo = write_pack(tmp_path / "lg", {"p.yaml": """
        kind: plans
        items:
          - id: initial.common
            steps:
              - id: initial.timelin
                title: Ekipande
        """}, pack_type="translation", language="lg")
    with pytest.raises(ContentErrors) as caught:
        load_protocol(EN, [clinic, typo])
    assert any("initial.timelin" in str(e) and str(e).startswith(str(typo)) for e in caught.value.errors)


def test_a_broken_pack_names_the_file_and_line_and_nothing_loads(tmp_path):
    pack = _copy_sw(tmp_path)
    path = pack / "group_guides.yaml"
    text = path.read_text(encoding="utf-8").replace("        title: Wakaribishe wote\n",
                                                     "        title: Wakaribishe wote\n        minutes: 99\n")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("        minutes: 99") + 1
    with pytest.raises(ContentErrors) as caught:
        load_protocol(EN, [pack])
    assert f"{path}:{line}:" in str(caught.value.errors[0])
    assert "structure" in str(caught.value.errors[0])
    # A YAML mistake is named the same way.
    path.write_text("kind: group_guides\nitems:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_protocol(EN, [pack])
    assert any(str(e).startswith(f"{path}:") and e.line > 0 for e in caught.value.errors)


def test_coverage_counts_of_the_shipped_packs():
    protocol = load_protocol()
    for lang in ("sw",):
        pieces = _own(protocol.pieces(lang))
        complete = [p for p in pieces if p.complete]
        assert len(pieces) == 309
        assert len([p for p in complete if p.key.startswith("step:group.")]) == 32  # 17 + 11 + 4 tips
    # Swahili translates every piece (readings, plans, areas, formats, phases, techniques, fidelity), so a
    # Swahili reader meets no English content; each piece is still unreviewed until someone signs it off.
    assert [p.key for p in protocol.pieces("sw") if not p.complete] == []
    assert [p.key for p in protocol.pieces("sw") if p.translation == p.english] == []  # none left in English


def _kind(key: str) -> str:
    """A piece's kind for counting; steps by the plan family their id starts with (group, initial...)."""
    kind, _, rest = key.partition(":")
    return f"step:{rest.split('.')[0]}" if kind == "step" else kind


def _own(pieces):
    """The protocol's own pieces, without those an app registers (worksheets: tests/practice/test_worksheet_languages.py;
    the rehearsal scenarios: tests/practice/test_rehearsal_languages.py; the analyser's tips:
    tests/practice/test_feedback_languages.py)."""
    return [p for p in pieces if not p.key.startswith(("worksheet:", "scenario:", "rehearsal:", "analyser:"))]


def test_spanish_pack_translates_whole_pieces_and_these_many():
    pieces = _own(load_protocol().pieces("es"))
    assert len(pieces) == 309
    # Nothing is half translated: a piece the pack touches, it gives whole (or a reader gets English for it).
    assert [p.key for p in pieces if p.translated and not p.complete] == []
    counts: dict[str, int] = {}
    for piece in pieces:
        if piece.complete:
            counts[_kind(piece.key)] = counts.get(_kind(piece.key), 0) + 1
    assert counts == {
        "topic": 14, "technique": 8, "phase": 21, "area": 50, "format": 12, "plan": 39, "group_guide": 3, "fidelity": 46,
        "step:group": 32, "step:initial": 13, "step:middle": 29, "step:termination": 15,
        "step:brief": 2, "step:ipc": 2, "step:ipt_a": 7, "step:perinatal": 5, "step:couples": 5, "step:maintenance": 6,
    }
    assert [p.key for p in pieces if not p.complete] == []  # every piece: nothing is shown in English



def test_a_clinic_that_omits_translated_steps_and_a_plan_still_loads_in_spanish(tmp_path):
    """The shipped Spanish pack translates nearly every step; a clinic's adaptation that removes some of them
    (a step, a group meeting step, a whole plan) must not stop the content loading for everyone."""
    from tests.support.protocol import write_pack

    clinic = write_pack(tmp_path / "clinic", {"plans.yaml": """
        kind: plans
        items:
          - id: middle.open
            steps:
              - id: middle.tried_review
                omit: true
          - id: group.pre_group
            steps:
              - id: group.pre.hope
                omit: true
          - id: brief.middle
            omit: true
        """})
    protocol = load_protocol(packs=[clinic])
    opening = next(p for p in protocol.plan_sets_for("individual", "middle", lang="es") if p.id == "middle.open")
    assert [s.title for s in opening.steps] == ["Revise el tiempo desde la última sesión", "Una el ánimo y los acontecimientos"]
    pre = [s.id for p in protocol.plan_sets_for("group", "pre_group", lang="es") for s in p.steps]
    assert "group.pre.hope" not in pre and protocol.plan_step("group.pre.safety", "es").title == "Pregunte por su seguridad"
    assert "brief.middle" not in {p.id for p in protocol.plan_sets_for("brief", "middle", lang="es")}
    # What the clinic removed is not a piece any more, so it is neither counted nor marked as English.
    keys = {p.key for p in protocol.pieces("es")}
    assert "step:middle.tried_review" not in keys and "plan:brief.middle" not in keys
    assert all(p.complete for p in protocol.pieces("es"))
