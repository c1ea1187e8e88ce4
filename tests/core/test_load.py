"""`make load`'s own parts, without Locust (which lives in .venv-load, not in CI's environment).

The proxy that stands in for Caddy is tested against a real Django server (pytest-django's live
server) and a real TCP server that drops the connection; the check that runs after a load run is
tested on a real database with writes made through the real pages, and must find a write that was
acknowledged but is missing.
"""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
import uuid

import pytest
from django.test import Client as Browser
from django.utils import timezone

from bench.load import proxy, world
from openipt.accounts.models import Membership
from openipt.measures.models import Administration
from openipt.safety.models import Alert
from openipt.seed.synth import generate
from tests.support.people import login


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dropper:
    """A real TCP server that reads a request and closes the connection without answering (a dying app server)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            data = conn.recv(65536)
            if not data.startswith(b"GET /healthz"):  # its health check fails too, by the same drop
                self.requests.append(data)
            conn.close()


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.django_db(transaction=True)
def test_the_proxy_routes_around_a_dead_app_server(live_server):
    # given the proxy in front of a real OpenIPT server and a port where nothing answers (a killed server)
    backend = ("127.0.0.1", int(live_server.url.rsplit(":", 1)[1]))
    server = proxy.serve(_free_port(), [("127.0.0.1", _free_port()), backend])
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        # when people keep asking
        answers = [_get(f"{base}/healthz", {"X-Request-ID": f"load-{i}"}) for i in range(6)]
        # then every request is answered by the live server
        assert [status for status, _h, _b in answers] == [200] * 6
        assert all(b"ok" in body and h.get("X-Request-ID") for _s, h, body in answers)
        assert server.backends.refused >= 1
    finally:
        server.shutdown()


def test_with_no_app_server_answering_the_proxy_says_so_and_never_hangs():
    server = proxy.serve(_free_port(), [("127.0.0.1", _free_port()), ("127.0.0.1", _free_port())])
    try:
        status, _h, body = _get(f"http://127.0.0.1:{server.server_address[1]}/healthz")
        assert status == 503 and b"No app server" in body
    finally:
        server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_a_post_whose_app_server_dies_while_answering_is_answered_502_and_never_sent_twice(live_server):
    # given the proxy whose first app server takes requests and dies before answering
    dropper = Dropper()
    backend = ("127.0.0.1", int(live_server.url.rsplit(":", 1)[1]))
    server = proxy.serve(_free_port(), [("127.0.0.1", dropper.port), backend], watch=False)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        # when a form is posted and reaches the dying server first
        request = urllib.request.Request(
            f"{base}/account/login/", data=b"username=a&password=b", method="POST"
        )
        try:
            urllib.request.urlopen(request, timeout=10)
            status = 200
        except urllib.error.HTTPError as e:
            status = e.code
        # then the person is told it failed (they press again; the form's key makes a repeat safe),
        # and the post was not passed to the other server behind their back
        assert status == 502
        assert len(dropper.requests) == 1 and dropper.requests[0].startswith(b"POST /account/login/")
        # (which was told who the client is, and that the client came over HTTPS, as Caddy tells it)
        assert b"X-Forwarded-For: 127.0.0.1" in dropper.requests[0]
        assert b"X-Forwarded-Proto: https" in dropper.requests[0]
        # and the next request goes to the live server, the dead one being marked down
        assert _get(f"{base}/healthz")[0] == 200
    finally:
        server.shutdown()
        dropper.sock.close()


def test_every_run_has_each_role_and_the_number_of_people_asked_for():
    for users in (4, 5, 37, 200):
        counts = world.slots_for(users)
        assert sum(counts.values()) == users and min(counts.values()) >= 1
    assert world.slots_for(200) == {"therapist": 90, "facilitator": 30, "supervisor": 20, "client": 60}


@pytest.mark.django_db
def test_the_check_after_a_run_passes_real_writes_and_names_an_acknowledged_write_that_is_missing():
    # given a small synthetic organisation prepared for a run of five people
    generate(80, seed=3)
    started = timezone.now()
    plan = world.prepare(5, "a long load-test password")
    slot = plan["therapist"][0]
    therapist = Membership.objects.get(user__username=slot["username"], role="therapist")
    browser = Browser()
    login(browser, therapist)
    rows = []
    # when the therapist types a note (two autosaves through the real htmx endpoint) ...
    target = slot["notes"][0]
    base = f"/courses/{target['course']}/sessions/{target['number']}/"
    version, text = 0, ""
    for _ in range(2):
        mark = f"[note-{uuid.uuid4().hex[:8]}]"
        text += f" Talked about it {mark}."
        r = browser.post(
            base + "autosave/",
            {"strategy_work": text, "risk_level": "none", "version": version},
            HTTP_HX_REQUEST="true",
        )
        version = int(r["X-Note-Version"])
        rows.append(
            {
                "kind": "note",
                "ack": True,
                "course": target["course"],
                "number": target["number"],
                "marker": mark,
            }
        )
    # ... and enters a paper PHQ-9 whose question 9 is answered 2
    key = uuid.uuid4().hex
    answers = {f"q{i}": "1" for i in range(1, 9)} | {"q9": "2", "difficulty": "1"}
    r = browser.post(
        f"/measures/course/{slot['courses'][0]}/enter/",
        {
            "instrument_code": "phq9",
            "session_number": "",
            "completed_on": timezone.localdate().isoformat(),
            "submission_key": key,
            **answers,
        },
    )
    assert r.status_code == 302 and "/measures/answers/" in r["Location"]
    answer_id = r["Location"].rstrip("/").rsplit("/", 1)[-1]
    rows.append({"kind": "phq9", "ack": True, "key": key, "q9": 2, "uuid": answer_id})
    # ... sent again after a lost answer, with the same key
    browser.post(
        f"/measures/course/{slot['courses'][0]}/enter/",
        {
            "instrument_code": "phq9",
            "session_number": "",
            "completed_on": timezone.localdate().isoformat(),
            "submission_key": key,
            **answers,
        },
    )

    # then the check finds every write once, the alert raised, and no duplicate
    result = world.verify(rows, since=started)
    assert result["ok"], result["problems"]
    assert result["checked"]["note autosaves"] == 2 and result["checked"]["PHQ-9 item 9 alerts"] == 1
    assert Administration.objects.filter(uuid=answer_id).count() == 1
    assert Alert.objects.filter(source_id=str(Administration.objects.get(uuid=answer_id).pk)).exists()

    # when the server had acknowledged a note autosave and a PHQ-9 that the database does not hold
    lost_note = {**rows[0], "marker": "[note-never-stored]"}
    lost_phq9 = {**rows[-1], "key": uuid.uuid4().hex, "uuid": str(uuid.uuid4())}
    result = world.verify([*rows, lost_note, lost_phq9], since=started)
    # then the check fails and names both
    assert not result["ok"]
    assert any("[note-never-stored] found 0 times" in p for p in result["problems"])
    assert any(lost_phq9["key"] in p for p in result["problems"])


def test_a_text_kept_may_be_one_sent_after_the_last_acknowledged_but_never_one_sent_before():
    # given writes to one worksheet: C sent and never answered, then A sent and acknowledged, then B sent
    # when the run stopped (cut off, perhaps carried out)
    tried = [
        {"kind": "worksheet", "worksheet": 7, "marker": "C", "t": 1.0},
        {"kind": "worksheet", "worksheet": 7, "marker": "A", "t": 2.0},
        {"kind": "worksheet", "worksheet": 7, "marker": "B", "t": 3.0},
        {"kind": "worksheet", "worksheet": 8, "marker": "D", "t": 4.0},
    ]
    allowed = world.sent_after(tried, "worksheet", "marker", "A", worksheet=7)
    # then B may be the text kept; C (older than what was acknowledged) would mean A was lost; D is another sheet
    assert "B" in allowed and "C" not in allowed and "D" not in allowed
