"""The pydantic models of protocol content report each mistake at its file and line, in plain words."""

from openipt.protocol.loader import load_catalogs
from tests.support.protocol import errors_in, write_pack


def _messages(pack, file_suffix):
    catalogs, _, errors = load_catalogs(None, (pack,))
    assert catalogs == {}, "the pack should have been rejected"
    return {(e.line, e.message) for e in errors_in(errors, file_suffix)}


def test_each_kind_of_value_mistake_is_named_with_its_line(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "plans.yaml": """
        kind: plans
        items:
          - id: clinic.extra
            phase: later
            order: 1000
            formats: [individual, individual]
            title:
            steps:
              - just a line
              - id: clinic.extra.one
                title: One
                guidance: "Open {brace"
                when: soon
                minutes: 0
        """
        },
    )
    assert _messages(pack, "p/plans.yaml") == {
        (
            4,
            "'phase' in plan 'clinic.extra' must be one of initial, middle, termination, pre_group, mid_group; "
            "got 'later'",
        ),
        (5, "'order' in plan 'clinic.extra' must be at most 999, not 1000"),
        (6, "'formats' in plan 'clinic.extra' lists 'individual' twice"),
        (7, "'title' in plan 'clinic.extra' must have a value"),
        (9, "'steps' in plan 'clinic.extra' item 1 must be a mapping of keys to values, not text"),
        (12, "'guidance' in step 'clinic.extra.one' has an unmatched '{' or '}' (write '{{' for a brace)"),
        (
            13,
            "'when' in step 'clinic.extra.one' must be one of any, phase_first, phase_later, phase_last, "
            "course_last, before_last; got 'soon'",
        ),
        (14, "'minutes' in step 'clinic.extra.one' must be at least 1, not 0"),
    }


def test_repeats_and_empty_lists_are_named_at_the_repeat(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "plans.yaml": """
        kind: plans
        items:
          - id: clinic.middle
            phase: middle
            order: 90
            steps:
              - id: clinic.middle.one
                title: One
                guidance: First.
              - id: clinic.middle.one
                title: Again
                guidance: Twice.
        """,
            "areas.yaml": """
        kind: problem_areas
        items:
          - id: grief
            goals: []
        """,
            "formats.yaml": """
        kind: formats
        items:
          - id: individual
            frequency:
              default: weekly
              allowed: [weekly, monthly, weekly]
        """,
        },
    )
    assert _messages(pack, "p/plans.yaml") == {
        (10, "duplicate id 'clinic.middle.one' in 'steps' in plan 'clinic.middle'")
    }
    assert _messages(pack, "p/areas.yaml") == {
        (4, "'goals' in problem area 'grief' needs at least 1 item(s)")
    }
    assert _messages(pack, "p/formats.yaml") == {
        (6, "'allowed' in 'frequency' in format 'individual' lists 'weekly' twice")
    }


def test_a_group_guide_step_without_minutes_is_refused_but_a_plan_step_may_leave_them_out(tmp_path):
    pack = write_pack(
        tmp_path / "p",
        {
            "guides.yaml": """
        kind: group_guides
        items:
          - id: group.middle_session
            steps:
              - id: group.middle.checkin
                title: Check in
                guidance: Each member says how the week went.
        """
        },
    )
    assert _messages(pack, "p/guides.yaml") == {(5, "missing field 'minutes' in step 'group.middle.checkin'")}
