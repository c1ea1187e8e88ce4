"""A site installs a validated translation of a questionnaire as data (issue 17, item 4).

The fixture is a FAKE version (language "xx", wording "XX-TEST ..."): OpenIPT ships no translated
questionnaire wording. A version is refused unless it has the English items, answers and scoring; once
installed, a client of that language sees its words in the portal and through a one-time link, and the
score is the English scoring's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openipt.audit.models import AuditEvent
from openipt.clients.models import Client
from openipt.core.errors import ActionError
from openipt.measures import actions, link_actions, version_actions
from openipt.measures.models import Administration, InstrumentVersion
from openipt.measures.queries.panels import language_note
from openipt.measures.version_cli import add, listing, remove
from tests.support.measures import form_data, start_course
from tests.support.people import actor, login

FIXTURE = Path(__file__).parent / "fixtures" / "gad7_xx_test_version.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")
GAD7 = {"q1": 2, "q2": 1, "q3": 3, "q4": 0, "q5": 2, "q6": 1, "q7": 1, "difficulty": 1}  # total 10


def _install(world, text=TEXT):
    return version_actions.install(actor(world.m["admin"]), text, str(FIXTURE))


def _refusal(world, text) -> str:
    with pytest.raises(ActionError) as caught:
        _install(world, text)
    assert not InstrumentVersion.objects.exists()  # nothing of a refused file is installed
    return caught.value.message


@pytest.fixture
def xx_course(world):
    course = start_course(world, "self")
    actions.ensure_default_schedule(course)
    Client.objects.filter(pk=course.client_id).update(preferred_language="xx")
    return course


def test_installing_a_version_keeps_its_source_licence_citation_and_installer_and_is_audited(world):
    row = _install(world)
    assert (row.instrument_code, row.language) == ("gad7", "xx")
    assert row.source.startswith("TEST LICENCE HOLDER") and row.validation.startswith("No validation; test")
    assert row.installed_by == world.m["admin"] and row.installed_at is not None
    event = AuditEvent.objects.get(event_type="measures.version_installed")
    assert event.details["instrument"] == "gad7" and event.details["language"] == "xx"
    assert event.details["validation"].startswith("No validation") and event.actor_user_id == world.m["admin"].user_id
    # A second install of the same language is refused unless it replaces on purpose.
    assert "already installed" in _refusal_keep(world)
    version_actions.install(actor(world.m["admin"]), TEXT, "again.yaml", replace=True)
    assert AuditEvent.objects.filter(event_type="measures.version_installed").count() == 2


def _refusal_keep(world) -> str:
    with pytest.raises(ActionError) as caught:
        _install(world)
    return caught.value.message


def test_only_an_admin_installs_a_version(world):
    with pytest.raises(ActionError):
        version_actions.install(actor(world.m["therapist"]), TEXT, "f.yaml")
    assert not InstrumentVersion.objects.exists()


@pytest.mark.parametrize(("change", "problem"), [
    (lambda t: t.replace('  - {value: 3, label: "XX-TEST answer three"}\n', ""),
     "item q1: the English version has 4 answers; this one has 3"),
    (lambda t: t.replace("{value: 2, label: \"XX-TEST answer two\"}", "{value: 5, label: \"XX-TEST answer two\"}"),
     "answer 3 must have the value 2 (as in English), not 5"),
    (lambda t: t.replace('  - {id: q7, text: "XX-TEST question seven"}\n', ""),
     "the English version has 8 items; this one has 7"),
    (lambda t: t.replace("id: q2,", "id: q9,"), "item 2 must be 'q2' (the English order), not 'q9'"),
    (lambda t: t + "scoring: {method: sum, min: 0, max: 30}\n", "'scoring' changes scoring"),
    (lambda t: t.replace("validation: No validation; test fixture (OpenIPT test suite).\n", ""),
     "missing 'validation': cite the study that validated this translation"),
    (lambda t: t.replace("source: TEST LICENCE HOLDER (not a real translation)\n", ""),
     "missing 'source': say who holds the translation's licence"),
    (lambda t: t.replace("instrument: gad7", "instrument: nosuch"), "'instrument' must name an installed questionnaire"),
    (lambda t: t.replace("id: minimal,", "id: tiny,"), "band 'tiny' is not a band of the English version"),
    # Odd values are refused with their line, never a crash: a list as a band id, a language the portal would
    # never match (it looks a client's language up by its primary code) or the database could not hold.
    (lambda t: t.replace("id: minimal,", "id: [minimal],"), "band ['minimal'] is not a band of the English version"),
    (lambda t: t.replace("language: xx", "language: es-MX"), "language must be a language code"),
    (lambda t: t.replace("language: xx", "language: kiswahili-kenya"), "language must be a language code"),
])
def test_a_version_that_differs_from_the_english_is_refused_naming_the_problem_and_line(world, change, problem):
    message = _refusal(world, change(TEXT))
    assert problem in message
    assert str(FIXTURE) + ":" in message  # the file and the line


def test_a_client_of_that_language_sees_the_version_in_the_portal_and_the_score_is_the_english_scoring(
        world, client, xx_course):
    key = f"c{xx_course.pk}.s1.gad7"
    login(client, world.m["client"])
    # Before a version is installed: the English wording, with the note, and staff read why.
    page = client.get(f"/measures/me/{key}/").content.decode()
    assert "Feeling nervous, anxious, or on edge" in page and "data-questionnaire-language" in page
    assert "no validated" in language_note("xx", world.org.pk)
    _install(world)
    page = client.get(f"/measures/me/{key}/").content.decode()
    assert "XX-TEST question one" in page and "XX-TEST answer three" in page and "XX-TEST instructions" in page
    assert "Feeling nervous" not in page and "data-questionnaire-language" not in page
    assert "GAD-7" in language_note("xx", world.org.pk) and "validated" in language_note("xx", world.org.pk)
    response = client.post(f"/measures/me/{key}/", form_data(GAD7))
    assert response.status_code == 302
    admin = Administration.objects.get(due_key=key)
    assert (admin.total, admin.band) == (10, "moderate")  # 2+1+3+0+2+1+1, the English GAD-7 bands
    # The same answers through the English instrument give the same score.
    from openipt.measures import instruments
    from openipt.measures.engine import score
    assert score(instruments.get("gad7"), GAD7).total == admin.total
    # The PHQ-9 has no xx version: it stays in English with the note.
    page = client.get(f"/measures/me/c{xx_course.pk}.s1.phq9/").content.decode()
    assert "Little interest or pleasure in doing things" in page and "data-questionnaire-language" in page


def test_a_one_time_link_shows_the_version_too_and_removing_it_brings_back_english(world, client, xx_course):
    _install(world)
    _made, token = link_actions.create_link(actor(world.m["therapist"]), xx_course.pk)
    client.logout()
    page = client.get(f"/measures/link/{token}/c{xx_course.pk}.s1.gad7/").content.decode()
    assert "XX-TEST question seven" in page and "XX-TEST difficulty three" in page
    version_actions.remove(actor(world.m["admin"]), "gad7", "xx")
    assert AuditEvent.objects.filter(event_type="measures.version_removed").exists()
    page = client.get(f"/measures/link/{token}/c{xx_course.pk}.s1.gad7/").content.decode()
    assert "XX-TEST" not in page and "Feeling nervous, anxious, or on edge" in page


def test_a_client_of_another_language_is_not_shown_the_version(world, client, xx_course):
    _install(world)
    Client.objects.filter(pk=xx_course.client_id).update(preferred_language="lg")
    login(client, world.m["client"])
    page = client.get(f"/measures/me/c{xx_course.pk}.s1.gad7/").content.decode()
    assert "XX-TEST" not in page and "data-questionnaire-language" in page


def test_the_command_line_checks_installs_lists_and_removes(world, capsys, tmp_path):
    assert add(str(FIXTURE), as_user=None, check_only=True) == 0
    assert not InstrumentVersion.objects.exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEXT.replace("id: q2,", "id: q9,"), encoding="utf-8")
    assert add(str(bad), as_user=world.m["admin"].user.username) == 1
    assert "bad.yaml:" in capsys.readouterr().err
    assert add(str(FIXTURE), as_user=world.m["therapist"].user.username) == 2  # not an admin
    assert add(str(FIXTURE), as_user=world.m["admin"].user.username) == 0
    listing()
    out = capsys.readouterr().out
    assert f"{world.org.name}\tgad7\txx" in out and world.m["admin"].user.username in out and "No validation" in out
    assert remove("gad7", "xx", as_user=world.m["admin"].user.username) == 0
    assert remove("gad7", "xx", as_user=world.m["admin"].user.username) == 1


def test_a_version_belongs_to_the_organisation_that_holds_its_licence(world, client, xx_course):
    """Another organisation on the same server holds no licence for it: its clients keep the English wording,
    and its admins can neither see nor remove it."""
    from openipt.measures.queries.versions import installed

    _install(world)
    far = world.clients["other"]
    Client.objects.filter(pk=far.pk).update(preferred_language="xx")
    assert "no validated" in language_note("xx", world.other_org.pk)
    assert installed(world.other_org.pk) == [] and len(installed(world.org.pk)) == 1
    from openipt.measures import instruments
    from openipt.measures.queries.versions import for_client
    assert for_client(instruments.get("gad7"), "xx", world.other_org.pk).language == "en"
    assert for_client(instruments.get("gad7"), "xx", world.org.pk).language == "xx"
    with pytest.raises(ActionError):
        version_actions.remove(actor(world.m["other_admin"]), "gad7", "xx")
    # The other organisation may install its own licensed version beside it.
    version_actions.install(actor(world.m["other_admin"]), TEXT, "theirs.yaml")
    assert InstrumentVersion.objects.count() == 2


def test_an_admin_checks_installs_and_removes_a_version_in_the_browser_pages(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, world.m["admin"])
    page = client.get("/measures/translations/").content.decode()
    assert "None yet" in page
    # Check only: said to match, nothing installed.
    upload = SimpleUploadedFile("gad7-xx.yaml", TEXT.encode("utf-8"))
    page = client.post("/measures/translations/", {"file": upload, "check": "1"}).content.decode()
    assert "can be installed" in page and not InstrumentVersion.objects.exists()
    # A file that differs is refused beside the field, naming the problem; nothing installed.
    bad = SimpleUploadedFile("bad.yaml", TEXT.replace("id: q2,", "id: q9,").encode("utf-8"))
    page = client.post("/measures/translations/", {"file": bad, "install": "1"}).content.decode()
    assert "Nothing was installed" in page and "item 2 must be" in page and not InstrumentVersion.objects.exists()
    page = client.post("/measures/translations/", {"file": SimpleUploadedFile("x.yaml", b"\xff\xfe"),
                                                   "install": "1"}).content.decode()
    assert "not UTF-8" in page
    # Install: listed with its licence holder and validation, audited.
    response = client.post("/measures/translations/", {"file": SimpleUploadedFile("gad7-xx.yaml", TEXT.encode()),
                                                       "install": "1"})
    assert response.status_code == 302
    row = InstrumentVersion.objects.get()
    assert row.organisation_id == world.org.pk
    page = client.get("/measures/translations/").content.decode()
    assert "TEST LICENCE HOLDER" in page and "No validation; test" in page
    # A second file of the same language needs "replace" ticked.
    page = client.post("/measures/translations/", {"file": SimpleUploadedFile("again.yaml", TEXT.encode()),
                                                   "install": "1"}).content.decode()
    assert "already installed" in page
    assert client.post("/measures/translations/", {"file": SimpleUploadedFile("again.yaml", TEXT.encode()),
                                                   "install": "1", "replace": "on"}).status_code == 302
    assert client.post(f"/measures/translations/{row.pk}/remove/").status_code == 302
    assert not InstrumentVersion.objects.exists()
    assert AuditEvent.objects.filter(event_type="measures.version_removed").count() == 1
