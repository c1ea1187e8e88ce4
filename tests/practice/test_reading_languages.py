"""A client reads their reading in their language; a topic the pack lacks is in English, and they are told why."""

from __future__ import annotations

from openipt.clients.models import Client
from openipt.practice import actions
from openipt.protocol import load_protocol
from openipt.protocol.loader import CONTENT_ROOT
from tests.protocol.test_content_language_packs import _copy_sw
from tests.support.people import actor, login
from tests.support.practice import start_course

NOTE = "This page is in English because it is not translated into your language yet"


def test_a_swahili_client_reads_a_translated_topic_in_swahili_and_an_untranslated_one_in_english_with_a_note(
        world, client, tmp_path, monkeypatch):
    # The shipped Swahili pack translates every reading; take one out to see what a client gets for a gap.
    pack = _copy_sw(tmp_path)
    (pack / "topics" / "area_grief.md").unlink()
    protocol = load_protocol(CONTENT_ROOT / "en", [pack])
    monkeypatch.setattr("openipt.practice.present.default_protocol", lambda: protocol)
    own = world.clients["self"]
    start_course(world, held=1, next_in_days=1)
    Client.objects.filter(pk=own.pk).update(preferred_language="sw")
    therapist = actor(world.m["therapist"])
    translated = actions.assign_reading(therapist, own.pk, "sick_role")
    untranslated = actions.assign_reading(therapist, own.pk, "area_grief")
    login(client, world.m["client"])
    page = client.get(f"/me/reading/{translated.pk}/").content.decode()
    assert "Ni sawa kuwa mgonjwa kwa muda" in page and "Sonona ni ugonjwa" in page
    assert "It is OK to be unwell" not in page and NOTE not in page
    page = client.get(f"/me/reading/{untranslated.pk}/").content.decode()
    assert '<article class="pr-reading" lang="en">' in page
    # The note itself is a translatable text: the Swahili catalogue will carry it; until then it is English.
    assert NOTE in page or "kwa Kiingereza" in page


def test_a_client_whose_language_has_no_content_pack_is_told_the_reading_is_in_english(world, client):
    """Arabic has screens but no content pack: the whole reading comes in English, so the client must be told why
    (and the words marked as English for a screen reader), never given an English page silently."""
    own = world.clients["self"]
    start_course(world, held=1, next_in_days=1)
    Client.objects.filter(pk=own.pk).update(preferred_language="ar")
    reading = actions.assign_reading(actor(world.m["therapist"]), own.pk, "sick_role")
    login(client, world.m["client"])
    page = client.get(f"/me/reading/{reading.pk}/").content.decode()
    assert "It is OK to be unwell" in page
    assert '<article class="pr-reading" lang="en">' in page
    assert NOTE in page or "<p class=\"oi-muted\">" in page.split("<h1")[-2]
