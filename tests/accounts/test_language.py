"""Each person's screens, and the e-mails sent to them, are in their language (issue 17, first slice)."""

from __future__ import annotations

from django.core import mail
from django.utils import translation

from openipt.accounts.models import User
from openipt.audit.models import AuditEvent
from openipt.clients.models import Client
from openipt.core.i18n import catalogues
from openipt.messaging import actions as messaging
from tests.support.people import actor, login


def _prefer(world, code: str) -> None:
    Client.objects.filter(pk=world.clients["self"].pk).update(preferred_language=code)


def test_a_spanish_client_sees_their_portal_in_spanish_and_their_therapist_stays_in_english(world, client):
    _prefer(world, "es")
    login(client, world.m["client"])
    page = client.get("/me/").content.decode()
    assert "<html lang=\"es\">" in page
    assert "Tus sesiones" in page and "Salir" in page
    login(client, world.m["therapist"])
    page = client.get(f"/clients/{world.clients['self'].pk}/").content.decode()
    assert "<html lang=\"en\">" in page and "Sign out" in page


def test_an_arabic_client_gets_a_right_to_left_portal(world, client):
    _prefer(world, "ar")
    login(client, world.m["client"])
    page = client.get("/me/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page and "جلساتك" in page


def test_a_language_without_a_catalogue_falls_back_to_the_organisation_default(world, client):
    _prefer(world, "lg")  # Luganda: a client may prefer it, OpenIPT has no catalogue yet
    login(client, world.m["client"])
    assert "<html lang=\"en\">" in client.get("/me/").content.decode()


def test_a_staff_member_chooses_their_language_and_the_choice_is_audited(world, client):
    login(client, world.m["therapist"])
    assert client.post("/account/language/", {"language": "es"}).status_code == 302
    assert User.objects.get(pk=world.m["therapist"].user_id).language == "es"
    assert AuditEvent.objects.filter(event_type="user.language_chosen").exists()
    assert '<html lang="es"' in client.get("/account/language/").content.decode()
    response = client.post("/account/language/", {"language": "xx"}, follow=True)
    assert "Elige uno de los idiomas de la lista." in response.content.decode()
    client.post("/account/language/", {"language": ""})
    assert '<html lang="en"' in client.get("/account/language/").content.decode()


def test_a_reply_e_mail_goes_out_in_the_client_s_language(world):
    _prefer(world, "es")
    Client.objects.filter(pk=world.clients["self"].pk).update(email="sam@example.test")
    message = messaging.reply(actor(world.m["therapist"]), world.clients["self"].pk, "Hello")
    mail.outbox.clear()
    assert messaging.email_new_message(message.pk) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Tienes un mensaje nuevo en OpenIPT"
    assert "Tu equipo de cuidado te envió un mensaje nuevo." in sent.body


def test_an_admin_signs_off_unreviewed_translations_and_the_audit_log_says_so(world, client):
    from openipt.accounts import queries

    waiting = queries.unreviewed_translations("es")
    assert waiting, "the project's Spanish is marked unreviewed"
    login(client, world.m["therapist"])
    assert client.get("/account/translations/").status_code == 403
    login(client, world.m["admin"])
    page = client.get("/account/translations/?lang=es").content.decode()
    assert "Tus sesiones" in page
    first = catalogues.entry_id(waiting[0])
    client.post("/account/translations/", {"lang": "es", "entry": [first]})
    assert len(queries.unreviewed_translations("es")) == len(waiting) - 1
    event = AuditEvent.objects.filter(event_type="translation.signed_off").latest("pk")
    assert event.details["count"] == 1 and event.details["msgids"] == [waiting[0].msgid[:80]]
    client.post("/account/translations/", {"lang": "es", "all": "1"})
    assert queries.unreviewed_translations("es") == []
    assert AuditEvent.objects.filter(event_type="translation.signed_off").latest("pk").details["whole_pack"] is True


def test_staff_and_clients_see_a_mark_while_the_translation_is_unreviewed(world, client):
    _prefer(world, "es")
    login(client, world.m["client"])
    page = client.get("/me/").content.decode()
    assert "data-unreviewed-translation" in page and "todavía las estamos revisando" in page
    login(client, world.m["therapist"])
    client.post("/account/language/", {"language": "es"})
    assert "Traducción sin revisar" in client.get("/account/language/").content.decode()
    client.post("/account/language/", {"language": ""})
    assert "data-unreviewed-translation" not in client.get("/account/language/").content.decode()


def test_a_spanish_client_is_told_questionnaires_stay_in_english_and_staff_see_why(world, client):
    from openipt.measures.queries.panels import language_note

    _prefer(world, "es")
    login(client, world.m["client"])
    page = client.get("/me/help/").content.decode()
    assert "Pedir ayuda ahora" in page and '<html lang="es"' in page
    assert language_note("en", world.org.pk) == ""
    with translation.override("en"):  # the staff reader's language
        assert "no validated Spanish version is installed" in language_note("es", world.org.pk)
