"""An organisation may connect a language model as the practice partner (off by default). Tested
against a small local server that speaks the OpenAI chat protocol: whatever it does (answer, stall,
fail, talk nonsense, say something unsafe) the client gets a labelled reply and nothing is lost."""

from __future__ import annotations

import html
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from openipt.audit.models import AuditEvent
from openipt.core.errors import ActionError
from openipt.core.sealed import unseal
from openipt.practice import actions, rehearsal_actions
from openipt.practice.models import PartnerSettings, RehearsalTurn
from openipt.practice.rehearsal.llm import NOTE_ERROR, NOTE_MALFORMED, NOTE_TIMEOUT, NOTE_UNSAFE
from tests.support.people import actor, login

MODEL_TEXT = "Oh. I had no idea you felt that way. I can do the dishes."
REQUEST = "I feel exhausted when I do all the cleaning. Could you do the washing up on weeknights?"


class _Handler(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def log_message(self, *args):
        pass

    def _reply(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the caller gave up waiting, as it should
            pass

    def do_POST(self):  # noqa: N802 - http.server naming
        length = int(self.headers.get("Content-Length", "0"))
        type(self).seen.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                "body": json.loads(self.rfile.read(length) or b"{}")})
        route = self.path.split("/")[1]

        def completion(text):
            return json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()

        if route == "ok":
            self._reply(200, completion(MODEL_TEXT))
        elif route == "slow":
            time.sleep(2.5)
            self._reply(200, completion(MODEL_TEXT))
        elif route == "error":
            self._reply(503, b'{"error": "overloaded"}')
        elif route == "nonsense":
            self._reply(200, b"<html>not json at all</html>")
        elif route == "unsafe":
            self._reply(200, completion("Honestly you should just kill yourself."))
        else:
            self._reply(404, b"{}")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _connect(world, url, timeout=2, key="sk-secret-123"):
    return actions.save_partner_settings(actor(world.m["admin"]), enabled=True, url=url, model_name="test-model",
                                         api_key=key, clear_key=False, timeout_seconds=timeout,
                                         expected_version=PartnerSettings.objects.filter(
                                             organisation=world.org).values_list("version", flat=True).first() or 0)


def test_the_scripted_partner_is_the_default_and_needs_no_network(world, me):
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    sent = rehearsal_actions.send_message(me, talk.pk, REQUEST, expected_steps=0)
    assert talk.partner == "script" and sent.reply.source == "script"


def test_a_connected_model_answers_labelled_as_automated(world, client, me, server):
    _Handler.seen.clear()
    _connect(world, f"{server}/ok/v1")
    talk = rehearsal_actions.start_rehearsal(me, "housework", name="Dan", relationship="husband")
    assert talk.partner == "model"
    sent = rehearsal_actions.send_message(me, talk.pk, REQUEST, expected_steps=0)
    assert (sent.reply.source, sent.reply.text) == ("model", MODEL_TEXT)
    assert _Handler.seen[-1]["auth"] == "Bearer sk-secret-123"
    assert "You play Dan" in _Handler.seen[-1]["body"]["messages"][0]["content"]
    # the feedback on the client's message is still the analyser's
    assert RehearsalTurn.objects.get(rehearsal=talk, speaker="client").feedback["helpful"] == 3
    login(client, world.m["client"])
    page = client.get(f"/me/practise/{talk.pk}/").content.decode()
    assert "Automated practice partner · language model" in page
    assert "The partner uses a language model. It is a computer program, not a real person." in page


@pytest.mark.parametrize("route, timeout, note", [
    ("slow", 1, NOTE_TIMEOUT),
    ("error", 2, NOTE_ERROR),
    ("nonsense", 2, NOTE_MALFORMED),
    ("unsafe", 2, NOTE_UNSAFE),
])
def test_a_slow_failing_nonsensical_or_unsafe_model_falls_back_to_the_script_with_a_note(
        world, client, me, server, route, timeout, note):
    _connect(world, f"{server}/{route}/v1", timeout=timeout)
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    started = time.monotonic()
    sent = rehearsal_actions.send_message(me, talk.pk, REQUEST, expected_steps=0)
    assert time.monotonic() - started < timeout + 1.5
    assert sent.reply.source == "fallback" and sent.reply.note == note
    assert sent.reply.text.startswith("Oh. I didn't know it was getting to you")  # the script's softer line
    assert "kill yourself" not in sent.reply.text
    login(client, world.m["client"])
    assert html.escape(note) in client.get(f"/me/practise/{talk.pk}/").content.decode()


def test_an_endpoint_that_is_down_falls_back_to_the_script(world, me):
    _connect(world, f"http://127.0.0.1:{_closed_port()}/v1")
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    sent = rehearsal_actions.send_message(me, talk.pk, REQUEST, expected_steps=0)
    assert sent.reply.source == "fallback" and sent.reply.note == NOTE_ERROR


def test_switching_the_model_off_makes_running_conversations_use_the_script(world, me, server):
    settings = _connect(world, f"{server}/ok/v1")
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    actions.save_partner_settings(actor(world.m["admin"]), enabled=False, url=settings.url, model_name="test-model",
                                  api_key="", clear_key=False, timeout_seconds=2, expected_version=settings.version)
    sent = rehearsal_actions.send_message(me, talk.pk, REQUEST, expected_steps=0)
    assert sent.reply.source == "script" and "switched off" in sent.reply.note


def test_the_settings_page_never_shows_the_key_back(world, client):
    login(client, world.m["admin"])
    page = client.get("/me/settings/partner/").content.decode()
    assert "No key is saved." in page and 'type="checkbox" name="enabled"' in page
    response = client.post("/me/settings/partner/", {"enabled": "on", "url": "https://llm.example.org/v1",
                                                     "model_name": "small", "api_key": "sk-very-secret",
                                                     "timeout_seconds": "10", "version": "0"})
    assert response.status_code == 302
    page = client.get("/me/settings/partner/").content.decode()
    assert "A key is saved." in page and "sk-very-secret" not in page
    # the database holds the key sealed, not as text someone with a copy of the database could read
    assert "sk-very-secret" not in PartnerSettings.objects.get().api_key
    assert not AuditEvent.objects.filter(details__icontains="sk-very-secret").exists()
    # saving again without typing a key keeps it; ticking "remove" clears it
    stored = PartnerSettings.objects.get()
    client.post("/me/settings/partner/", {"enabled": "on", "url": stored.url, "model_name": "small",
                                          "timeout_seconds": "5", "version": str(stored.version)})
    assert unseal(PartnerSettings.objects.get().api_key) == "sk-very-secret"
    stored = PartnerSettings.objects.get()
    client.post("/me/settings/partner/", {"url": stored.url, "model_name": "small", "clear_key": "on",
                                          "timeout_seconds": "5", "version": str(stored.version)})
    assert PartnerSettings.objects.get().api_key == "" and not PartnerSettings.objects.get().enabled


@pytest.mark.parametrize("data, field, message", [
    ({"enabled": "on", "url": "ftp://x", "model_name": "m", "timeout_seconds": "10"}, "url", "starting with https://"),
    ({"enabled": "on", "url": "https://x.example", "model_name": "", "timeout_seconds": "10"}, "model_name", "model name"),
    ({"enabled": "on", "url": "https://x.example", "model_name": "m", "timeout_seconds": "0"}, "timeout_seconds", "1 to 60"),
])
def test_bad_settings_are_refused_beside_the_field(world, client, data, field, message):
    login(client, world.m["admin"])
    response = client.post("/me/settings/partner/", {**data, "version": "0"})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not PartnerSettings.objects.filter(enabled=True).exists()


def test_only_an_admin_may_connect_a_model(world):
    with pytest.raises(ActionError, match="Only an admin"):
        actions.save_partner_settings(actor(world.m["therapist"]), enabled=True, url="https://x.example",
                                      model_name="m", api_key="", clear_key=False, timeout_seconds=5,
                                      expected_version=0)


def test_a_key_sealed_under_an_old_secret_key_is_named_and_the_scripted_partner_takes_over(world, client, me, server,
                                                                                         settings):
    _connect(world, f"{server}/ok/v1")
    settings.SECRET_KEY = "a-new-secret-key-after-a-move-" + "x" * 30
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    assert talk.partner == "script"
    login(client, world.m["admin"])
    page = client.get("/me/settings/partner/").content.decode()
    assert "can no longer be read" in page
    stored = PartnerSettings.objects.get()
    client.post("/me/settings/partner/", {"enabled": "on", "url": stored.url, "model_name": "test-model",
                                          "api_key": "sk-secret-123", "timeout_seconds": "2",
                                          "version": str(stored.version)})
    assert rehearsal_actions.start_rehearsal(me, "coffee_colleague").partner == "model"


def test_a_key_saved_before_sealing_is_still_used_and_sealed_on_the_next_save(world, me, server):
    _connect(world, f"{server}/ok/v1")
    PartnerSettings.objects.update(api_key="sk-plain-old")  # as stored before keys were sealed
    _Handler.seen.clear()
    talk = rehearsal_actions.start_rehearsal(me, "housework")
    rehearsal_actions.send_message(me, talk.pk, REQUEST, expected_steps=0)
    assert _Handler.seen[-1]["auth"] == "Bearer sk-plain-old"
    _connect(world, f"{server}/ok/v1", key="sk-plain-new")
    assert PartnerSettings.objects.get().api_key.startswith("sealed:v1:")
