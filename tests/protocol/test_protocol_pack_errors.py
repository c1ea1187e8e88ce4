"""A content pack with each kind of error is rejected with the right file and line."""

import pytest

from openipt.protocol import ContentErrors, load_protocol
from openipt.protocol.loader import load_catalogs
from tests.support.protocol import copy_base, errors_in, write_pack


def _errors(*packs):
    catalogs, _, errors = load_catalogs(None, tuple(packs))
    assert errors, "the pack should have been rejected"
    assert catalogs == {}
    return errors


def _one(errors, file_suffix, line, *words):
    found = [
        e for e in errors_in(errors, file_suffix) if e.line == line and all(w in e.message for w in words)
    ]
    assert found, f"no error at {file_suffix}:{line} with {words}; got {[str(e) for e in errors]}"
    return found[0]


def test_missing_field_is_reported_at_the_item(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "techniques.yaml": """
        kind: techniques
        items:
          - id: review_tries
            name: Review of what was tried
        """
        },
    )
    _one(_errors(pack), "p/techniques.yaml", 3, "missing field 'description'", "review_tries")


def test_wrong_type_is_reported_at_the_value(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "formats.yaml": """
        kind: formats
        items:
          - id: individual
            sessions:
              default: twelve
              min: 12
              max: 16
        """
        },
    )
    _one(_errors(pack), "p/formats.yaml", 5, "'default'", "whole number")


def test_duplicate_id_in_one_pack_is_reported_at_the_second_copy(tmp_path):
    technique = """
        kind: techniques
        items:
          - id: review_tries
            name: Review
            description: Look at what the client tried and what happened.
        """
    pack = write_pack(tmp_path / "p", {"a.yaml": technique, "b.yaml": technique})
    error = _one(_errors(pack), "p/b.yaml", 3, "duplicate id 'review_tries'")
    assert "a.yaml:3" in error.message


def test_duplicate_step_id_across_plans_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "plans/extra.yaml": """
        kind: plans
        items:
          - id: clinic.middle.extra
            phase: middle
            order: 80
            steps:
              - id: middle.interval_review
                title: Another interval review
                guidance: Ask again.
        """
        },
    )
    _one(_errors(pack), "p/plans/extra.yaml", 7, "step id 'middle.interval_review' is used twice")


def test_step_naming_an_unknown_technique_or_topic_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "plans/extra.yaml": """
        kind: plans
        items:
          - id: clinic.middle.extra
            phase: middle
            order: 80
            steps:
              - id: clinic.extra.one
                title: Mind reading
                guidance: Guess what the client thinks.
                techniques: [exploration, mind_reading]
                topic: not_a_topic
        """
        },
    )
    errors = _errors(pack)
    _one(errors, "p/plans/extra.yaml", 10, "unknown technique 'mind_reading'")
    _one(errors, "p/plans/extra.yaml", 11, "unknown topic 'not_a_topic'")


def test_plan_for_an_unknown_area_or_stage_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "plans/extra.yaml": """
        kind: plans
        items:
          - id: clinic.middle.shyness
            phase: middle
            area: shyness
            order: 50
            steps:
              - id: clinic.shyness.one
                title: Talk about shyness
                guidance: Ask when it started.
          - id: clinic.middle.grief_stage
            phase: middle
            area: grief
            stage: impasse
            order: 60
            steps:
              - id: clinic.grief.stage
                title: Stage step
                guidance: Not a stage of grief.
        """
        },
    )
    errors = _errors(pack)
    _one(errors, "p/plans/extra.yaml", 5, "unknown area 'shyness'")
    _one(errors, "p/plans/extra.yaml", 14, "stage 'impasse'", "does not have")


def test_replacing_an_unknown_step_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "plans/extra.yaml": """
        kind: plans
        items:
          - id: clinic.initial
            phase: initial
            formats: [individual]
            order: 20
            steps:
              - id: clinic.initial.sick_role
                title: Our sick role
                replaces: initial.sik_role
                guidance: Our own words.
        """
        },
    )
    _one(_errors(pack), "p/plans/extra.yaml", 10, "unknown plan step 'initial.sik_role'")


def test_unknown_field_and_bad_placeholder_are_reported(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "plans/extra.yaml": """
        kind: plans
        items:
          - id: clinic.middle.extra
            phase: middle
            order: 80
            steps:
              - id: clinic.extra.one
                title: One
                guidence: Typo in the key.
              - id: clinic.extra.two
                title: Two
                guidance: Session {session} of {total_sessions}.
        """
        },
    )
    errors = _errors(pack)
    _one(errors, "p/plans/extra.yaml", 9, "unknown field 'guidence'")
    _one(errors, "p/plans/extra.yaml", 12, "unknown placeholder {session}")


def test_invalid_format_numbers_are_reported(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "formats.yaml": """
        kind: formats
        items:
          - id: individual
            sessions: {default: 10, min: 12, max: 16}
          - id: ipc
            sessions: {default: 2, min: 1, max: 6}
        """
        },
    )
    errors = _errors(pack)
    _one(errors, "p/formats.yaml", 4, "min <= default <= max")
    _one(errors, "p/formats.yaml", 6, "shorter than the initial phase plus termination")


def test_yaml_syntax_error_and_unknown_kind_are_reported(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "broken.yaml": "kind: techniques\nitems:\n  - id: x\n    name: [oops\n",
            "other.yaml": "kind: recipes\nitems: []\n",
        },
    )
    errors = _errors(pack)
    assert (
        errors_in(errors, "p/broken.yaml")
        and "not valid YAML" in errors_in(errors, "p/broken.yaml")[0].message
    )
    _one(errors, "p/other.yaml", 1, "'kind' must be one of")


def test_new_area_without_session_plans_is_a_coverage_gap(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "areas.yaml": """
        kind: problem_areas
        items:
          - id: work_stress
            name: Work stress
            group_name: Stress at work
            summary: Depression linked to stress at work.
            applies_when: Work problems started the depression.
            goals: [Reduce stress.]
            strategies: [{id: s1, text: Look at the workload.}]
            suggested_goals: [{id: g1, text: Talk to my manager.}]
            questions:
              - What happens at work?
        """
        },
    )
    errors = _errors(pack)
    assert any("no middle-phase steps for area 'work_stress'" in e.message for e in errors)


def test_broken_base_content_is_reported_with_its_file(tmp_path):
    base = copy_base(tmp_path / "en")
    path = base / "techniques.yaml"
    path.write_text(path.read_text().replace("  - id: role_play\n", "  - id: exploration\n"))
    with pytest.raises(ContentErrors) as caught:
        load_protocol(base)
    assert any(
        e.file.endswith("techniques.yaml") and "duplicate id 'exploration'" in e.message
        for e in caught.value.errors
    )


def test_a_clinic_pack_cannot_claim_to_be_the_base(tmp_path):
    pack = write_pack(tmp_path / "p", {}, pack_type="base")
    _one(_errors(pack), "p/pack.yaml", 1, "translation or adaptation")


def test_a_directory_without_a_manifest_is_refused(tmp_path):
    (tmp_path / "p").mkdir()
    assert errors_in(_errors(tmp_path / "p"), "p/pack.yaml")


# Broken translations -------------------------------------------------------------------------


def test_translation_of_an_id_not_in_the_base_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "lg",
        {
            "techniques.yaml": """
        kind: techniques
        items:
          - id: role_play
            name: Okwegezaamu
          - id: telepathy
            name: Something else
        """
        },
        pack_type="translation",
        language="lg",
    )
    _one(_errors(pack), "lg/techniques.yaml", 5, "'telepathy' does not exist in the base")


def test_translation_of_an_unknown_nested_step_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "lg",
        {
            "plans.yaml": """
        kind: plans
        items:
          - id: middle.open
            steps:
              - id: middle.interval_review
                title: Translated title
              - id: middle.not_there
                title: Nothing
        """
        },
        pack_type="translation",
        language="lg",
    )
    _one(_errors(pack), "lg/plans.yaml", 7, "'middle.not_there'", "does not exist in the base")


def test_translation_that_changes_structure_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "lg",
        {
            "formats.yaml": """
        kind: formats
        items:
          - id: individual
            name: IPT ey'omuntu omu
            termination_sessions: 2
        """
        },
        pack_type="translation",
        language="lg",
    )
    _one(_errors(pack), "lg/formats.yaml", 5, "text only", "termination_sessions")


def test_translated_topic_without_a_title_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "lg",
        {
            "topics/sick_role.md": """
        ---
        id: sick_role
        summary: Translated summary.
        ---
        Translated body.
        """
        },
        pack_type="translation",
        language="lg",
    )
    _one(_errors(pack), "lg/topics/sick_role.md", 2, "missing field 'title'", "sick_role")


def test_translated_topic_for_an_unknown_id_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "lg",
        {
            "topics/extra.md": """
        ---
        id: not_in_base
        title: Extra
        ---
        Body.
        """
        },
        pack_type="translation",
        language="lg",
    )
    _one(_errors(pack), "lg/topics/extra.md", 2, "topic 'not_in_base' does not exist")


def test_translation_manifest_without_a_language_is_reported(tmp_path):
    manifest = "kind: pack\nid: lg\ntype: translation\nname: Luganda\n"
    pack = write_pack(tmp_path / "lg", {}, manifest=manifest)
    _one(_errors(pack), "lg/pack.yaml", 1, "missing field 'language'")


def test_translation_with_wrong_text_type_is_reported(tmp_path):
    pack = write_pack(
        tmp_path / "lg",
        {
            "techniques.yaml": """
        kind: techniques
        items:
          - id: role_play
            name: 42
        """
        },
        pack_type="translation",
        language="lg",
    )
    _one(_errors(pack), "lg/techniques.yaml", 4, "'name'", "must be text")
