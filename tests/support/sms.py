"""SMS test helpers: consent and a group with a session tomorrow made through the real actions, and a fake
Africa's Talking gateway (a real HTTP server on 127.0.0.1 that speaks the same request and answer shapes)."""

from __future__ import annotations

import json
import threading
import urllib.request
from datetime import datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

from django.utils import timezone

from openipt.groups import actions as group_actions
from openipt.sms import actions
from tests.support.groups import client_of, group
from tests.support.people import actor

PHONES = ["+254712000101", "+254712000102", "+254712000103", "+254712000104"]


def consent(world, client, phone=PHONES[0], who="admin", **overrides):
    values = dict(phone=phone, reminders=True, checkins=True, crisis_texts=False, language="en",
                  neutral_name="Tuesday group")
    values.update(overrides)
    return actions.record_consent(actor(world.m[who]), client.pk, **values)


def group_tomorrow(world, members=2):
    """A group whose first session is tomorrow at 10:00, with `members` members (clients of the facilitator)."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    grp = group(world, start_date=tomorrow, weekday=tomorrow.weekday(), start_time=time(10, 0))
    added = [group_actions.add_member(actor(world.m["admin"]), grp.pk, client_of(world, given_name=f"Member{i}").pk)
             for i in range(members)]
    return grp, added


def evening_before() -> datetime:
    """Today at 18:00 (after the default sending hour, 17:00), local time."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(18, 0)))


class FakeAfricasTalking:
    """A real HTTP server on 127.0.0.1 answering POST /version1/messaging as Africa's Talking does.

    It records each request (path, headers, form fields); `status_code` is the recipient status it
    answers (101 sent), `http_status` the HTTP status (201). `report(url, ...)` posts a delivery report
    to an address, as the gateway does to the callback set in its dashboard.
    """

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status_code = 101
        self.http_status = 201
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                fields = {k: v[0] for k, v in parse_qs(body).items()}
                n = len(outer.received) + 1
                outer.received.append({"path": self.path, "headers": dict(self.headers), "fields": fields})
                ok = outer.status_code in (100, 101, 102)
                answer = {"SMSMessageData": {
                    "Message": f"Sent to {int(ok)}/1 Total Cost: KES {'0.8000' if ok else '0'}",
                    "Recipients": [{"statusCode": outer.status_code, "number": fields.get("to", ""),
                                    "status": "Success" if ok else "InvalidPhoneNumber",
                                    "cost": "KES 0.8000" if ok else "0", "messageId": f"ATXid_{n}" if ok else "None"}]}}
                data = json.dumps(answer).encode()
                self.send_response(outer.http_status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def post_form(url: str, fields: dict) -> tuple[int, str]:
        request = urllib.request.Request(url, data=urlencode(fields).encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the live test server
            return response.status, response.read().decode()

    def report(self, url: str, message_id: str, status: str = "Success", reason: str = "") -> tuple[int, str]:
        fields = {"id": message_id, "status": status, "phoneNumber": "+254712000101", "networkCode": "63902",
                  "retryCount": "0"}
        if reason:
            fields["failureReason"] = reason
        return self.post_form(url, fields)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeTwilio:
    """A real HTTP server on 127.0.0.1 answering POST /2010-04-01/Accounts/{sid}/Messages.json as Twilio does.

    It records each request (path, headers, form fields) and answers 201 with a message resource (its `sid`, status
    "queued"), or `http_status` with Twilio's error shape (`code`, `message`). `post_signed(url, fields, token)`
    posts a callback signed with `X-Twilio-Signature`, as Twilio does to the addresses set for a number.
    """

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.http_status = 201
        self.error_code = 21211
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                fields = {k: v[0] for k, v in parse_qs(body).items()}
                outer.received.append({"path": self.path, "headers": dict(self.headers), "fields": fields})
                if outer.http_status == 201:
                    answer = {"sid": f"SM{len(outer.received):032x}", "status": "queued", "to": fields.get("To"),
                              "from": fields.get("From"), "body": fields.get("Body"), "price": None,
                              "price_unit": "USD", "error_code": None}
                else:
                    answer = {"code": outer.error_code, "message": "The 'To' number is not a valid phone number.",
                              "status": outer.http_status}
                data = json.dumps(answer).encode()
                self.send_response(outer.http_status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def post_signed(url: str, fields: dict, token: str, signature: str | None = None) -> tuple[int, str]:
        """POST `fields` to `url` signed as Twilio signs (HMAC-SHA1 of the address and the sorted fields)."""
        import base64
        import hashlib
        import hmac
        import urllib.error

        signed = url + "".join(k + fields[k] for k in sorted(fields))
        expected = base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
        request = urllib.request.Request(url, data=urlencode(fields).encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature or expected})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the live test server
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
