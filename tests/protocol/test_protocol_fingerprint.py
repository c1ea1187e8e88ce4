"""Every shipped protocol file loads to exactly what it loaded to before the move to pydantic models.

The fingerprint was taken with the hand-written checker (main at 7f0ea4b) and the same helper. When
shipped content is edited on purpose, the fingerprint changes: check the change, then record the new one.
"""

from openipt.protocol.loader import load_catalogs
from tests.support.content import fingerprint

CATALOGS = "f5016bf2f12018245811c5f2603c7026229a90dcf5dd2cee9fbc7464f4d4ed8d"
PACKS = "4cab642eda018534191abdfcea6c8591f677f1f9829d293835b621a7dadd0f51"


def test_every_shipped_protocol_file_loads_to_the_same_items():
    catalogs, infos, errors = load_catalogs()
    assert errors == []
    assert fingerprint(sorted(catalogs.items())) == CATALOGS
    packs = [(i.id, i.type, i.language, i.name, i.description, i.version) for i in infos]
    assert fingerprint(packs) == PACKS
