"""Clinic packs: adaptations change or add items by id; translations replace text with English fallback."""

import pytest

from openipt.courses.plans import build_session_plan
from openipt.protocol import load_protocol
from tests.support.protocol import write_pack

LUGANDA_TECHNIQUES = """
    kind: techniques
    items:
      - id: role_play
        name: Okwegezaamu emboozi
"""

LUGANDA_TOPIC = """
    ---
    id: sick_role
    title: Kirungi okuba omulwadde okumala akaseera
    ---
    Obulwadde bw'okwennyamira bulwadde.
"""


def _luganda(tmp_path):
    return write_pack(
        tmp_path / "lg",
        {"techniques.yaml": LUGANDA_TECHNIQUES, "topics/sick_role.md": LUGANDA_TOPIC},
        pack_type="translation",
        language="lg",
    )


def test_translation_replaces_text_and_falls_back_to_english(tmp_path):
    # given a Luganda pack that translates one technique name and one topic
    protocol = load_protocol(packs=[_luganda(tmp_path)])
    # then Luganda lookups use the translation where it exists
    assert protocol.languages == ("en", "es", "lg", "sw")  # the shipped Spanish and Swahili packs, and this one
    assert protocol.technique("role_play", "lg").name == "Okwegezaamu emboozi"
    assert protocol.topic("sick_role", "lg").title.startswith("Kirungi")
    assert protocol.topic("sick_role", "lg").body.startswith("Obulwadde")
    # and keep the English text for what is not translated
    assert protocol.technique("role_play", "lg").description == protocol.technique("role_play").description
    assert protocol.topic("area_grief", "lg").body == protocol.topic("area_grief").body
    # and structure and metadata stay those of the base
    assert protocol.topic("sick_role", "lg").phases == ("initial",)
    assert protocol.format("individual", "lg").sessions == protocol.format("individual").sessions
    # and English itself is untouched
    assert protocol.technique("role_play", "en").name == "Role play"


def test_unknown_language_and_regional_codes_fall_back(tmp_path):
    protocol = load_protocol(packs=[_luganda(tmp_path)])
    assert protocol.technique("role_play", "lg-UG").name == "Okwegezaamu emboozi"
    assert protocol.technique("role_play", "fr").name == "Role play"
    assert protocol.topic("sick_role", None).language == "en"


def test_translated_plan_step_shows_up_in_the_session_plan(tmp_path):
    pack = write_pack(
        tmp_path / "lg",
        {
            "plans.yaml": """
        kind: plans
        items:
          - id: middle.open
            steps:
              - id: middle.interval_review
                title: Repasar el tiempo desde la última sesión
        """
        },
        pack_type="translation",
        language="lg",
    )
    protocol = load_protocol(packs=[pack])
    plan = build_session_plan(protocol, "individual", "middle", 5, 12, area="grief", lang="lg")
    assert plan.steps[0].title == "Repasar el tiempo desde la última sesión"
    assert plan.steps[1].title == "Link mood and events"  # untranslated: English
    assert plan.step_ids == build_session_plan(protocol, "individual", "middle", 5, 12, area="grief").step_ids


def test_adaptation_overrides_a_format_and_adds_a_topic(tmp_path):
    # given a clinic that runs individual IPT for up to 20 sessions and adds its own reading
    pack = write_pack(
        tmp_path / "clinic",
        {
            "formats.yaml": """
            kind: formats
            items:
              - id: individual
                sessions: {default: 14, min: 12, max: 20}
            """,
            "topics/clinic_welcome.md": """
            ---
            id: clinic_welcome
            title: Welcome to our clinic
            audience: client
            phases: [initial]
            ---
            We are glad you are here.
            """,
        },
    )
    protocol = load_protocol(packs=[pack])
    fmt = protocol.format("individual")
    assert (fmt.sessions.default, fmt.sessions.min, fmt.sessions.max) == (14, 12, 20)
    assert fmt.name == "Individual IPT"  # untouched keys stay
    assert protocol.topic("clinic_welcome").title == "Welcome to our clinic"
    assert "clinic_welcome" in {t.id for t in protocol.topics(phase="initial")}


def test_adaptation_adds_a_step_and_omits_another(tmp_path):
    pack = write_pack(
        tmp_path / "clinic",
        {
            "plans.yaml": """
        kind: plans
        items:
          - id: initial.common
            steps:
              - id: initial.timeline
                omit: true
              - id: clinic.initial.consent
                title: Record consent
                guidance: Record the client's consent to treatment.
                when: phase_first
        """
        },
    )
    protocol = load_protocol(packs=[pack])
    first = build_session_plan(protocol, "individual", "initial", 1, 12).step_ids
    second = build_session_plan(protocol, "individual", "initial", 2, 12).step_ids
    assert "clinic.initial.consent" in first
    assert "initial.timeline" not in second
    assert "initial.timeline" in build_session_plan(load_protocol(), "individual", "initial", 2, 12).step_ids


def test_omitting_a_step_that_others_replace_is_caught(tmp_path):
    from openipt.protocol import ContentErrors

    pack = write_pack(
        tmp_path / "clinic",
        {
            "plans.yaml": """
        kind: plans
        items:
          - id: initial.common
            steps:
              - id: initial.sick_role
                omit: true
        """
        },
    )
    with pytest.raises(ContentErrors) as caught:
        load_protocol(packs=[pack])
    assert any("unknown plan step 'initial.sick_role'" in e.message for e in caught.value.errors)


def test_packs_apply_in_order_later_wins(tmp_path):
    first = write_pack(
        tmp_path / "a",
        {
            "t.yaml": """
        kind: techniques
        items:
          - id: role_play
            example: First example.
        """
        },
    )
    second = write_pack(
        tmp_path / "b",
        {
            "t.yaml": """
        kind: techniques
        items:
          - id: role_play
            example: Second example.
        """
        },
    )
    assert load_protocol(packs=[first, second]).technique("role_play").example == "Second example."
    assert load_protocol(packs=[second, first]).technique("role_play").example == "First example."
