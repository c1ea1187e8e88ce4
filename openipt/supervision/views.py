"""Supervision pages: rate a session, read a rating, my ratings, the dashboard, competency sign-offs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.core import submissions
from openipt.core.errors import ActionError, ConflictError
from openipt.core.extensions import render_panels
from openipt.core.forms import apply_action_error
from openipt.core.pagination import paginate
from openipt.supervision import access, actions, targets
from openipt.supervision.forms import ANSWER_LABELS, RatingForm, ReplyForm, SignOffForm, WithdrawForm
from openipt.supervision.queries import competency, dashboard, ratings, signoffs

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def _overseer_or_403(actor: Actor):
    if not access.is_overseer(actor):
        raise PermissionDenied


@staff_required
def rate_view(request, kind, target_id):
    """The fidelity checklist of the session's phase (group-only items only for group formats)."""
    actor = request.actor
    target = targets.resolve(actor, kind, target_id)
    if not access.can_rate(actor, target.rated_membership_id):
        raise PermissionDenied
    try:
        checklist, _version = actions.checklist_for(target)
    except KeyError:
        raise Http404 from None
    current = ratings.current_rating(kind, int(target_id))
    seen = current.version if current else 0
    form = RatingForm(request.POST or None, items=checklist.items, initial={"expected_version": seen})
    conflict = None
    if request.method == "POST" and form.is_valid():
        def work():
            made = actions.rate(actor, kind, target_id, answers=form.answers(), comment=form.cleaned_data["comment"],
                                expected_version=form.cleaned_data.get("expected_version"),
                                overall=form.cleaned_data.get("overall"))
            return made, reverse("supervision:rating", args=[made.pk])

        try:
            rating, earlier = submissions.run_once(request, work)
        except ConflictError as exc:
            conflict = exc.current
            form.add_error(None, exc.message)
            data = request.POST.copy()
            data["expected_version"] = str(conflict.version if conflict else seen)
            data.pop(submissions.FIELD, None)
            form = RatingForm(data, items=checklist.items)
            form.is_valid()
            form.add_error(None, exc.message)
        except ActionError as exc:
            if exc.field and (exc.field.startswith("item_") or exc.field == "overall") and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            if earlier or rating is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("Rating saved: %(score)d%%.") % {"score": rating.score_percent})
            return redirect("supervision:rating", rating_id=rating.pk)
    return render(request, "supervision/rate.html", {
        "target": target, "checklist": checklist, "form": form, "current": current, "conflict": conflict,
        "kind": kind, "target_id": target_id, "not_held": None if target.held else _(actions.NOT_HELD),
    })


@staff_required
def rating_view(request, rating_id):
    """One rating with its answers, comment, the clinician's reply, and earlier versions."""
    actor = request.actor
    rating = access.get_rating(actor, rating_id)
    if rating is None:
        raise Http404
    actions.record_view(actor, rating)
    versions = ratings.versions_of(actor, rating)
    reply = ratings.reply_of(rating)
    answers = [{"text": item["text"], "answer": rating.answers.get(item["id"], ""),
                "label": ANSWER_LABELS.get(rating.answers.get(item["id"], ""), "—")} for item in rating.items]
    own = rating.rated_id == actor.membership.pk
    return render(request, "supervision/rating.html", {
        "rating": rating, "answers": answers, "versions": versions, "reply": reply, "own": own,
        "reply_form": ReplyForm() if own and (reply is None or not reply.text) else None,
    })


@staff_required
@require_POST
def reply_view(request, rating_id):
    actor = request.actor
    rating = access.get_rating(actor, rating_id)
    if rating is None:
        raise Http404
    if rating.rated_id != actor.membership.pk:
        raise PermissionDenied
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            actions.reply(actor, rating.pk, text=form.cleaned_data["text"])
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Reply sent.") if form.cleaned_data["text"] else _("Marked as read."))
    else:
        messages.error(request, _("Keep the reply under 5000 characters."))
    return redirect("supervision:rating", rating_id=rating.pk)


@staff_required
def mine_view(request):
    """The ratings of the sessions I led, newest first."""
    actor = request.actor
    page = paginate(request, access.my_ratings(actor))
    rows = [{"rating": r, "reply": ratings.reply_of(r)} for r in page]
    unread = sum(1 for row in rows if row["rating"].comment and row["reply"] is None)
    return render(request, "supervision/mine.html", {"page": page, "rows": rows, "unread": unread})


@staff_required
def dashboard_view(request):
    """Every clinician the supervisor oversees (an admin: the organisation), then other apps' panels."""
    actor = request.actor
    _overseer_or_403(actor)
    page = paginate(request, dashboard.members_with_caseload(actor))
    members = list(page.object_list)
    ids = [m.pk for m in members]
    # Sessions waiting for a rating: those of the clinicians on this page (an admin's organisation is paged).
    waiting, waiting_counts = dashboard.waiting_sessions(ids)
    rows = dashboard.rows_for(members, waiting_counts)
    return render(request, "supervision/dashboard.html", {
        "page": page, "rows": rows, "waiting": waiting, "waiting_total": sum(waiting_counts.values()),
        "show_alerts": any(r["alerts"] is not None for r in rows), "ids": ids,
        "panels": render_panels("supervision", request, actor),
        "competency_flags": competency.open_flags(actor),
        "rule_withdrawals": competency.rule_withdrawals(actor),
    })


@staff_required
def signoffs_view(request):
    """Competency sign-offs of the people I oversee: sign someone off, see and withdraw live ones, history."""
    actor = request.actor
    _overseer_or_403(actor)
    members = signoffs.members_to_sign_off(actor)
    form = SignOffForm(request.POST or None, members=members, initial={"signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def work():
            made = actions.sign_off(actor, d["membership"], competency=d["competency"], signed_on=d["signed_on"],
                                    note=d["note"])
            return made, reverse("supervision:signoffs")

        try:
            made, earlier = submissions.run_once(request, work)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or made is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("%(name)s is signed off: %(what)s.") % {
                "name": made.membership.user, "what": made.get_competency_display()})
            return redirect("supervision:signoffs")
    recent = signoffs.recent_signoffs(actor)
    return render(request, "supervision/signoffs.html", {
        "form": form, "live": [s for s in recent if s.is_live], "history": [s for s in recent if not s.is_live],
        "withdraw_form": WithdrawForm(),
    })


@staff_required
@require_POST
def withdraw_view(request, signoff_id):
    actor = request.actor
    _overseer_or_403(actor)
    if not signoffs.signoff_is_visible(actor, signoff_id):
        raise Http404
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the sign-off is withdrawn."))
        return redirect("supervision:signoffs")
    try:
        actions.withdraw_sign_off(actor, signoff_id, reason=form.cleaned_data["reason"])
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sign-off withdrawn. It stays in the history."))
    return redirect("supervision:signoffs")
