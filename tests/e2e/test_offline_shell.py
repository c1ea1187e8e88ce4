"""The offline app's shell and service worker, read as the tablet reads them (no browser needed).

Every word the tablet's script shows must be in the shell's translated words block (a missing one
would show its bare name on the tablet), and every file the service worker keeps for offline use
must exist (a missing one would leave the app unable to open without a connection).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders

APP_JS = Path(__file__).resolve().parents[2] / "openipt" / "offline" / "static" / "offline" / "app.js"


def _words(client) -> dict:
    response = client.get("/offline/app/")
    assert response.status_code == 200
    block = re.search(r'<script type="application/json" id="offline-words">(.*?)</script>', response.content.decode(), re.S)
    assert block, "the shell has no offline-words block"
    return json.loads(block.group(1))


def test_every_word_the_tablet_shows_is_in_the_shell(client, db):
    words = _words(client)
    script = APP_JS.read_text()
    used = set(re.findall(r'\bw(?:ords)?\(\s*"([A-Za-z0-9]+)"', script))
    for a, b in re.findall(r'\bw\((?:[^()"]*\?\s*)"([A-Za-z0-9]+)"\s*:\s*"([A-Za-z0-9]+)"', script):
        used |= {a, b}
    used |= {p + "Label" for p in ("present", "absent", "excused")} | {"present", "absent", "excused"}
    assert len(used) > 100
    missing = sorted(u for u in used if u not in words)
    assert missing == []
    assert all(isinstance(v, str) and v.strip() for v in words.values())
    assert words["safetyTitle"] == "A worrying answer: do this now"


def test_the_shell_holds_no_personal_data(client, db):
    from tests.support.people import make_world

    world = make_world()
    client.force_login(world.m["facilitator"].user)
    page = client.get("/offline/app/").content.decode()
    assert str(world.m["facilitator"].user) not in page
    assert "Riverbank Clinic" not in page
    assert "Sign out of this tablet" in page  # the app's own sign-out, not the site's header


def test_the_service_worker_keeps_only_files_that_exist(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", text, re.S).group(1))
    assert "/offline/app/" in shell
    for url in shell:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is in the service worker's list but not a file"
        else:
            assert client.get(url).status_code == 200, url
    # Never the signed endpoints or any other page.
    assert not any(u.startswith(("/offline/sync", "/offline/snapshot", "/groups", "/api")) for u in shell)
