"""A facilitator who chose Kiswahili runs a group session in Swahili; staff headers follow the reader's language;
the project's translation packs stay in step with the catalogues (issue 17, item 6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from openipt.accounts.models import User
from openipt.core.i18n import catalogues
from openipt.groups import actions
from tests.support.groups import client_of, group, screen
from tests.support.people import actor

PACKS = Path(catalogues.__file__).resolve().parent / "packs"


@pytest.fixture
def running(world):
    grp = group(world, weeks_ago=2)
    members = [actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world, given_name=f"Member{i}").pk)
               for i in range(4)]
    screen(world, *members)
    actions.set_status(actor(world.m["admin"]), grp.pk, "running")
    return grp


def _choose(membership, code: str) -> None:
    User.objects.filter(pk=membership.user_id).update(language=code)


def test_a_facilitator_who_chose_kiswahili_runs_the_session_in_swahili_offline_words_and_safety_steps_too(
        world, running, as_member):
    _choose(world.m["facilitator"], "sw")
    page = as_member(world.m["facilitator"]).get(f"/groups/{running.pk}/sessions/1/").content.decode()
    assert '<html lang="sw"' in page
    assert "Waliokuja" in page and "Hifadhi waliokuja" in page  # who came, save who came
    assert "Chapisha mwongozo (PDF)" in page  # print the guide
    # The words facilitator mode's JavaScript writes when the tablet is offline, with their placeholders intact.
    assert "Hakuna mtandao. Mabadiliko {n} yamehifadhiwa kwenye tableti hii" in page
    # The safety question is asked in the facilitator's language, never dropped.
    assert "swali la usalama" in page
    assert "Sign out" not in page and "Toka" in page


def test_a_spanish_speaking_therapist_sees_the_caseload_column_headers_in_spanish(world, as_member):
    _choose(world.m["therapist"], "es")
    page = as_member(world.m["therapist"]).get("/clients/").content.decode()
    assert '">Necesita atención</a>' in page and '">Último cambio</a>' in page  # the sortable headers
    _choose(world.m["therapist"], "")
    page = as_member(world.m["therapist"]).get("/clients/").content.decode()
    assert '">Needs attention</a>' in page and "Necesita atención" not in page


@pytest.mark.parametrize("pack", sorted(PACKS.glob("*.po")), ids=lambda p: p.name)
def test_every_translation_pack_imports_cleanly_and_matches_the_catalogue(pack, tmp_path):
    """After `openipt i18n extract`, importing a pack puts its translations back; today it changes nothing."""
    base = tmp_path / "locale"
    shutil.copytree(catalogues.LOCALE_DIR, base)
    lang, changed = catalogues.import_text(pack.read_text(encoding="utf-8"), str(pack), base=base)
    assert lang == pack.name.split("-")[0]
    assert changed == 0, f"{pack.name} differs from the {lang} catalogue in {changed} entries"
