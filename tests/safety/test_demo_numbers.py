"""Demo crisis numbers are fictional and never tap-to-call: a demo cannot ring a real service."""

from __future__ import annotations

import pytest

from openipt.safety import seed, settings_actions
from openipt.safety.demo_numbers import is_fictional
from openipt.safety.models import CrisisContact
from tests.support.people import actor, login


@pytest.mark.parametrize(("number", "fictional"), [
    ("01632 960111", True), ("+44 1632 960999", True), ("07700 900222", True), ("555-0123", True),
    ("(212) 555-0142", True), ("+1 212 555 0199", True),
    ("555-0200", False), ("0800 000 111", False), ("000 000", False), ("01632 961111", False), ("999", False),
    ("112", False), ("60000", False), ("", False), (None, False), ("01632 960111 ext", False),
])
def test_only_numbers_set_aside_for_fiction_count_as_demo_numbers(number, fictional):
    assert is_fictional(number) is fictional


def test_every_demo_crisis_contact_uses_a_fictional_number_and_says_so():
    for _language, name, phone, text, *_rest in seed.CONTACTS:
        assert all(is_fictional(n) for n in (phone, text) if n), name
        assert "demo number" in name or "número de demostración" in name
    assert is_fictional(seed.PROGRAMME_CONTACT[1]) and "demo number" in seed.PROGRAMME_CONTACT[0]


def test_a_demo_number_is_shown_without_a_tap_to_call_link_and_a_real_one_with_it(world, client):
    admin = actor(world.m["admin"])
    settings_actions.add_contact(admin, {"language": "en", "name": "Demo line", "phone": "01632 960111", "order": 1})
    settings_actions.add_contact(admin, {"language": "en", "name": "Demo text", "text_number": "07700 900222", "order": 2})
    settings_actions.add_contact(admin, {"language": "en", "name": "Real line", "phone": "0800 000 111", "order": 3})
    login(client, world.m["client"])
    page = client.get("/safety/me/help/").content.decode()
    assert "01632 960111" in page and "07700 900222" in page
    assert "tel:01632960111" not in page and "sms:07700900222" not in page
    assert page.count("(demo number: not a real line)") >= 2
    assert 'href="tel:0800000111"' in page


def test_loading_the_demo_again_replaces_numbers_an_older_demo_used(world):
    CrisisContact.objects.create(organisation=world.org, language="en", name="Emergency services (demo)", phone="000 000")
    CrisisContact.objects.create(organisation=world.org, language="en", name="Riverside Text Support (demo)",
                                 text_number="60000")
    CrisisContact.objects.create(organisation=world.other_org, language="en", name="Lakeside Helpline (demo)",
                                 phone="0800 000 333")
    seed._replace_old_demo_numbers(world.org, world.other_org)
    numbers = list(CrisisContact.objects.values_list("phone", "text_number"))
    assert all(is_fictional(p or t) for p, t in numbers), numbers
    assert CrisisContact.objects.filter(name="Emergency services (demo number)", phone="01632 960999").exists()
