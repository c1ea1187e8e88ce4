"""A test tablet: enrols through the real page, then signs its requests exactly as the tablet's script does."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from django.test import Client as Browser

from openipt.offline import signing

_keys = count(1)


def new_key(prefix: str = "k") -> str:
    return f"{prefix}-{next(_keys)}"


@dataclass
class Tablet:
    device: str
    secret: str
    seq: int = 0
    http: Browser = field(default_factory=Browser)
    enrolment: dict = field(default_factory=dict)

    def _headers(self, method: str, path: str, body: bytes, seq: int | None = None, secret: str | None = None) -> dict:
        if seq is None:
            self.seq += 1
            seq = self.seq
        return {"HTTP_X_OPENIPT_DEVICE": self.device, "HTTP_X_OPENIPT_SEQ": str(seq),
                "HTTP_X_OPENIPT_SIGNATURE": signing.sign(secret or self.secret, method, path, seq, body)}

    def snapshot(self, **kw):
        return self.http.get("/offline/snapshot/", **self._headers("GET", "/offline/snapshot/", b"", **kw))

    def post(self, body: bytes, **kw):
        return self.http.post("/offline/sync/", body, content_type="application/json",
                              **self._headers("POST", "/offline/sync/", body, **kw))

    def sync(self, changes: list[dict[str, Any]], **kw):
        return self.post(json.dumps({"seq": self.seq + 1, "changes": changes}).encode(), **kw)


def enrol(as_member, membership, name: str = "Clinic tablet") -> Tablet:
    web = as_member(membership)
    response = web.post("/offline/devices/", json.dumps({"name": name}), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    return Tablet(data["device"], data["secret"], enrolment=data)


def change(grp, number: int, kind: str, data: dict, *, base: dict | None = None, key: str | None = None,
           entered_at: str | None = None) -> dict:
    out = {"key": key or new_key(kind), "group": grp.pk, "session": number, "kind": kind, "data": data,
           "base": base if base is not None else {}}
    if entered_at:
        out["entered_at"] = entered_at
    return out


def supervised_by(world, who: str = "facilitator", supervisor: str = "supervisor") -> None:
    """Make the world's supervisor supervise `who`: supervisors oversee only the tablets of people they supervise."""
    from openipt.accounts.models import Membership

    Membership.objects.filter(pk=world.m[who].pk).update(supervisor=world.m[supervisor])
