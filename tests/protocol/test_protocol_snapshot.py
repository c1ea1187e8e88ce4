"""The shipped protocol content loads to the same objects as when the content toolkit took it over."""

from openipt.protocol import load_protocol


def test_the_shipped_protocol_loads_with_the_same_counts_ids_and_fields():
    protocol = load_protocol()
    assert protocol.languages == ("en", "es", "sw")  # English, and the Spanish and Swahili packs (issue 17)
    counts = [len(protocol.formats("en")), len(protocol.phases("en")), len(protocol.areas("en")),
              len(protocol.techniques("en")), len(protocol.plan_sets("en")), len(protocol.group_guides("en")),
              len(protocol.fidelity_checklists("en")), len(protocol.topics(lang="en"))]
    assert counts == [8, 3, 4, 8, 39, 3, 5, 14]
    assert [area.id for area in protocol.areas("en")] == ["grief", "role_dispute", "role_transition",
                                                         "interpersonal_deficits"]
    technique = protocol.technique("exploration", "en")
    assert technique.name == "Exploration"
    assert technique.example == '"Tell me more about what happened when your sister called."'
