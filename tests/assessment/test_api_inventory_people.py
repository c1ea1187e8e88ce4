"""Practice personalises rehearsal from the inventory: the people, inner ring first, removed ones left out."""

from openipt.assessment import actions, api
from tests.support.people import actor


def test_inventory_people_lists_current_people_inner_ring_first(world):
    client = world.clients["mine"]
    by = actor(world.m["therapist"])
    actions.add_person(by, client.pk, {"name": "Uncle Bo", "relationship": "uncle", "ring": "outer"})
    actions.add_person(by, client.pk, {"name": "Mum", "relationship": "mother", "ring": "inner"})
    gone = actions.add_person(by, client.pk, {"name": "Ex", "relationship": "former partner", "ring": "middle"})
    actions.remove_person(by, gone.pk)
    people = api.inventory_people(client)
    assert [(p["name"], p["relationship"], p["ring"]) for p in people] == [("Mum", "mother", "inner"), ("Uncle Bo", "uncle", "outer")]
    assert api.inventory_people(world.clients["theirs"]) == []
