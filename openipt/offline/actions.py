"""Tablets that keep a facilitator's groups: enrol, revoke, device sign-in, snapshot audit, sync and conflicts.

Changes a tablet sends are applied through the groups app's actions, each in its own savepoint,
each key once. A change that clashes with a newer one, or that can no longer be applied, is kept
in `Conflict` (never lost), and the safety answer of a check in it still reaches staff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Min
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from openipt.accounts.actor import Actor, Origin
from openipt.audit import actions as audit
from openipt.audit.registry import register
from openipt.core import sealed
from openipt.core.errors import ActionError
from openipt.groups import access as group_access
from openipt.groups import report_actions, session_actions
from openipt.groups.models import (
    OFFLINE_DAYS_MAX,
    Attendance,
    GroupSession,
    GroupStatus,
    Member,
    MemberStatus,
    QuickCheck,
    SessionReport,
)
from openipt.offline import access, signing
from openipt.offline.models import ChangeStatus, Conflict, ConflictStatus, Device, ReceivedChange
from openipt.safety import api as safety_api

if TYPE_CHECKING:
    from openipt.accounts.models import Membership

log = logging.getLogger(__name__)

DEVICE_ENROLLED = register("offline.device_enrolled", "A tablet was set up to keep a facilitator's groups")
DEVICE_REVOKED = register("offline.device_revoked", "A tablet's copy of the groups was revoked")
SNAPSHOT = register("offline.snapshot", "A tablet downloaded its facilitator's groups")
SYNCED = register("offline.sync", "A tablet sent changes made without a connection")
SYNC_REFUSED = register("offline.sync_refused", "A tablet's request was refused")
CONFLICT_RESOLVED = register("offline.conflict_resolved", "A change from a tablet that clashed was settled")

KINDS = ("mark", "will_try", "check", "notes", "steps", "report")
MAX_CHANGES = 500
MAX_KEY = 64
PIN_LENGTH = 6


# Enrolling and revoking --------------------------------------------------------------------------

@dataclass(frozen=True)
class Enrolled:
    device: Device
    secret: str


@transaction.atomic
def enrol(actor: Actor, name: object) -> Enrolled:
    """Set up a tablet for this person; the secret is returned once and stored sealed."""
    if not access.may_keep_groups(actor.membership):
        raise ActionError(_("Only a facilitator who runs a group can keep groups on a tablet."), code="forbidden")
    text = (name if isinstance(name, str) else "").strip()[:80] or _("My tablet")
    secret = signing.new_secret()
    device = Device.objects.create(organisation_id=actor.organisation_id, owner=actor.membership, name=text,
                                   secret=sealed.seal(secret), created_at=timezone.now())
    audit.record(DEVICE_ENROLLED.code, actor=actor, obj=device, details={"device": str(device.uuid), "name": text})
    return Enrolled(device, secret)


@transaction.atomic
def revoke(actor: Actor, device_uuid: object) -> Device:
    """Stop a tablet: its next request is refused and told to wipe its copy. Owner, supervisor or admin."""
    device = access.device_for(actor, device_uuid)
    if device is None:
        raise ActionError(_("That tablet is not one you can stop. Reload the page."), code="forbidden")
    if device.revoked_at is None:
        now = timezone.now()
        Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor.membership)
        device.refresh_from_db()
        audit.record(DEVICE_REVOKED.code, actor=actor, obj=device,
                     details={"device": str(device.uuid), "owner": device.owner_id, "at": now.isoformat()})
    return device


def limit_days(device: Device) -> int:
    """The device's offline limit: the smallest among its owner's groups (7 when none)."""
    days = list(access.runs_groups_of(device.owner).values_list("programme__offline_days", flat=True))
    return min(days) if days else 7


def stale_devices(actor: Actor) -> list[dict[str, Any]]:
    """Tablets of the organisation not synced within their limit, and revoked ones (supervisors and admins)."""
    if not access.oversees(actor):
        raise ActionError(_("Only supervisors and admins see the organisation's tablets."), code="forbidden")
    now = timezone.now()
    rows = []
    devices = list(access.visible_devices(actor).select_related("owner__user", "revoked_by__user").order_by("created_at"))
    limits = _limits_for([d.owner_id for d in devices], actor.organisation_id)
    for d in devices:
        limit = limits.get(d.owner_id, 7)
        since = d.last_sync_at or d.created_at
        late = now - since > timedelta(days=limit)
        if d.revoked_at is None and not late:
            continue
        rows.append({"device": d, "limit": limit, "late": late, "revoked": d.revoked_at is not None})
    return rows


def _limits_for(owner_ids: list[int], organisation_id: int) -> dict[int, int]:
    from django.db.models import Q

    from openipt.groups.models import Group

    found: dict[int, int] = {}
    rows = (Group.objects.filter(organisation_id=organisation_id).exclude(status=GroupStatus.ENDED)
            .filter(Q(facilitator_id__in=owner_ids) | Q(co_facilitator_id__in=owner_ids))
            .values_list("facilitator_id", "co_facilitator_id", "programme__offline_days"))
    for lead, co, days in rows:
        for who in (lead, co):
            if who in owner_ids:
                found[who] = min(days, found.get(who, days))
    return found


# Device sign-in ---------------------------------------------------------------------------------

class DeviceRefused(Exception):
    """A device request refused: its HTTP status, the words for the tablet, and whether it must wipe its copy."""

    def __init__(self, status: int, reason: str, message: str, *, wipe: bool = False):
        super().__init__(reason)
        self.status, self.reason, self.message, self.wipe = status, reason, message, wipe


def _refuse(device: Device | None, reason: str, status: int, message: str, origin: Origin, path: str,
            *, wipe: bool = False, seq: int | None = None) -> DeviceRefused:
    log.warning("offline request refused: %s (device %s, path %s)", reason, device.uuid if device else "unknown", path)
    audit.record(SYNC_REFUSED.code, organisation_id=device.organisation_id if device else None,
                 obj=device, system_label="offline tablet",
                 details={"reason": reason, "path": path[:200], "seq": seq, "ip": origin.ip,
                          "device": str(device.uuid) if device else None})
    return DeviceRefused(status, reason, message, wipe=wipe)


def authenticate(*, method: str, path: str, body: bytes, device_id: str, seq_text: str, signature: str,
                 origin: Origin) -> tuple[Device, Actor, int]:
    """Check a tablet's signed request; return its device, the owner as actor, and the request's seq.

    The seq is taken at once (in its own transaction), so the same signed request sent again is
    refused as replayed even when the first one is still running. Every refusal of a request from a known
    device is audited (`offline.sync_refused`); a request naming no device, or one not known, is only logged.
    """
    device = None
    text = (device_id or "").strip()
    if not text:  # not a tablet's request at all (a browser, a robot): logged, not audited, so noise fills no log
        log.warning("offline request without a device id refused (path %s)", path)
        raise DeviceRefused(401, "no_device", _("This address is for the OpenIPT tablet app only."))
    wanted = access.parse_uuid(text)
    if wanted is not None:
        device = Device.objects.select_related("owner__user", "owner__organisation").filter(uuid=wanted).first()
    if device is None:  # anyone can send a made-up id: logged, not audited, so it fills no audit log
        log.warning("offline request from an unknown device refused (path %s, ip %s)", path, origin.ip)
        raise DeviceRefused(401, "unknown_device", _("This tablet is not known. Sign in again."))
    seq = signing.parse_seq(seq_text)
    secret = ""
    try:
        secret = sealed.unseal(device.secret)
    except sealed.Unreadable:
        secret = ""
    if seq is None or not secret or not signing.verify(secret, method, path, seq, body, signature):
        raise _refuse(device, "bad_signature", 401, _("This request was changed on its way, or not signed. Sign in again."),
                      origin, path, seq=seq)
    if device.revoked_at is not None:
        raise _refuse(device, "revoked", 410, _("This tablet was stopped. Its copy of the groups is removed."),
                      origin, path, wipe=True, seq=seq)
    owner = device.owner
    if not (owner.is_active and owner.user.is_active and access.may_keep_groups(owner)):
        raise _refuse(device, "owner_inactive", 410,
                      _("The person who set up this tablet no longer runs groups here. Its copy is removed."),
                      origin, path, wipe=True, seq=seq)
    with transaction.atomic():
        taken = Device.objects.filter(pk=device.pk, last_seq__lt=seq).update(last_seq=seq)
    if not taken:
        raise _refuse(device, "replayed", 409, "replayed", origin, path, seq=seq)
    device.last_seq = seq
    return device, Actor(owner, origin), seq


def record_snapshot(actor: Actor, device: Device, groups: int) -> None:
    now = timezone.now()
    Device.objects.filter(pk=device.pk).update(last_sync_at=now)
    audit.record(SNAPSHOT.code, actor=actor, obj=device, details={"device": str(device.uuid), "groups": groups})


# Sync -------------------------------------------------------------------------------------------

MAX_OFFLINE_DAYS = OFFLINE_DAYS_MAX
FLOOR = "_offline_earliest"


def _earliest(device: Device, now: datetime) -> datetime:
    """The earliest time a change from this tablet can have been made: the owner's first tablet enrolment (a tablet
    carries unsent changes into a new enrolment), but never before the longest offline limit, never after now."""
    found = getattr(device, FLOOR, None)
    if found is None:
        first = (Device.objects.filter(owner_id=device.owner_id, organisation_id=device.organisation_id)
                 .aggregate(first=Min("created_at"))["first"]) or device.created_at
        found = min(max(first, now - timedelta(days=MAX_OFFLINE_DAYS)), now)
        setattr(device, FLOOR, found)
    return found


def _when(value: object, device: Device, now: datetime) -> datetime:
    """When the facilitator made the change, as the tablet said; never before the owner's first enrolment (nor
    before the longest offline limit), never after now."""
    try:
        parsed = parse_datetime(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:  # shaped like a time but not one (month 13, offset +99:00)
        parsed = None
    if parsed is None:
        return now
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return max(_earliest(device, now), min(parsed, now))


def _stamp(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "j M Y, H:i")


def sync(actor: Actor, device: Device, changes: object) -> list[dict[str, Any]]:
    """Apply a tablet's changes, each once and in its own savepoint; return one answer per change."""
    if not isinstance(changes, list):
        raise ActionError(_("Send the changes as a list."), field="changes")
    if len(changes) > MAX_CHANGES:
        raise ActionError(_("Send at most %(n)d changes at a time.") % {"n": MAX_CHANGES}, field="changes")
    now = timezone.now()
    results = []
    counts: dict[str, int] = {}
    sessions: dict[tuple[str, str], GroupSession | ActionError] = {}
    keys = [str(c["key"]).strip() for c in changes if isinstance(c, dict) and isinstance(c.get("key"), str)]
    seen = {r.key: r for r in ReceivedChange.objects.filter(key__in=[k for k in keys if 0 < len(k) <= MAX_KEY])}
    for change in changes:
        answer = _one(actor, device, change if isinstance(change, dict) else {}, now, sessions, seen)
        counts[answer["status"]] = counts.get(answer["status"], 0) + 1
        results.append(answer)
    Device.objects.filter(pk=device.pk).update(last_sync_at=now, changes_received=F("changes_received") + len(changes))
    audit.record(SYNCED.code, actor=actor, obj=device, details={"device": str(device.uuid), "seq": device.last_seq, **counts})
    return results


def _answer(key: str, status: str, message: str = "", result: dict | None = None, alert: bool = False) -> dict[str, Any]:
    return {"key": key, "status": status, "message": message, "result": result or {}, "alert": alert}


def _one(actor: Actor, device: Device, change: dict[str, Any], now: datetime,
         sessions: dict[tuple[str, str], GroupSession | ActionError], seen: dict[str, ReceivedChange]) -> dict[str, Any]:
    raw_key = change.get("key")
    key = raw_key.strip() if isinstance(raw_key, str) else ""
    if not key or len(key) > MAX_KEY:
        return _answer(str(raw_key)[:MAX_KEY] if raw_key is not None else "", "refused",
                       _("This change has no key the server can use, so it was not saved. Make it again."))
    earlier = seen.get(key)
    if earlier is not None:
        if earlier.device_id != device.pk:
            return _answer(key, "refused", _("This change key was already used by another tablet."))
        return {**earlier.answer, "status": "duplicate"}
    try:
        with transaction.atomic():
            answer = _apply(actor, device, key, change, now, sessions)
            seen[key] = ReceivedChange.objects.create(key=key, device=device, kind=str(change.get("kind") or "")[:20],
                                                      status=answer["status"], answer=answer, received_at=now)
    except IntegrityError:  # the same key arrived in two requests at once: the first one counts
        earlier = ReceivedChange.objects.filter(key=key).first()
        if earlier is None:
            return _answer(key, "refused", _("This change could not be saved. Send it again."))
        return {**earlier.answer, "status": "duplicate"}
    except Exception:  # a fault in one change never fails the batch: the change is kept as refused
        log.exception("offline change %s from device %s could not be applied", key, device.uuid)
        return _kept_after_fault(actor, device, key, change, now, seen)
    return answer


def _kept_after_fault(actor: Actor, device: Device, key: str, change: dict[str, Any], now: datetime,
                      seen: dict[str, ReceivedChange]) -> dict[str, Any]:
    reason = _("The server could not apply this change. It is kept for you to see; make it again online if needed.")
    answer = _answer(key, ChangeStatus.REFUSED, reason)
    try:
        with transaction.atomic():
            _keep(actor, device, key, change, ConflictStatus.REFUSED, reason, _when(change.get("entered_at"), device, now),
                  now, {})
            seen[key] = ReceivedChange.objects.create(key=key, device=device, kind=str(change.get("kind") or "")[:20],
                                                      status=answer["status"], answer=answer, received_at=now)
    except Exception:
        log.exception("offline change %s from device %s could not be kept either", key, device.uuid)
    return answer


def _session(actor: Actor, sessions: dict[tuple[str, str], GroupSession | ActionError], group_id: object,
             number: object) -> GroupSession:
    """The session a change is for, looked up and access-checked once per request (the refusal too)."""
    ident = (str(group_id)[:30] if isinstance(group_id, (int, str)) else "", str(number)[:30] if isinstance(number, (int, str)) else "")
    if ident not in sessions:
        try:
            sessions[ident] = session_actions.session_for_change(actor, ident[0] or 0, ident[1] or 0)
        except ActionError as exc:
            sessions[ident] = exc
    found = sessions[ident]
    if isinstance(found, ActionError):
        raise found
    return found


def _apply(actor: Actor, device: Device, key: str, change: dict[str, Any], now: datetime,
           sessions: dict[tuple[str, str], GroupSession | ActionError]) -> dict[str, Any]:
    kind = change.get("kind")
    data, base = _dict(change.get("data")), _dict(change.get("base"))
    entered_at = _when(change.get("entered_at"), device, now)
    group_id, number = change.get("group"), change.get("session")
    if kind not in KINDS:
        return _answer(key, "refused", _("Unknown kind of change; nothing was saved."))
    note = _("Entered on a tablet without a connection at %(entered)s; reached the server at %(arrived)s.") % {
        "entered": _stamp(entered_at), "arrived": _stamp(now)}
    try:
        session = _session(actor, sessions, group_id, number)
        _still_open(session, kind, data, actor)
    except ActionError as exc:
        return _keep_refused(actor, device, key, change, entered_at, now, exc.message, note)
    theirs = _conflict(actor, session, kind, data, base)
    if theirs is not None:
        return _keep_conflict(actor, device, key, change, session, theirs, entered_at, now, note)
    try:  # the groups action runs in its own savepoint: a refusal leaves nothing behind
        result = _do(actor, session, key, str(kind), data, entered_at, note)
    except ActionError as exc:
        return _keep_refused(actor, device, key, change, entered_at, now, exc.message, note)
    return _answer(key, "applied", "", _plain(result), alert=bool(result.get("flagged")))


def _still_open(session: GroupSession, kind: object, data: dict[str, Any], actor: Actor) -> None:
    """Refuse, with the plain reason, a change for an ended group, a member who left, a session moved later."""
    if session.group.status == GroupStatus.ENDED:
        raise ActionError(_("This group has ended, so the change was not saved. It is kept for you to see."))
    if kind in ("mark", "will_try", "check"):
        member = session_actions.preload_members(actor, session).get(group_access._int(data.get("member")) or 0)
        if member is None:
            raise ActionError(_("That person is not in this group, so the change was not saved."))
        if member.status == MemberStatus.LEFT:
            raise ActionError(_("%(name)s has left the group, so the change was not saved. It is kept for you to see.")
                              % {"name": member.client.display_name})
    if kind in ("mark", "will_try", "check", "report"):
        day = timezone.localtime(session.scheduled_start).date()
        if day > timezone.localdate():
            raise ActionError(_("Session %(n)d was moved to %(date)s, so the change was not saved. It is kept for you "
                                "to see.") % {"n": session.number, "date": formats.date_format(day, "j M Y")})


def _conflict(actor: Actor, session: GroupSession, kind: object, data: dict[str, Any],
              base: dict[str, Any]) -> dict[str, Any] | None:
    """What the server holds now, when it differs from both what the tablet saw and what it sends; else None.

    A value this tablet itself set earlier in the same request is never a conflict: the later change wins.
    """
    if (kind, group_access._int(data.get("member")) or 0) in getattr(session, MINE, set()):
        return None
    if kind in ("mark", "will_try"):
        row = _marks(session).get(group_access._int(data.get("member")) or 0)
        field, sent = ("presence", data.get("presence")) if kind == "mark" else ("will_try", data.get("text"))
        now_value = row[field] if row is not None else ""
        if row is not None and now_value and now_value != (base.get(field) or "") and now_value != sent:
            return {field: now_value, "marked_by": row["marked_by"], "marked_at": row["marked_at"]}
        return None
    if kind == "notes":
        seen = base.get("version")
        if isinstance(seen, int) and not isinstance(seen, bool) and seen != session.version and session.notes != data.get("text"):
            return {"text": session.notes, "version": session.version}
        return None
    if kind == "steps":
        done = list(session.done_step_ids or [])
        seen = base.get("done") if isinstance(base.get("done"), list) else None
        if seen is not None and done != seen and done != data.get("done"):
            return {"done": done}
        return None
    if kind == "check":
        return _checks(session).get(group_access._int(data.get("member")) or 0)
    if kind == "report":
        report = SessionReport.objects.filter(session=session).select_related("filed_by__user").first()
        if report is not None:
            return {"went_well": report.went_well, "was_hard": report.was_hard, "concerns": report.concerns,
                    "help_wanted": report.help_wanted, "filed_by": str(report.filed_by.user)}
    return None


MARKS_READ, CHECKS_READ, MINE = "_offline_marks", "_offline_checks", "_offline_set_by_this_request"


def _marks(session: GroupSession) -> dict[int, dict[str, Any]]:
    """The session's marks, read once per request and kept up to date by the changes applied in it."""
    found = getattr(session, MARKS_READ, None)
    if found is None:
        found = {a.member_id: {"presence": a.presence, "will_try": a.will_try, "marked_by": str(a.marked_by.user),
                               "marked_at": a.marked_at.isoformat()}
                 for a in Attendance.objects.filter(session=session).select_related("marked_by__user")}
        setattr(session, MARKS_READ, found)
    return found


def _checks(session: GroupSession) -> dict[int, dict[str, Any]]:
    """The session's symptom checks by member, read once per request, kept up to date likewise."""
    found = getattr(session, CHECKS_READ, None)
    if found is None:
        found = {c.member_id: {"instrument": c.instrument_code, "total": c.total, "at": c.at.isoformat()}
                 for c in QuickCheck.objects.filter(session=session)}
        setattr(session, CHECKS_READ, found)
    return found


def _remember(actor: Actor, session: GroupSession, kind: str, data: dict[str, Any], result: dict[str, Any]) -> None:
    """Note an applied change in the request's copy of the session, for the conflict rule of the changes after it."""
    member = group_access._int(data.get("member")) or 0
    mine = getattr(session, MINE, None)
    if mine is None:
        mine = set()
        setattr(session, MINE, mine)
    mine.add((kind, member))
    if kind in ("mark", "will_try"):
        row = _marks(session).setdefault(member, {"presence": "", "will_try": "", "marked_by": actor.label,
                                                  "marked_at": timezone.now().isoformat()})
        if kind == "mark":
            row.update(presence=result.get("presence", ""), marked_by=actor.label, marked_at=timezone.now().isoformat())
        else:
            row["will_try"] = result.get("will_try", "")
    elif kind == "check":
        _checks(session)[member] = {"instrument": result.get("instrument"), "total": result.get("total"),
                                    "at": timezone.now().isoformat()}


def _do(actor: Actor, session: GroupSession, key: str, kind: str, data: dict[str, Any], entered_at: datetime,
        note: str) -> dict[str, Any]:
    group_id, number = session.group_id, session.number
    if kind == "report":
        report = report_actions.file_report(
            actor, group_id, number, **{f: _str(data.get(f)) for f in ("went_well", "was_hard", "concerns", "help_wanted")})
        return {"filed_at": report.filed_at.isoformat()}
    if kind == "will_try":
        data = {**data, "text": data.get("text")}
    if kind == "notes":
        data = {"text": data.get("text")}  # the conflict rule above has compared versions already
    from openipt.groups.views.session import known_steps

    result = session_actions.apply_change(actor, group_id, number, key=key, kind=kind, data=data,
                                          known_steps=known_steps(session) if kind == "steps" else frozenset(),
                                          entered_at=entered_at, alert_text=note, session=session)
    if kind == "steps":  # the session object is reused for the request's next changes: keep it as stored
        session.done_step_ids = list(result.get("done") or [])
    _remember(actor, session, kind, data, result)
    return result


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _plain(result: dict) -> dict:
    return {k: (v if isinstance(v, (str, int, bool, list, type(None))) else str(v)) for k, v in result.items()}


def _q9(value: object) -> int | None:
    """A PHQ-9 question 9 answer as the whole number 0..3, or None when it cannot be read as one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip() in ("0", "1", "2", "3"):
        value = int(value.strip())
    return value if isinstance(value, int) and 0 <= value <= 3 else None


def _member(actor: Actor, device: Device, change: dict[str, Any]) -> Member | None:
    """The member a change names, only in the group it names, when the owner ran that group and may see them."""
    member_id = group_access._int(_dict(change.get("data")).get("member"))
    if member_id is None:
        return None
    return access.linkable_members(actor, device, group_access._int(change.get("group"))).filter(pk=member_id).first()


UNREADABLE = "unreadable"


def _rescue(actor: Actor, device: Device, change: dict[str, Any], entered_at: datetime, note: str) -> bool | str:
    """Pass a refused or conflicting check's question 9 to the safety rules; True when it raised an alert,
    UNREADABLE when the answer is not a whole number 0..3 (the change is kept, nothing is raised).

    Through the groups action when the person still runs the group. When they no longer do (the group
    was given to someone else while the tablet was offline), the answer still reaches staff: the member
    is found in the group the tablet named, only when that group was in this owner's tablets' snapshots,
    and only when the owner may see the member; otherwise it stays on the kept conflict and nothing is raised.
    """
    if change.get("kind") != "check":
        return False
    group_id, number, data = change.get("group"), change.get("session"), _dict(change.get("data"))
    answers = _dict(data.get("answers"))
    if "q9" not in answers:
        return False
    q9 = _q9(answers["q9"])
    if q9 is None:
        log.warning("offline check %s kept with an unreadable question 9 answer", change.get("key"))
        return UNREADABLE
    if not isinstance(group_id, (int, str)) or not isinstance(number, (int, str)):
        return False
    data = {**data, "answers": {**answers, "q9": q9}}
    if session_actions.rescue_refused_check(actor, group_id, number, data, entered_at=entered_at, text=note):
        return True
    member = _member(actor, device, change)
    if member is None:
        return False
    return bool(safety_api.raise_for_answers(
        client=member.client, instrument_code="phq9", answers={"q9": q9}, obj=None, actor=actor, now=entered_at,
        text=" ".join([_("Symptom check entered in group session %(n)s but not saved (it was refused).")
                       % {"n": number}, note])))


def _keep(actor: Actor, device: Device, key: str, change: dict[str, Any], status: str, reason: str,
          entered_at: datetime, now: datetime, theirs: dict[str, Any], session: GroupSession | None = None) -> Conflict:
    data = _dict(change.get("data"))
    member_id = group_access._int(data.get("member"))
    member = _member(actor, device, change)  # the client is linked only when the owner may see them
    group = session.group if session is not None else None
    return Conflict.objects.create(
        device=device, organisation_id=device.organisation_id, key=key, kind=str(change.get("kind") or "")[:20],
        group_id_sent=group_access._int(change.get("group")), group_name=group.name if group else "",
        session_number=min(max(group_access._int(change.get("session")) or 0, 0), 32767) or None,
        member_id_sent=member_id, client=member.client if member else None,
        yours={"data": data, "base": _dict(change.get("base"))},
        theirs=theirs, reason=reason, entered_at=entered_at, received_at=now, status=status)


def _safety_words(rescued: bool | str, scanned: int) -> str:
    if rescued == UNREADABLE:
        return " " + _("Its answer to question 9 could not be read, so no alert was raised: read the kept check on "
                       "the Conflicts page and ask the member again.")
    if rescued:
        return " " + _("Its safety answer was passed on as a risk alert on the member's record.")
    if scanned:
        return " " + _("Its worrying words were passed on as a risk alert.")
    return ""


def _scan_report(actor: Actor, device: Device, change: dict[str, Any], session: GroupSession | None,
                 conflict: Conflict) -> int:
    """Scan a kept (conflicting or refused) report's concerns and what was hard, as an online report's concerns are."""
    if change.get("kind") != "report":
        return 0
    data = _dict(change.get("data"))
    texts = [t.strip()[:4000] for t in (_str(data.get("concerns")), _str(data.get("was_hard"))) if t.strip()]
    if not texts:
        return 0
    group_pk, number = group_access._int(change.get("group")), group_access._int(change.get("session"))
    if session is None and group_pk is not None and number is not None:  # refused: the session, if it is still there
        session = GroupSession.objects.filter(group_id=group_pk, number=number).select_related("group").first()
    if session is None:
        return 0
    # only members the owner may see, of a group they ran; those who finished when the group ended included
    members = list(access.linkable_members(actor, device, session.group_id).exclude(status=MemberStatus.LEFT))
    if not members:
        return 0
    return sum(report_actions.scan_report_text(actor, session, text, conflict, members) for text in texts)


def _keep_refused(actor: Actor, device: Device, key: str, change: dict[str, Any], entered_at: datetime, now: datetime,
                  reason: str, note: str) -> dict[str, Any]:
    conflict = _keep(actor, device, key, change, ConflictStatus.REFUSED, reason, entered_at, now, {})
    rescued = _rescue(actor, device, change, entered_at, note)
    scanned = _scan_report(actor, device, change, None, conflict)
    message = reason + _safety_words(rescued, scanned)
    return _answer(key, ChangeStatus.REFUSED, message, alert=rescued is True or bool(scanned))


def _keep_conflict(actor: Actor, device: Device, key: str, change: dict[str, Any], session: GroupSession,
                   theirs: dict[str, Any], entered_at: datetime, now: datetime, note: str) -> dict[str, Any]:
    reason = _("Someone else changed this while the tablet was offline. Both versions are kept: settle it online, "
               "on the Conflicts page.")
    conflict = _keep(actor, device, key, change, ConflictStatus.OPEN, reason, entered_at, now, theirs, session)
    rescued = _rescue(actor, device, change, entered_at, note)
    scanned = _scan_report(actor, device, change, session, conflict)
    message = reason + _safety_words(rescued, scanned)
    return _answer(key, ChangeStatus.CONFLICT, message, {"conflict": conflict.pk, "theirs": theirs},
                   alert=rescued is True or bool(scanned))


# Settling conflicts -----------------------------------------------------------------------------

KEEP_MINE_KINDS = ("mark", "will_try", "notes", "steps")


@transaction.atomic
def resolve(actor: Actor, conflict_id: object, choice: str) -> Conflict:
    """Keep the tablet's version (applied through the same action as a change made online) or the server's."""
    conflict = access.conflict_for(actor, conflict_id)
    if conflict is None:
        raise ActionError(_("That conflict is not one you can settle. Reload the page."), code="forbidden")
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status != ConflictStatus.OPEN:
        raise ActionError(_("This conflict was settled already. Reload the page."), code="conflict")
    if choice == "mine":
        if conflict.kind == "report":
            raise ActionError(_("A session has one report: the one filed first stays. The tablet's text stays on this "
                                "conflict, shown above (its worrying words were scanned for risk). Choose “Keep "
                                "theirs” to close this."))
        if conflict.kind not in KEEP_MINE_KINDS:
            raise ActionError(_("Both answers are already kept on the record. Choose “Keep theirs” to close this."))
        _keep_mine(actor, conflict)
        status = ConflictStatus.KEPT_MINE
    elif choice == "theirs":
        status = ConflictStatus.KEPT_THEIRS
    else:
        raise ActionError(_("Choose “Keep mine” or “Keep theirs”."))
    Conflict.objects.filter(pk=conflict.pk).update(status=status, resolved_by=actor.membership, resolved_at=timezone.now())
    conflict.refresh_from_db()
    audit.record(CONFLICT_RESOLVED.code, actor=actor, client=conflict.client, obj=conflict,
                 details={"kind": conflict.kind, "status": status, "key": conflict.key})
    return conflict


def _keep_mine(actor: Actor, conflict: Conflict) -> None:
    data = _dict(conflict.yours.get("data"))
    group_id, number = conflict.group_id_sent or 0, conflict.session_number or 0
    if conflict.kind == "mark":
        session_actions.mark_attendance(actor, group_id, number, data.get("member"), _str(data.get("presence")))
    elif conflict.kind == "will_try":
        session_actions.save_will_try(actor, group_id, number, data.get("member"), _str(data.get("text")))
    elif conflict.kind == "notes":
        session_actions.save_notes(actor, group_id, number, _str(data.get("text")), None)
    else:
        session = session_actions.session_for_change(actor, group_id, number)
        from openipt.groups.views.session import known_steps

        given = data.get("done")
        done = given if isinstance(given, list) else []
        session_actions.save_steps(actor, group_id, number, [str(s) for s in done], known_steps(session))


def owner_of(device: Device) -> Membership:
    return device.owner
