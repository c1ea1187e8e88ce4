"""Facilitator mode: the live group session on a tablet, as ordinary forms and (with JS) an offline queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.core import jsonbody
from openipt.core.errors import ActionError, ConflictError
from openipt.core.numbers import as_int
from openipt.courses.present import protocol
from openipt.groups import access, content, session_actions
from openipt.groups.models import Presence
from openipt.groups.queries import holds as hold_queries
from openipt.groups.queries import session as session_queries
from openipt.groups.queries.roster import checks_for
from openipt.groups.views.common import local_day, runnable_session_or_403, session_or_404
from openipt.measures import instruments

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor

MAX_SYNC = 200
MAX_SYNC_BYTES = 2 * 1024 * 1024


def guide_for(session):
    """Return the protocol's guide for this session's phase in the reader's language, with the sessions left
    filled in; a piece the language's pack lacks is in English and marked `english`."""
    lang = get_language() or "en"
    guide = protocol().group_guide(session.phase, lang)
    left = session.group.sessions_planned - session.number
    steps = [content.step_row(s, lang, s.guidance.replace("{remaining_sessions}", str(left))) for s in guide.steps]
    return content.guide_head(guide, lang), steps


def known_steps(session) -> set[str]:
    return {s["id"] for s in guide_for(session)[1]}


def session_context(actor: Actor, session, posted=None) -> dict:
    group = session.group
    members = list(access.active_members(actor, group))
    rows = session_queries.marks_by_member(session)
    checks = checks_for(session)
    risky = session_queries.clients_with_safety_signal([m.client_id for m in members])

    items = [i for i in instruments.registry().get(instruments.DEPRESSION).items if i.id != "difficulty"]  # shipped
    guide, steps = guide_for(session)
    posted = posted or {}
    roster = []
    for m in members:
        mark = rows.get(m.pk)
        key = f"m{m.pk}"
        roster.append({
            "member": m, "mark": mark, "check": checks.get(m.pk), "risk": m.client_id in risky, "key": key,
            "presence": posted.get(f"{key}_presence", mark.presence if mark else ""),
            "seen": mark.presence if mark else "",
            "will_try": posted.get(f"{key}_try", mark.will_try if mark else ""),
            "try_seen": mark.will_try if mark else "",
            "answers": [(n, item, posted.get(f"{key}_q{n}", "")) for n, item in enumerate(items, start=1)],
        })
    day = local_day(session.scheduled_start)
    unrecorded = session_queries.not_recorded_in(group)
    return {
        "group": group, "session": session, "guide": guide, "steps": steps, "done": set(session.done_step_ids),
        "roster": roster, "presence": Presence.choices, "items": items, "answers": range(4),
        "future": day > timezone.localdate(), "day": day, "leads": access.can_run(actor, group),
        "marked": sum(1 for r in roster if r["mark"] and r["mark"].presence),
        # issue 14, defect 14: a past day nobody recorded, this one or an earlier one, is flagged here too
        "this_not_recorded": any(s.pk == session.pk for s in unrecorded),
        "other_not_recorded": [s for s in unrecorded if s.pk != session.pk],
        # HAZ-041: led alone by someone whose sign-off was withdrawn; shown, never blocking the safety steps
        "holds": hold_queries.for_group(group),
    }


@staff_required
def session_view(request, group_id, number):
    """Facilitator mode (for the group's facilitators) or a read-only view of the session (others who may see it)."""
    actor = request.actor
    session = session_or_404(actor, group_id, number)
    if request.method == "POST":
        session = runnable_session_or_403(actor, group_id, number)
        return _post(request, session)
    session_actions.record_session_view(actor, session)
    context = session_context(actor, session)
    context["notes_text"] = session.notes
    context["notes_version"] = session.version
    return render(request, "groups/session.html", context)


def _post(request, session):
    actor = request.actor
    action = request.POST.get("action", "")
    group, number = session.group, session.number
    errors: dict = {}
    notes_text, notes_version = session.notes, session.version
    try:
        if action == "marks":
            _save_marks(request, session, errors)
        elif action == "check":
            member = request.POST.get("member")
            answers = {f"q{n}": request.POST.get(f"m{member}_q{n}") for n in range(1, 10)}
            result = session_actions.enter_quick_check(actor, group.pk, number, member, answers)
            messages.success(request, _("Symptom check saved (score %(total)s).") % {"total": result["total"]})
            if result["flagged"]:
                messages.warning(request, _("An answer needs a safety follow-up. Speak with the member privately today "
                                            "and tell your supervisor."))
        elif action == "notes":
            notes_text = request.POST.get("notes", "")
            version = request.POST.get("version")
            session_actions.save_notes(actor, group.pk, number, notes_text,
                                       as_int(version) if version else None)
            messages.success(request, _("Notes saved."))
        elif action == "steps":
            session_actions.save_steps(actor, group.pk, number, request.POST.getlist("done"), known_steps(session))
            messages.success(request, _("Steps saved."))
        else:
            messages.error(request, _("Choose what to save."))
    except ConflictError as exc:
        session.refresh_from_db()
        errors["notes"] = exc.message
        notes_version = session.version
    except ActionError as exc:
        errors[exc.field or "form"] = exc.message
        if action == "check":
            errors["check_member"] = request.POST.get("member")
    if not errors:
        return redirect("groups:session", group_id=group.pk, number=number)
    context = session_context(actor, session, request.POST)
    context.update(errors=errors, notes_text=notes_text, notes_version=notes_version)
    return render(request, "groups/session.html", context, status=400)


def _save_marks(request, session, errors: dict) -> None:
    """Apply only the marks this form changed, so a stale page never undoes the other facilitator's marks."""
    actor = request.actor
    for member in access.active_members(actor, session.group):
        key = f"m{member.pk}"
        presence, seen = request.POST.get(f"{key}_presence", ""), request.POST.get(f"{key}_seen", "")
        if presence and presence != seen:
            result = session_actions.mark_attendance(actor, session.group.pk, session.number, member.pk, presence)
            if result["replaced"]:
                messages.warning(request, result["replaced"])
        text, seen_text = request.POST.get(f"{key}_try"), request.POST.get(f"{key}_try_seen", "")
        if text is not None and text.strip() != seen_text.strip():
            session_actions.save_will_try(actor, session.group.pk, session.number, member.pk, text)
    messages.success(request, _("Marks saved."))


@staff_required
@require_POST
def sync_view(request, group_id, number):
    """Apply changes queued on the tablet; each carries its own key and is applied once."""
    actor = request.actor
    session = runnable_session_or_403(actor, group_id, number)
    if request.content_type != "application/json":  # a form post has no JSON body to read
        return JsonResponse({"error": _("The changes could not be read. Reload the page."),
                             "detail": "Send the changes as application/json."}, status=400)
    try:
        body = jsonbody.loads(request.body or b"{}", max_bytes=MAX_SYNC_BYTES, max_depth=8)
    except jsonbody.JsonError as exc:
        return JsonResponse({"error": _("The changes could not be read. Reload the page."), "detail": exc.message},
                            status=400)
    changes = body.get("changes") if isinstance(body, dict) else None
    if not isinstance(changes, list) or len(changes) > MAX_SYNC:
        return JsonResponse({"error": _("Send a list of up to %(n)d changes.") % {"n": MAX_SYNC}}, status=400)
    steps = known_steps(session)
    results = []
    for change in changes:
        change = change if isinstance(change, dict) else {}
        key = str(change.get("key") or "")[:80]
        try:
            result = session_actions.apply_change(actor, session.group.pk, session.number, key=key,
                                                  kind=str(change.get("kind") or ""), data=change.get("data"),
                                                  known_steps=steps)
        except ActionError as exc:
            message = exc.message
            if change.get("kind") == "check" and exc.code != "duplicate" and session_actions.rescue_refused_check(
                    actor, session.group.pk, session.number, change.get("data")):
                message += " " + _("Its safety answer was passed on as a risk alert on the member's record.")
            results.append({"key": key, "ok": False, "error": message, "code": exc.code})
        else:
            results.append({"key": key, "ok": True, "result": _plain(result)})
    return JsonResponse({"results": results})


def _plain(result: dict) -> dict:
    return {k: (v if isinstance(v, (str, int, bool, list, type(None))) else str(v)) for k, v in result.items()}


@staff_required
def guide_pdf_view(request, group_id, number):
    """The session guide as a PDF, for when the tablet fails."""
    from openipt.groups import printables

    session = session_or_404(request.actor, group_id, number)
    pdf = printables.guide_pdf(request.actor, session)
    return _pdf_response(pdf, f"group-{session.group.pk}-session-{session.number}-guide.pdf")


@staff_required
def sheet_pdf_view(request, group_id, number):
    """The attendance and symptom sheet as a PDF."""
    from openipt.groups import printables

    session = session_or_404(request.actor, group_id, number)
    pdf = printables.sheet_pdf(request.actor, session)
    return _pdf_response(pdf, f"group-{session.group.pk}-session-{session.number}-attendance.pdf")


def _pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
