"""Every shipped protocol file loads to exactly what it loaded to before the move to pydantic models.

The fingerprint was taken with the hand-written checker (main at 7f0ea4b) and the same helper. When
shipped content is edited on purpose, the fingerprint changes: check the change, then record the new one.
"""

from openipt.protocol.loader import load_catalogs
from tests.support.content import fingerprint

# Taken again after formats.yaml gained the `consent` start check (issue 14); with main's
# formats.yaml the same code gives the hash taken with the hand-written checker (f5016bf2...).
CATALOGS = "9f1548c367ab62381b4ce75ac75c53dfca5c8e0b609a9b4b80cb75417fba9769"
PACKS = "4cab642eda018534191abdfcea6c8591f677f1f9829d293835b621a7dadd0f51"


def test_every_shipped_protocol_file_loads_to_the_same_items():
    catalogs, infos, errors = load_catalogs()
    assert errors == []
    # The English catalog is unchanged; the Spanish and Swahili packs (issue 17) only replace text, and
    # every other language keeps each English item's structure (checked below).
    assert fingerprint(sorted((k, v) for k, v in catalogs.items() if k == "en")) == CATALOGS
    for lang, catalog in catalogs.items():
        assert [s.id for s in catalog.steps.values()] == [s.id for s in catalogs["en"].steps.values()], lang
        assert [(s.minutes, s.techniques, s.topic) for s in catalog.steps.values()] == [
            (s.minutes, s.techniques, s.topic) for s in catalogs["en"].steps.values()], lang
    packs = [(i.id, i.type, i.language, i.name, i.description, i.version) for i in infos if i.language == "en"]
    assert fingerprint(packs) == PACKS
    assert {i.id for i in infos} == {"openipt-base", "openipt-es", "openipt-sw"}
