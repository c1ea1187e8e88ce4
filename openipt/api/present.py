"""Records as the API shows them: each function turns model rows into the published schema's shape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from openipt.api import schemas

if TYPE_CHECKING:
    from openipt.api.models import Webhook, WebhookDelivery
    from openipt.clients.models import Client
    from openipt.courses.models import Course, Goal, Session
    from openipt.groups.models import Group, GroupSession, Member
    from openipt.measures.models import Administration
    from openipt.safety.models import Alert


def client(c: Client) -> dict[str, Any]:
    return schemas.ClientOut(
        id=c.pk, record_number=c.record_number, given_name=c.given_name, family_name=c.family_name,
        preferred_name=c.preferred_name, date_of_birth=c.date_of_birth, status=c.status,
        preferred_language=c.preferred_language, created_at=c.created_at, updated_at=c.updated_at,
    ).model_dump(mode="json")


def clients(rows: Iterable[Client]) -> list[dict[str, Any]]:
    return [client(c) for c in rows]


def course(c: Course) -> dict[str, Any]:
    return schemas.CourseOut(
        id=c.pk, client_id=c.client_id, format_id=c.format_id, therapist=str(c.therapist.user), status=c.status,
        phase=c.phase, start_date=c.start_date, planned_end_date=c.planned_end_date,
        sessions_planned=c.sessions_planned, frequency=c.frequency, primary_area=c.primary_area,
        ended_on=c.ended_on, updated_at=c.updated_at,
    ).model_dump(mode="json")


def courses(rows: Iterable[Course]) -> list[dict[str, Any]]:
    return [course(c) for c in rows]


def session(s: Session) -> dict[str, Any]:
    return schemas.SessionOut(
        number=s.number, scheduled_start=s.scheduled_start, duration_minutes=s.duration_minutes, mode=s.mode,
        attendance=s.attendance, phase=s.phase, updated_at=s.updated_at,
    ).model_dump(mode="json")


def goal(g: Goal) -> dict[str, Any]:
    ratings = [schemas.GoalRatingOut(session_number=r.session.number, rating=r.rating, at=r.at)
               for r in g.ratings.all()]
    return schemas.GoalOut(id=g.pk, area=g.area, text=g.text, order=g.order, active=g.active, ratings=ratings,
                           updated_at=g.updated_at).model_dump(mode="json")


def administration(a: Administration, *, with_answers: bool = False) -> dict[str, Any]:
    return schemas.AdministrationOut(
        id=a.uuid, client_id=a.client_id, course_id=a.course_id, instrument_code=a.instrument_code,
        instrument_version=a.instrument_version, session_number=a.session_number, status=a.status, total=a.total,
        band=a.band, prorated=a.prorated, screen_positive=a.screen_positive, safety_followup=a.safety_followup,
        flagged_items=[str(f.get("item", "")) for f in a.flags if isinstance(f, dict)], source=a.source,
        completed_at=a.completed_at, updated_at=a.updated_at, answers=dict(a.answers) if with_answers else None,
    ).model_dump(mode="json")


def administrations(rows: Iterable[Administration]) -> list[dict[str, Any]]:
    return [administration(a) for a in rows]


def alert(a: Alert) -> dict[str, Any]:
    by = a.acknowledged_by
    return schemas.AlertOut(
        id=a.pk, client_id=a.client_id, kind=a.kind, severity=a.severity, status=a.status, source=a.source,
        reason=a.reason, raised_at=a.raised_at, acknowledged_at=a.acknowledged_at,
        acknowledged_by=str(by.user) if by is not None else None, resolved_at=a.resolved_at,
    ).model_dump(mode="json")


def alerts(rows: Iterable[Alert]) -> list[dict[str, Any]]:
    return [alert(a) for a in rows]


def group(g: Group) -> dict[str, Any]:
    return schemas.GroupOut(
        id=g.pk, name=g.name, programme=g.programme.name, status=g.status, weekday=g.weekday,
        start_time=g.start_time, sessions_planned=g.sessions_planned, start_date=g.start_date,
        language=g.language, updated_at=g.updated_at,
    ).model_dump(mode="json")


def groups(rows: Iterable[Group]) -> list[dict[str, Any]]:
    return [group(g) for g in rows]


def group_detail(g: Group, members: Iterable[Member], sessions: Iterable[GroupSession]) -> dict[str, Any]:
    return {
        **group(g),
        "members": [schemas.MemberOut(id=m.pk, client_id=m.client_id, course_id=m.course_id, status=m.status,
                                      joined_on=m.joined_on).model_dump(mode="json") for m in members],
        "sessions": [schemas.GroupSessionOut(
            number=s.number, scheduled_start=s.scheduled_start, held=s.held,
            attendance=[schemas.PresenceOut(member_id=a.member_id, presence=a.presence)
                        for a in getattr(s, "seen_attendance", [])],
        ).model_dump(mode="json") for s in sessions],
    }


def webhook(w: Webhook) -> dict[str, Any]:
    return schemas.WebhookOut(id=w.pk, name=w.name, url=w.url, events=list(w.events), secret_hint=w.hint,
                              created_at=w.created_at, rotated_at=w.rotated_at).model_dump(mode="json")


def webhooks(rows: Iterable[Webhook]) -> list[dict[str, Any]]:
    return [webhook(w) for w in rows]


def delivery(d: WebhookDelivery) -> dict[str, Any]:
    return schemas.DeliveryOut(
        id=d.pk, event_id=d.event_id, event_type=d.event_type, status=d.status, attempts=d.attempts,
        last_status_code=d.last_status_code, last_error=d.last_error, created_at=d.created_at,
        next_attempt_at=d.next_attempt_at if d.status == "pending" else None, delivered_at=d.delivered_at,
    ).model_dump(mode="json")


def deliveries(rows: Iterable[WebhookDelivery]) -> list[dict[str, Any]]:
    return [delivery(d) for d in rows]
