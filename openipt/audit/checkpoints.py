"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint says "at this time the log's newest event was N and its link was
H", signed with the audit key (HMAC-SHA-256). Checkpoints are appended, one
JSON line each, to `checkpoints.jsonl` in OPENIPT_AUDIT_CHECKPOINT_DIR (by
default `var/audit-checkpoints/`), and, when OPENIPT_AUDIT_CHECKPOINT_COPY_DIR
names a second directory (for example a write-once or object-lock volume),
also written there as one new file per checkpoint that is never changed.

Someone who can rewrite the database but holds neither the key nor the
checkpoint store cannot make the log agree with the checkpoints again:
`openipt audit verify` checks that every checkpointed event still exists with
the same link, so removing the newest events and rebuilding the chain is seen.
Events written after the newest checkpoint are protected by the key alone.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from openipt.audit import chain, keys

FILE_NAME = "checkpoints.jsonl"
COPY_PATTERN = "checkpoint-*.json"


@dataclass(frozen=True)
class Checkpoint:
    event_id: int
    hash: str
    at: str
    key_id: str
    signature: str = ""

    def body(self) -> dict:
        return {"event_id": self.event_id, "hash": self.hash, "at": self.at, "key_id": self.key_id}

    def to_json(self) -> str:
        return json.dumps({**self.body(), "signature": self.signature}, sort_keys=True, separators=(",", ":"))

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        data = json.loads(text)
        return cls(int(data["event_id"]), str(data["hash"]), str(data["at"]), str(data["key_id"]), str(data["signature"]))

    def signed_by(self, ring: keys.Keyring | None) -> bool | None:
        """True if the signature is right, False if wrong, None if the key is not in the keyring."""
        key = ring.key(self.key_id) if ring is not None else None
        if key is None:
            return None
        return chain.same(chain.sign(key, self.body()), self.signature)


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def copy_dir() -> Path | None:
    value = getattr(settings, "AUDIT_CHECKPOINT_COPY_DIR", None)
    return Path(value) if value else None


def checkpoint_file() -> Path:
    return checkpoint_dir() / FILE_NAME


@dataclass
class Stored:
    """A checkpoint as found in the store: where it is, and what it says (None if unreadable)."""

    where: str
    checkpoint: Checkpoint | None
    raw: str


def read_all() -> list[Stored]:
    """Every checkpoint in the checkpoint file and the copy directory, each once."""
    found: list[Stored] = []
    seen: set[str] = set()
    path = checkpoint_file()
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                line = line.strip()
                if line:
                    found.append(Stored(f"{path} line {number}", _parse(line), line))
    extra = copy_dir()
    if extra is not None and extra.is_dir():
        for item in sorted(extra.glob(COPY_PATTERN)):
            found.append(Stored(str(item), _parse(item.read_text(encoding="utf-8").strip()), ""))
    unique = []
    for stored in found:
        ident = stored.checkpoint.to_json() if stored.checkpoint else stored.where
        if ident not in seen:
            seen.add(ident)
            unique.append(stored)
    return unique


def _parse(text: str) -> Checkpoint | None:
    try:
        return Checkpoint.parse(text)
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class Outcome:
    checked: int = 0
    key_ids: frozenset[str] = frozenset()
    problem: str = ""
    bad_event_id: int | None = None
    notes: tuple[str, ...] = ()


def check_all(ring: keys.Keyring | None, last_id: int) -> Outcome:
    """Check every checkpoint's signature and that the event it names still exists with that link."""
    from openipt.audit.models import AuditEvent

    stored = read_all()
    outcome = Outcome(checked=len(stored))
    if not stored:
        if last_id:
            outcome.notes = (
                f"no checkpoints were found in {checkpoint_dir()}: the log is protected by the audit key alone; "
                "run `openipt audit checkpoint` (or `openipt escalate --every 60`) to make them",
            )
        return outcome
    problems: list[tuple[int, int | None, str]] = []  # (priority, event id, message)
    good: list[Checkpoint] = []
    used: set[str] = set()
    for item in stored:
        cp = item.checkpoint
        if cp is None:
            problems.append((1, None, f"the checkpoint in {item.where} cannot be read: the checkpoint store was changed or damaged"))
            continue
        used.add(cp.key_id)
        signed = cp.signed_by(ring)
        if signed is None:
            problems.append((1, cp.event_id, f"the checkpoint made at {cp.at} was signed with audit key {cp.key_id!r}, "
                                             "which is not in the audit keyring; restore the keyring from its backup"))
        elif not signed:
            problems.append((1, cp.event_id, f"the checkpoint made at {cp.at} (in {item.where}) has a wrong signature: "
                                             "the checkpoint store was changed"))
        else:
            good.append(cp)
    outcome.key_ids = frozenset(used)
    ids = sorted({cp.event_id for cp in good})
    links: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        links.update(AuditEvent.objects.filter(pk__in=ids[start:start + 500]).values_list("pk", "hash"))
    for cp in sorted(good, key=lambda c: c.event_id, reverse=True):
        stored_link = links.get(cp.event_id)
        if stored_link is None and cp.event_id > last_id:
            problems.append((0, cp.event_id, f"the newest events are missing: the checkpoint made at {cp.at} names event "
                                             f"{cp.event_id}, but the log ends at event {last_id}"))
        elif stored_link is None:
            problems.append((0, cp.event_id, f"event {cp.event_id}, named by the checkpoint made at {cp.at}, is missing"))
        elif not chain.same(stored_link, cp.hash):
            problems.append((0, cp.event_id, f"event {cp.event_id} no longer matches the checkpoint made at {cp.at}: "
                                             "the log was rewritten"))
    if problems:
        problems.sort(key=lambda p: p[0])
        _priority, event_id, message = problems[0]
        if len(problems) > 1:
            message += f" (and {len(problems) - 1} more checkpoint problem{'s' if len(problems) > 2 else ''})"
        outcome.problem = message
        outcome.bad_event_id = event_id
    return outcome


@dataclass(frozen=True)
class WriteResult:
    written: bool
    checkpoint: Checkpoint | None = None
    message: str = ""
    ok: bool = True


def _newest_signed(ring: keys.Keyring | None, upto: int) -> Checkpoint | None:
    best = None
    for item in read_all():
        cp = item.checkpoint
        if cp is not None and cp.event_id <= upto and cp.signed_by(ring) and (best is None or cp.event_id > best.event_id):
            best = cp
    return best


def _check_since(cp: Checkpoint | None, ring: keys.Keyring, upto: int):
    """Check the links from a checkpoint (or from the start) to event `upto`."""
    from openipt.audit.actions import walk
    from openipt.audit.models import AuditEvent

    if cp is None:
        return walk(upto=upto, ring=ring)
    start = AuditEvent.objects.filter(pk=cp.event_id).values_list("hash", "key_id").first()
    if start is None or not chain.same(start[0], cp.hash):
        return walk(upto=upto, ring=ring)  # the checkpoint no longer fits: check everything, to say where
    return walk(after=cp.event_id, expected_prev=cp.hash, upto=upto, ring=ring, keyed_seen=start[1] is not None)


def write() -> WriteResult:
    """Sign the chain's head and append it to the checkpoint store; does nothing if the head is already there.

    The chain since the newest checkpoint is checked first, so a checkpoint never vouches for a broken
    chain. The head is locked while the checkpoint is written, so when several servers run this at
    once each head is written once and the file's lines are never interleaved.
    """
    from openipt.audit.models import AuditHead

    ring = keys.load(create=True)
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.last_event_id == 0:
        return WriteResult(False, message="no checkpoint written: the audit log has no events yet")
    newest = _newest_signed(ring, head.last_event_id)
    if newest is not None and newest.event_id == head.last_event_id and chain.same(newest.hash, head.last_hash):
        return WriteResult(False, newest, f"the audit log is already checkpointed at event {newest.event_id}")
    checked = _check_since(newest, ring, head.last_event_id)  # the slow part, done before taking the lock
    if not checked.ok:
        return _refused(checked)
    with transaction.atomic():
        locked = AuditHead.objects.select_for_update().get(pk=1)
        if locked.last_event_id != checked.last_id:
            from openipt.audit.actions import walk
            from openipt.audit.models import AuditEvent

            keyed = AuditEvent.objects.filter(pk=checked.last_id).values_list("key_id", flat=True).first() is not None
            checked = walk(after=checked.last_id, expected_prev=checked.last_hash, upto=locked.last_event_id,
                           ring=ring, keyed_seen=keyed)
            if not checked.ok:
                return _refused(checked)
        if checked.last_id != locked.last_event_id or not chain.same(checked.last_hash, locked.last_hash):
            return WriteResult(False, message="no checkpoint written: the chain's head does not match its newest event; "
                                              "run `openipt audit verify`", ok=False)
        key_id, key = ring.current, ring.keys[ring.current]
        cp = Checkpoint(locked.last_event_id, locked.last_hash, timezone.now().isoformat(timespec="seconds"), key_id)
        cp = Checkpoint(**{**cp.body(), "signature": chain.sign(key, cp.body())})
        _append(cp)
    return WriteResult(True, cp, f"checkpoint written: event {cp.event_id} at {cp.at} (key {cp.key_id})")


def _refused(checked) -> WriteResult:
    where = f"event {checked.first_bad_id}" if checked.first_bad_id else "the end of the log"
    return WriteResult(False, message=f"no checkpoint written: the audit chain is broken at {where}: {checked.reason}; "
                                      "run `openipt audit verify`", ok=False)


def _append(cp: Checkpoint) -> None:
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / FILE_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, (cp.to_json() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    extra = copy_dir()
    if extra is not None:
        extra.mkdir(parents=True, exist_ok=True)
        stamp = cp.at.replace(":", "").replace("-", "").replace("+", "p")
        name = extra / f"checkpoint-{cp.event_id:012d}-{stamp}.json"
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IRGRP)
        try:
            os.write(fd, (cp.to_json() + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
