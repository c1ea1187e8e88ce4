"""Hostile bodies for the tablet's sync endpoint, in the contract's shape, and the headers that sign them."""

from __future__ import annotations

import json

from openipt.offline import signing
from tests.fuzz.json_cases import JSON_VALUES, sync_bodies


def signed_headers(device: str, secret: str, seq: int, body: bytes) -> dict[str, str]:
    return {"X-OpenIPT-Device": device, "X-OpenIPT-Seq": str(seq),
            "X-OpenIPT-Signature": signing.sign(secret, "POST", "/offline/sync/", seq, body)}


def with_group(body: str | bytes, group_id: int, session: int = 1) -> str | bytes:
    """The same body with each change pointed at the group's session, where the body is a list of changes."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError, TypeError):
        return body
    changes = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(changes, list):
        return body
    for change in changes:
        if isinstance(change, dict):
            change.setdefault("group", group_id)
            change.setdefault("session", session)
    return json.dumps(data)


def offline_sync_bodies(group_id: int, member_id: int) -> list[tuple[str, str | bytes]]:
    """The facilitator-mode bodies aimed at a real session, plus each offline field (group, session, base,
    entered_at, the report kind) made wrong."""
    bodies = [(name, with_group(body, group_id)) for name, body in sync_bodies(member_id)]
    template = {"key": "t", "group": group_id, "session": 1, "kind": "mark",
                "data": {"member": member_id, "presence": "present"}, "base": {"presence": ""},
                "entered_at": "2026-01-01T10:00:00Z"}
    n = 0
    for field in ("group", "session", "base", "entered_at", "data"):
        for value_name, value in JSON_VALUES.items():
            n += 1
            change = {**template, "key": f"offline-{n}", field: value}
            bodies.append((f"mark {field}={value_name}", json.dumps({"seq": n, "changes": [change]})))
    report = {"went_well": "We laughed.", "was_hard": "", "concerns": "", "help_wanted": ""}
    for field in report:
        for value_name, value in JSON_VALUES.items():
            n += 1
            change = {**template, "key": f"offline-{n}", "kind": "report", "data": {**report, field: value}}
            bodies.append((f"report {field}={value_name}", json.dumps({"changes": [change]})))
    for base_field in ("presence", "will_try", "marked_at", "version", "done"):
        for value_name, value in JSON_VALUES.items():
            n += 1
            for kind in ("mark", "notes", "steps"):
                data = {"mark": template["data"], "notes": {"text": "x"}, "steps": {"done": ["welcome"]}}[kind]
                change = {**template, "key": f"offline-{n}-{kind}", "kind": kind, "data": data,
                          "base": {base_field: value}}
                bodies.append((f"{kind} base.{base_field}={value_name}", json.dumps({"changes": [change]})))
    bodies.append(("the same key twice in one request",
                   json.dumps({"changes": [{**template, "key": "twice"}, {**template, "key": "twice"}]})))
    bodies.append(("501 changes", json.dumps({"changes": [{**template, "key": f"many-{i}"} for i in range(501)]})))
    return bodies
