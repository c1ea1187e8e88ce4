"""The load: therapists, facilitators, supervisors and clients using OpenIPT at once (bench/README.md).

Run by bench/load/run.py (`make load`), which sets LOAD_PLAN (the people and what each may write to,
from bench/load/world.py) and LOAD_ACKS (where every write goes). Each write carries a unique marker,
and an idempotency key where the page has one (a paper questionnaire's submission key, a group session
change's key); every write the server acknowledged is written to LOAD_ACKS as one JSON line for the
check afterwards. A write that failed is written too (`ack: false`), with the time, so the report can
count failures during an app server's restart apart from the rest.

The simulated people talk plain HTTP to the proxy on this machine, which tells the app servers the
connection was HTTPS (as a TLS-terminating proxy does). Their session cookies are marked Secure, so the
client is told to send them anyway, as a browser on HTTPS would.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
import uuid
from datetime import date
from http.cookiejar import DefaultCookiePolicy

from locust import HttpUser, between, events, task

PLAN = (
    json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read()) if os.environ.get("LOAD_PLAN") else {}
)
ACKS = open(os.environ["LOAD_ACKS"], "a", encoding="utf-8") if os.environ.get("LOAD_ACKS") else None
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
ALERT_LINK = re.compile(r'href="/safety/alerts/(\d+)/"')
RISK_WORDS = "Some days I want to kill myself."
NEXT = {role: itertools.count() for role in ("therapist", "facilitator", "supervisor", "client")}
MAX_NOTE = 2500  # a note this long: the simulated therapist moves on to the next session's note


def record(**row) -> None:
    """One write, acknowledged or not, for the check afterwards."""
    if ACKS is not None:
        row["t"] = time.time()
        ACKS.write(json.dumps(row) + "\n")
        ACKS.flush()


@events.request.add_listener
def on_request(
    request_type, name, response_time, response_length, exception=None, response=None, **kwargs
) -> None:
    """Every failed request, with its time: the report counts those during an app server's restart apart."""
    if exception is not None:
        status = getattr(response, "status_code", 0) if response is not None else 0
        record(kind="fail", ack=False, name=name, error=f"{status} {str(exception)[:80]}")


def marker(kind: str) -> str:
    return f"[{kind}-{uuid.uuid4().hex[:12]}]"


def _send_secure_cookies(policy, cookie, request) -> bool:
    return True


# Send Secure cookies over the plain HTTP hop to the local proxy, which stands in for HTTPS. Set on the
# class: requests copies each session's cookies into a fresh jar with the default policy for every request.
# This process is the load client only; nothing else uses its cookie jars.
DefaultCookiePolicy.return_ok_secure = _send_secure_cookies  # type: ignore[method-assign]


class Person(HttpUser):
    abstract = True
    wait_time = between(3, 10)
    role = ""

    def on_start(self) -> None:
        origin = self.host.replace("http://", "https://", 1)
        self.client.headers.update({"Origin": origin, "Referer": origin + "/"})
        self.slot = PLAN[self.role][next(NEXT[self.role]) % len(PLAN[self.role])]
        self.csrf = ""
        self.signed_in = False
        self.sign_in()

    def page(self, path: str, name: str):
        response = self.client.get(path, name=name)
        self.remember_token(response)
        return response

    def remember_token(self, response) -> None:
        found = (
            CSRF.search(response.text or "")
            if response.headers.get("Content-Type", "").startswith("text/html")
            else None
        )
        if found:
            self.csrf = found.group(1)

    def sign_in(self) -> None:
        """Sign in through the real page; a person whose sign-in is lost tries again a few times."""
        for attempt in range(5):
            if attempt:
                time.sleep(5)
            self.page("/account/login/", "sign in: page")
            with self.client.post(
                "/account/login/",
                name="sign in",
                allow_redirects=False,
                catch_response=True,
                data={
                    "username": self.slot["username"],
                    "password": PLAN["password"],
                    "csrfmiddlewaretoken": self.csrf,
                },
            ) as response:
                if response.status_code == 302 and "/account/login/" not in response.headers.get(
                    "Location", ""
                ):
                    self.signed_in = True
                    return
                response.failure(f"sign-in answered {response.status_code}")

    def post_write(self, path: str, name: str, data: dict, **kwargs):
        """A form post as the browser sends it; None when the connection failed."""
        data = {**data, "csrfmiddlewaretoken": self.csrf}
        with self.client.post(path, name=name, data=data, catch_response=True, **kwargs) as response:
            if response.status_code >= 400 or response.status_code == 0:
                response.failure(f"{response.status_code}")
            return response


class Therapist(Person):
    weight = PLAN.get("counts", {}).get("therapist", 9)
    role = "therapist"

    def on_start(self) -> None:
        super().on_start()
        self.note_index = 0
        self.note_text = ""
        self.note_version = None

    @task(3)
    def caseload(self) -> None:
        self.page("/clients/", "therapist: caseload")

    @task(2)
    def client_record(self) -> None:
        self.page(f"/clients/{random.choice(self.slot['clients'])}/", "therapist: client record")

    @task(2)
    def course_overview(self) -> None:
        self.page(f"/courses/{random.choice(self.slot['courses'])}/", "therapist: course overview")

    @task(1)
    def charts(self) -> None:
        self.page(f"/measures/course/{random.choice(self.slot['courses'])}/", "therapist: scores and charts")

    @task(3)
    def write_note(self) -> None:
        """Open a session and type its note; the page autosaves every few seconds (the htmx endpoint)."""
        target = self.slot["notes"][self.note_index % len(self.slot["notes"])]
        base = f"/courses/{target['course']}/sessions/{target['number']}/"
        response = self.page(base, "therapist: session")
        found = VERSION.search(response.text or "")
        if response.status_code != 200 or not found:
            return
        self.note_version = int(found.group(1))
        for _ in range(random.randint(2, 4)):
            time.sleep(random.uniform(2, 5))
            mark = marker("note")
            self.note_text += f" Talked about the role dispute {mark}."
            data = {
                "strategy_work": self.note_text.strip(),
                "risk_level": "none",
                "version": self.note_version,
                "csrfmiddlewaretoken": self.csrf,
            }
            with self.client.post(
                base + "autosave/",
                name="therapist: note autosave",
                data=data,
                catch_response=True,
                headers={"HX-Request": "true"},
            ) as r:
                version = r.headers.get("X-Note-Version")
                if r.status_code == 200 and version:
                    self.note_version = int(version)
                    record(
                        kind="note", ack=True, course=target["course"], number=target["number"], marker=mark
                    )
                else:
                    r.failure(f"autosave not saved ({r.status_code})")
                    found = VERSION.search(self.page(base, "therapist: session").text or "")
                    if found:
                        self.note_version = int(found.group(1))
        if len(self.note_text) > MAX_NOTE:
            self.note_index += 1
            self.note_text = ""

    @task(1)
    def enter_phq9(self) -> None:
        """Enter a PHQ-9 filled in on paper; sometimes item 9 (thoughts of self-harm) is above 0."""
        course = random.choice(self.slot["courses"])
        path = f"/measures/course/{course}/enter/"
        self.page(path + "?instrument=phq9", "therapist: enter questionnaire (page)")
        answers = {f"q{i}": str(random.randint(0, 3)) for i in range(1, 9)}
        q9 = random.choice([1, 2, 3]) if random.random() < 0.15 else 0
        key = uuid.uuid4().hex
        data = {
            "instrument_code": "phq9",
            "session_number": "",
            "completed_on": date.today().isoformat(),
            "q9": str(q9),
            "difficulty": str(random.randint(0, 3)),
            "submission_key": key,
            **answers,
        }
        for attempt in (1, 2):  # a browser user whose connection dropped sends the same form again
            r = self.post_write(path, "therapist: enter PHQ-9", data, allow_redirects=False)
            where = r.headers.get("Location", "")
            if r.status_code == 302 and "/measures/answers/" in where:
                record(
                    kind="phq9",
                    ack=True,
                    key=key,
                    course=course,
                    q9=q9,
                    attempt=attempt,
                    uuid=where.rstrip("/").rsplit("/", 1)[-1],
                )
                return
            if r.status_code < 500 and r.status_code != 0:
                return


class Facilitator(Person):
    weight = PLAN.get("counts", {}).get("facilitator", 3)
    role = "facilitator"

    def on_start(self) -> None:
        super().on_start()
        self.checked: set[int] = set()

    @task(1)
    def groups(self) -> None:
        self.page("/groups/", "facilitator: groups")

    @task(2)
    def group_page(self) -> None:
        self.page(f"/groups/{self.slot['group']}/", "facilitator: group page")

    @task(4)
    def run_session(self) -> None:
        """Facilitator mode: mark who came, write what a member will try, sometimes a symptom check."""
        base = f"/groups/{self.slot['group']}/sessions/{self.slot['number']}/"
        if self.page(base, "facilitator: facilitator mode").status_code != 200 or not self.slot["members"]:
            return
        member = random.choice(self.slot["members"])
        text = f"Call my sister on Sunday {marker('try')}"
        changes = [
            {"key": uuid.uuid4().hex, "kind": "mark", "data": {"member": member, "presence": "present"}}
        ]
        if not self.slot["shared"]:  # two people writing the same member's text at once: no "last" to check
            changes.append(
                {"key": uuid.uuid4().hex, "kind": "will_try", "data": {"member": member, "text": text}}
            )
        q9 = 0
        if not self.slot["shared"] and member not in self.checked and random.random() < 0.3:
            q9 = random.choice([1, 2]) if random.random() < 0.2 else 0
            answers = {f"q{i}": random.randint(0, 3) for i in range(1, 9)} | {"q9": q9}
            changes.append(
                {"key": uuid.uuid4().hex, "kind": "check", "data": {"member": member, "answers": answers}}
            )
        body = json.dumps({"changes": changes})
        if not self.slot["shared"]:  # written down before it is sent (see the worksheet's)
            record(kind="will_try", ack=False, member=member, text=text, sent=True)
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf}
        # The tablet sends its queue again until it is answered; each key is applied once.
        for attempt in (1, 2):
            with self.client.post(
                base + "sync/",
                name="facilitator: sync changes",
                data=body,
                headers=headers,
                catch_response=True,
            ) as r:
                if r.status_code == 200:
                    results = {row["key"]: row for row in r.json().get("results", [])}
                    for change in changes:
                        row = results.get(change["key"], {})
                        if row.get("ok"):
                            extra = {"text": text} if change["kind"] == "will_try" else {}
                            if change["kind"] == "check":
                                self.checked.add(member)
                                extra = {"q9": q9}
                            record(
                                kind=change["kind"],
                                ack=True,
                                key=change["key"],
                                member=member,
                                attempt=attempt,
                                **extra,
                            )
                    return
                r.failure(f"{r.status_code}")
                for change in changes:
                    if change["kind"] == "will_try":
                        record(kind="will_try", ack=False, member=member, text=text)
                if r.status_code != 0 and r.status_code < 500:
                    return


class Supervisor(Person):
    weight = PLAN.get("counts", {}).get("supervisor", 2)
    role = "supervisor"

    def on_start(self) -> None:
        super().on_start()
        self.alerts: list[int] = []

    @task(2)
    def dashboard(self) -> None:
        self.page("/supervision/", "supervisor: dashboard")

    @task(3)
    def alert_list(self) -> None:
        response = self.page("/safety/alerts/", "supervisor: alerts")
        self.alerts = [int(a) for a in ALERT_LINK.findall(response.text or "")]

    @task(2)
    def acknowledge(self) -> None:
        if not self.alerts:
            return
        alert = self.alerts.pop(random.randrange(len(self.alerts)))
        if self.page(f"/safety/alerts/{alert}/", "supervisor: alert").status_code != 200:
            return
        r = self.post_write(f"/safety/alerts/{alert}/acknowledge/", "supervisor: acknowledge alert", {})
        if r.status_code == 200 and "Alert acknowledged." in (r.text or ""):
            record(kind="acknowledge", ack=True, alert=alert)

    @task(1)
    def caseload(self) -> None:
        self.page("/clients/", "supervisor: caseload")


class Client(Person):
    weight = PLAN.get("counts", {}).get("client", 6)
    role = "client"
    wait_time = between(5, 15)

    @task(3)
    def home(self) -> None:
        self.page("/me/", "client: portal home")

    @task(1)
    def worksheets(self) -> None:
        self.page("/me/worksheets/", "client: worksheets")

    @task(3)
    def write_worksheet(self) -> None:
        """Fill in the worksheet (autosaved as they type), then press Save; sometimes with words about harm."""
        sheet = self.slot["worksheet"]
        path = f"/me/worksheets/{sheet}/"
        found = VERSION.search(self.page(path, "client: worksheet").text or "")
        if not found:
            return
        version = int(found.group(1))
        editor = f"load-{id(self)}"
        for step in range(random.randint(1, 3)):
            time.sleep(random.uniform(2, 5))
            mark = marker("sheet")
            risk = random.random() < 0.1
            said = f"I told him I was tired {mark}." + (" " + RISK_WORDS if risk else "")
            data = {
                "who": "My partner",
                "what_i_said": said,
                "could_say": "I feel alone. Could we talk?",
                "version": version,
                "editor": editor,
                "csrfmiddlewaretoken": self.csrf,
            }
            save = step == 2 or random.random() < 0.4
            # Written down before it is sent: a request cut off when the run stops may still be carried out.
            record(kind="worksheet", ack=False, worksheet=sheet, marker=mark, sent=True)
            if save:
                r = self.post_write(
                    path, "client: worksheet save", {**data, "action": "save"}, allow_redirects=False
                )
                ok = r.status_code == 302 and r.headers.get("Location", "").startswith(path)
            else:
                with self.client.post(
                    path + "autosave/",
                    name="client: worksheet autosave",
                    data=data,
                    headers={"HX-Request": "true"},
                    catch_response=True,
                ) as r:
                    ok = r.status_code == 200 and bool(r.headers.get("X-Worksheet-Version"))
                    if not ok:
                        r.failure(f"autosave not saved ({r.status_code})")
            if ok:
                record(
                    kind="worksheet",
                    ack=True,
                    worksheet=sheet,
                    client=self.slot["client"],
                    marker=mark,
                    risk=risk,
                    save=save,
                )
                if save:
                    return
                version = int(r.headers["X-Worksheet-Version"])
            else:
                record(kind="worksheet", ack=False, worksheet=sheet, marker=mark, status=r.status_code)
                return
