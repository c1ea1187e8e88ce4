"""Sending a text through the organisation's gateway, and reading what the gateway sends back.

Two backends: `console` (the default, for trying SMS out: nothing leaves the server; the message is
marked sent, written to the log and shown on the SMS page) and Africa's Talking. For Africa's Talking
a message is one form-encoded POST to `<base>/version1/messaging` with the `apiKey` header, and the
answer lists each recipient with a status code, a message id and a cost. Its delivery reports and
incoming messages arrive as form-encoded POSTs to the callback addresses set in its dashboard (here,
secret addresses per organisation, because the gateway does not sign them). The live and sandbox base
addresses are settings (SMS_AFRICASTALKING_LIVE_URL, SMS_AFRICASTALKING_SANDBOX_URL), so tests point
them at a fake gateway on localhost. This module never raises on a network failure: it returns an
outcome the outbox records, and retries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings

logger = logging.getLogger("openipt.sms")

TIMEOUT_SECONDS = 15
LIVE_URL = "https://api.africastalking.com"
SANDBOX_URL = "https://api.sandbox.africastalking.com"
# Africa's Talking recipient status codes: 100 processed, 101 sent, 102 queued are accepted. These are
# final (trying again will not help): invalid phone number, unsupported number type, number blacklisted.
ACCEPTED = {100, 101, 102}
FINAL_FAILURES = {403, 404, 406}


@dataclass(frozen=True)
class Sent:
    """What one try gave: accepted (with the gateway's id and cost), or an error and whether to try again."""

    ok: bool
    gateway_id: str = ""
    cost: str = ""
    error: str = ""
    retry: bool = True


@dataclass(frozen=True)
class Gateway:
    backend: str
    username: str = ""  # Twilio: the Account SID
    api_key: str = ""  # Twilio: the Auth Token
    sender: str = ""  # Twilio: the Twilio number (or sender id) messages come from
    sandbox: bool = True
    status_callback: str = ""  # Twilio: the address its delivery reports are posted to


def base_url(sandbox: bool) -> str:
    if sandbox:
        return str(getattr(settings, "SMS_AFRICASTALKING_SANDBOX_URL", SANDBOX_URL)).rstrip("/")
    return str(getattr(settings, "SMS_AFRICASTALKING_LIVE_URL", LIVE_URL)).rstrip("/")


def send(gateway: Gateway, to: str, body: str, *, reference: str) -> Sent:
    """Send one text; never raises."""
    if gateway.backend == "console":
        logger.info("sms (console, not sent anywhere) to %s: %s", reference, body)
        return Sent(True, gateway_id=f"console-{reference}")
    if gateway.backend == "africastalking":
        return _africastalking(gateway, to, body)
    if gateway.backend == "twilio":
        return _twilio(gateway, to, body)
    return Sent(False, error=f"Unknown gateway {gateway.backend!r}.", retry=False)


def _africastalking(gateway: Gateway, to: str, body: str) -> Sent:
    if not gateway.username or not gateway.api_key:
        return Sent(False, error="The gateway's user name or API key is missing: an admin sets them on the SMS settings page.")
    fields = {"username": gateway.username, "to": to, "message": body}
    if gateway.sender:
        fields["from"] = gateway.sender
    parts = urlsplit(base_url(gateway.sandbox) + "/version1/messaging")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    started = time.monotonic()
    try:
        connection.request("POST", parts.path, body=urlencode(fields).encode(), headers={
            "apiKey": gateway.api_key, "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        raw = response.read(65536)
        status = response.status
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Sent(False, error=f"Could not reach the gateway: {type(exc).__name__}: {exc}"[:300])
    finally:
        connection.close()
    took = int((time.monotonic() - started) * 1000)
    if status == 401:
        return Sent(False, error="The gateway refused the user name or API key (HTTP 401). Check them in the SMS settings.")
    if not 200 <= status < 300:
        return Sent(False, error=f"The gateway answered HTTP {status} after {took} ms.")
    try:
        data = json.loads(raw.decode("utf-8"))
        recipient = data["SMSMessageData"]["Recipients"][0]
        code = int(recipient.get("statusCode", 0))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return Sent(False, error=f"The gateway's answer could not be read (HTTP {status}).")
    if code in ACCEPTED:
        return Sent(True, gateway_id=str(recipient.get("messageId", ""))[:100], cost=str(recipient.get("cost", ""))[:40])
    return Sent(False, error=f"The gateway did not send it: {str(recipient.get('status', ''))[:80]} (code {code}).",
                retry=code not in FINAL_FAILURES)


def _post(url: str, fields: dict[str, str], headers: dict[str, str]) -> tuple[int, bytes, int] | str:
    """POST a form; (HTTP status, body, milliseconds) or the error words when the gateway could not be reached."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    started = time.monotonic()
    try:
        connection.request("POST", parts.path, body=urlencode(fields).encode(),
                           headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        raw = response.read(65536)
        status = response.status
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return f"Could not reach the gateway: {type(exc).__name__}: {exc}"[:300]
    finally:
        connection.close()
    return status, raw, int((time.monotonic() - started) * 1000)


# Twilio error codes that trying again will not mend: the number is invalid, not a mobile, not reachable from
# the account's permitted regions, or it replied STOP to the Twilio number (21610).
TWILIO_FINAL = {21211, 21214, 21408, 21610, 21612, 21614}


def _twilio(gateway: Gateway, to: str, body: str) -> Sent:
    """One form POST to `/2010-04-01/Accounts/{sid}/Messages.json` with HTTP basic auth (Account SID, Auth Token)."""
    if not gateway.username or not gateway.api_key or not gateway.sender:
        return Sent(False, error="The Twilio Account SID, Auth Token or number is missing: an admin sets them on the "
                                 "SMS settings page.")
    fields = {"To": to, "From": gateway.sender, "Body": body}
    if gateway.status_callback:
        fields["StatusCallback"] = gateway.status_callback
    login = base64.b64encode(f"{gateway.username}:{gateway.api_key}".encode()).decode("ascii")
    base = str(getattr(settings, "SMS_TWILIO_URL", "https://api.twilio.com")).rstrip("/")
    url = f"{base}/2010-04-01/Accounts/{quote(gateway.username, safe='')}/Messages.json"
    answer = _post(url, fields, {"Authorization": f"Basic {login}", "Accept": "application/json"})
    if isinstance(answer, str):
        return Sent(False, error=answer)
    status, raw, took = answer
    try:
        data = json.loads(raw.decode("utf-8")) if raw else {}
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    if status == 401:
        return Sent(False, error="Twilio refused the Account SID or Auth Token (HTTP 401). Check them in the SMS settings.")
    if not 200 <= status < 300:
        code = data.get("code")
        words = str(data.get("message", ""))[:120]
        final = status == 400 or (isinstance(code, int) and code in TWILIO_FINAL)
        return Sent(False, error=f"Twilio did not send it (HTTP {status} after {took} ms, code {code}): {words}"[:300],
                    retry=not final)
    sid = str(data.get("sid", ""))[:100]
    if not sid:
        return Sent(False, error=f"Twilio's answer could not be read (HTTP {status}).")
    price = data.get("price")
    cost = f"{price} {data.get('price_unit') or ''}".strip() if price else ""
    return Sent(True, gateway_id=sid, cost=cost[:40])


def twilio_signature(auth_token: str, url: str, fields: dict[str, str]) -> str:
    """The signature Twilio puts in `X-Twilio-Signature`: HMAC-SHA1, keyed by the Auth Token, of the address it
    posted to followed by every form field's name and value, sorted by name; in base64."""
    signed = url + "".join(name + fields[name] for name in sorted(fields))
    digest = hmac.new(auth_token.encode("utf-8"), signed.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def twilio_signed(auth_token: str, urls: list[str], fields: dict[str, str], given: object) -> bool:
    """Whether `given` is Twilio's signature of this request under one of the addresses it may have used."""
    if not auth_token or not isinstance(given, str) or not given:
        return False
    found = False
    for url in urls:
        found = hmac.compare_digest(twilio_signature(auth_token, url, fields).encode(), given.encode()) or found
    return found


def twilio_fields(fields: dict[str, str] | None) -> dict[str, str] | None:
    """Twilio's incoming-message or status fields in the names the rest of the app reads (from, text, id, status)."""
    if fields is None:
        return None
    mapped = {"id": fields.get("MessageSid", "") or fields.get("SmsSid", ""), "to": fields.get("To", "")}
    if "From" in fields:
        mapped.update({"from": fields["From"], "text": fields.get("Body", "")})
    if "MessageStatus" in fields:
        mapped.update({"status": fields["MessageStatus"], "failureReason": fields.get("ErrorCode", "")})
    if fields.get("Price"):
        mapped["cost"] = f"{fields['Price']} {fields.get('PriceUnit', '')}".strip()
    return mapped


# -- what the gateway sends us -----------------------------------------------------------------------

# Africa's Talking's words, then Twilio's (its "sent" and "queued" mean still on the way).
DELIVERED_WORDS = {"success", "delivered"}
FAILED_WORDS = {"failed", "rejected", "absentsubscriber", "expired", "blacklisted", "undelivered"}


def delivery_state(status: str) -> str | None:
    """'delivered', 'failed' or None (still on its way) for a delivery report's status word."""
    word = status.strip().lower()
    if word in DELIVERED_WORDS:
        return "delivered"
    if word in FAILED_WORDS:
        return "failed"
    return None


MAX_CALLBACK_BYTES = 20000


def read_callback(body: bytes, content_type: str) -> dict[str, str] | None:
    """The fields of a gateway's callback (form-encoded, or a JSON object), or None when it cannot be read."""
    from urllib.parse import parse_qsl

    if len(body) > MAX_CALLBACK_BYTES:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    if "json" in (content_type or "").lower():
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            return None
        if not isinstance(data, dict):
            return None
        return {_clean(str(k))[:50]: _clean(str(v))[:2000] for k, v in data.items() if isinstance(v, (str, int, float))}
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=50)
    except ValueError:
        return None
    return {_clean(k)[:50]: _clean(v)[:2000] for k, v in pairs}


def _clean(text: str) -> str:
    """Text a database can keep: no NUL characters, no lone surrogates."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
