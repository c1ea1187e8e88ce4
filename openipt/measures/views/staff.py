"""Staff pages: the due list, a course's scores, one set of answers, schedules, paper entry and links."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import admin_required, staff_required
from openipt.clients.access import visible_clients
from openipt.clients.models import Client
from openipt.core import submissions
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error, save_versioned
from openipt.core.numbers import as_id
from openipt.core.numbers import as_int as post_int
from openipt.core.pagination import paginate
from openipt.courses.models import Course
from openipt.courses.present import format_name
from openipt.measures import (
    access,
    actions,
    due,
    instruments,
    link_actions,
    outcome_actions,
    settings_actions,
    version_actions,
)
from openipt.measures.actions import AnswersError
from openipt.measures.forms import AnswersForm, EnterForm, ScheduleForm, SettingsForm, VersionForm
from openipt.measures.models import InstrumentVersion, OneTimeLink
from openipt.measures.queries import outcomes, summary
from openipt.measures.queries import staff as staff_queries
from openipt.measures.queries.versions import installed

if TYPE_CHECKING:
    from openipt.accounts.actor import Actor


def course_or_404(actor: Actor, course_id, request=None) -> Course:
    course = access.get_course(actor, course_id)
    if course is None:
        raise Http404
    return course


def changeable_or_403(actor: Actor, course_id, request=None) -> Course:
    course = course_or_404(actor, course_id, request)
    if not access.can_administer(actor, course):
        raise PermissionDenied
    return course


def whose_scores(actor: Actor, course, request) -> tuple[Client, list[Client]]:
    """Return whose scores a course page shows (`?partner=`), and the partners the actor may switch between.

    Partner two of a couples course is shown only to staff who may see their record; asking for
    anyone else is a 404.
    """
    partners = staff_queries.partners(course)
    if len(partners) > 1:
        allowed = staff_queries.visible_ids(actor, partners)
        partners = [p for p in partners if p.pk in allowed or p.pk == course.client_id]
    asked = request.GET.get("partner")
    if asked in (None, ""):
        return course.client, partners if len(partners) > 1 else []
    chosen = next((p for p in partners if p.pk == as_id(asked)), None)
    if chosen is None:
        raise Http404
    return chosen, partners if len(partners) > 1 else []


def _partner_number(course, client_id) -> int | None:
    """1 or 2 on a couples course (partner two is anyone who answers but is not the course's client), else None."""
    if course is None or course.format_id != "couples":
        return None
    return 1 if client_id == course.client_id else 2


@staff_required
def due_view(request):
    """Who has not completed what: questionnaires due or overdue across the person's clients."""
    actor = request.actor
    courses = access.open_courses_in_scope(actor)
    actions.ensure_default_schedules(courses)
    now = timezone.now()
    page = paginate(request, due.open_items(courses, now, clients=visible_clients(actor)), per_page=25)
    items = [due.row_item(row, now) for row in page.object_list]
    clients = staff_queries.clients_by_id(i.client_id for i in items)
    course_map = staff_queries.shown_courses(actor, (i.course_id for i in items))
    rows = [{"item": i, "client": clients.get(i.client_id), "course": course_map.get(i.course_id),
             "can_enter": i.course_id in course_map and access.can_administer(actor, course_map[i.course_id]),
             "partner": _partner_number(course_map.get(i.course_id), i.client_id),
             "name": instruments.name(i.instrument_code),
             "format": format_name(course_map[i.course_id]) if i.course_id in course_map else ""}
            for i in items]
    settings_actions.record_due_view(actor, shown=len(rows))
    return render(request, "measures/due.html", {"page": page, "rows": rows, "overdue_days": due.OVERDUE_FOR.days,
                                                 "opens_days": due.OPENS_BEFORE.days})


@staff_required
def course_view(request, course_id):
    """Everything the course's questionnaires say: charts, verdicts, items, due list, schedule and links."""
    actor = request.actor
    course = course_or_404(actor, course_id, request)
    if course.is_open:
        actions.ensure_default_schedule(course)
    whose, partners = whose_scores(actor, course, request)
    # a link is made by care staff assigned to the partner it is for (admins see both, and may not)
    link_partners = [p for p in partners if p.pk == course.client_id or access.is_assigned_to_client(actor, p.pk)]
    data = summary.course_summary(course, with_items=True, id_prefix="course", client_id=whose.pk)
    settings_actions.record_view(actor, client=whose, obj=course, what="course scores")
    links = staff_queries.recent_links(course)
    now = timezone.now()
    return render(request, "measures/course.html", {
        "course": course, "client": whose, "summary": data, "format": format_name(course),
        "can_administer": access.can_administer(actor, course) and course.is_open,
        "definitions": summary.definitions(),
        "links": [{"link": lk, "state": link_actions.link_state(lk, now)} for lk in links],
        "new_link": request.session.pop("measures_new_link", None),
        "partners": partners, "link_partners": link_partners if len(link_partners) > 1 else [],
        "partner_query": f"?partner={whose.pk}" if whose.pk != course.client_id else "",
    })


@staff_required
def administration_view(request, administration):
    """One set of answers, item by item, with how they were scored."""
    actor = request.actor
    if not actor.is_staff:
        raise PermissionDenied
    admin = access.get_administration(actor, administration)
    if admin is None:
        raise Http404
    inst = instruments.get(admin.instrument_code)
    rows = _answer_rows(inst, admin) if inst is not None else []
    band = inst.band_for(admin.total) if inst and admin.total is not None else None
    settings_actions.record_view(actor, client=admin.client, obj=admin, what="answers")
    return render(request, "measures/administration.html", {
        "admin": admin, "inst": inst, "rows": rows, "band": band, "client": admin.client, "course": admin.course})


def _answer_rows(inst, admin) -> list[dict]:
    """Each question of one set of answers as the page shows it: its words, the answer given and what it scored.

    Made here once, so the page's table reads ready words (the questionnaire can have dozens of questions)."""
    flagged = {f["item"] for f in admin.flags}
    safety = {s.item for s in inst.safety_items}
    above_zero, not_answered = _("safety question, above zero"), _("safety question, not answered")
    no_answer, not_scored = _("No answer"), _("not scored")
    rows = []
    for number, item in enumerate(inst.items, start=1):
        value = admin.answers.get(item.id)
        if item.id in flagged:
            note = above_zero
        elif item.id in safety and value is None:
            note = not_answered
        else:
            note = ""
        if value is None:
            answer = no_answer
        else:
            label = next((o.label for o in item.options if o.value == value), "")
            answer = f"{label} ({value})"
        if not item.scored:
            score = not_scored
        else:
            points = item.score(value) if value is not None else None
            score = "—" if points is None else str(points)
        rows.append({"number": number, "text": item.text, "note": note, "answer": answer, "score": score})
    return rows


def _schedule_rows(course):
    schedules = staff_queries.schedules(course)
    out = []
    for s in schedules:
        if s.rule == "every_session":
            text = _("every session")
        elif s.rule == "start_end":
            text = _("at session 1 and the last session")
        elif s.rule == "every_n":
            text = _("every %(n)d sessions") % {"n": s.every_n}
            extra = [w for w, on in ((_("session 1"), s.at_start), (_("the last session"), s.at_end)) if on]
            if extra:
                text += " " + _("and at %(what)s") % {"what": _(" and ").join(extra)}
        else:
            text = _("on %(dates)s") % {"dates": ", ".join(d.on.isoformat() for d in s.dates.all())}
        out.append({"schedule": s, "name": instruments.name(s.instrument_code), "text": text})
    return out


@staff_required
def schedule_view(request, course_id):
    """The course's questionnaire schedule: add a questionnaire, or remove one."""
    actor = request.actor
    course = changeable_or_403(actor, course_id, request)
    form = ScheduleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.add_schedule(actor, course.pk, instrument_code=d["instrument_code"], rule=d["rule"],
                                 every_n=d["every_n"], at_start=d["at_start"], at_end=d["at_end"], dates=d["dates"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Schedule saved."))
            return redirect("measures:schedule", course_id=course.pk)
    return render(request, "measures/schedule.html", {
        "course": course, "client": course.client, "form": form, "rows": _schedule_rows(course),
        "format": format_name(course)})


@staff_required
@require_POST
def schedule_default_view(request, course_id):
    actor = request.actor
    course = changeable_or_403(actor, course_id, request)
    try:
        actions.use_default_schedule(actor, course.pk)
    except ActionError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, _("The default schedule is in place: PHQ-9 every session; GAD-7 at the start, "
                                    "every 4th session and the end."))
    return redirect("measures:schedule", course_id=course.pk)


@staff_required
@require_POST
def schedule_remove_view(request, course_id, schedule_id):
    actor = request.actor
    course = changeable_or_403(actor, course_id, request)
    try:
        actions.remove_schedule(actor, course.pk, schedule_id)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed from the schedule. Answers already given are kept."))
    return redirect("measures:schedule", course_id=course.pk)


def _session_default(course, sessions):
    """The session a paper form most likely belongs to: the latest one that has started."""
    now = timezone.now()
    started = [s for s in sessions if s.scheduled_start <= now + timedelta(hours=12)]
    return started[-1].number if started else (sessions[0].number if sessions else None)


@staff_required
def enter_view(request, course_id):
    """Enter a questionnaire filled in on paper, or a clinician rating such as the HAM-D."""
    actor = request.actor
    course = changeable_or_403(actor, course_id, request)
    sessions = staff_queries.sessions_in_order(course)
    partners = staff_queries.partners(course)
    source = request.POST if request.method == "POST" else request.GET
    chooser = EnterForm(source if "instrument_code" in source else None, sessions=sessions, partners=partners, initial={
        "partner": request.GET.get("partner") or course.client_id,
        "instrument_code": request.GET.get("instrument", instruments.DEPRESSION),
        "session_number": request.GET.get("session") or _session_default(course, sessions),
        "completed_on": timezone.localdate()})
    inst = None
    if chooser.is_bound and chooser.is_valid():
        inst = instruments.get(chooser.cleaned_data["instrument_code"])
    answers = AnswersForm(inst, request.POST if request.method == "POST" else None, staff=True) if inst else None
    if request.method == "POST":
        earlier = submissions.previous_result(request)
        if earlier:
            messages.info(request, _("That form was already sent; here are the answers it recorded."))
            return redirect(earlier)
        if inst is not None and answers is not None and answers.is_valid():
            d = chooser.cleaned_data

            def enter():
                admin = actions.enter_paper(actor, course.pk, instrument_code=inst.code,
                                            session_number=d["session_number"], completed_on=d["completed_on"],
                                            answers=answers.answers(), client_id=d.get("partner"),
                                            safety_blank_confirmed=answers.safety_blank_confirmed())
                return admin, reverse("measures:administration", args=[admin.uuid])

            try:
                admin, earlier = submissions.run_once(request, enter)
            except AnswersError as exc:
                answers.apply(exc)
            except ActionError as exc:
                apply_action_error(chooser, exc)
            else:
                if earlier or admin is None:  # a repeat of a submission that already ran
                    return redirect(earlier or request.path)
                total = admin.total if admin.total is not None else _("no total (too many answers left blank)")
                messages.success(request, _("%(name)s saved: %(total)s.") % {"name": inst.short_name, "total": total})
                if admin.flags:
                    messages.warning(request, _("The safety question was answered above zero. Follow it up today."))
                if admin.unanswered_safety_items:
                    messages.warning(request, _("The suicide question was not answered. A task to follow it up is "
                                                "on the client's record until someone marks it done."))
                return redirect("measures:administration", administration=admin.uuid)
    return render(request, "measures/enter.html", {
        "course": course, "client": course.client, "chooser": chooser, "inst": inst, "answers": answers,
        "format": format_name(course), "partners": partners if len(partners) > 1 else []})


@staff_required
@require_POST
def link_create_view(request, course_id):
    """Make a one-time link; its address is shown once, on the next page."""
    actor = request.actor
    course = changeable_or_403(actor, course_id, request)
    try:
        link, token = link_actions.create_link(actor, course.pk, client_id=post_int(request.POST.get("partner")))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        _show_link_once(request, link, token)
        messages.success(request, _("Link made for %(name)s. Send it by e-mail below, or copy it now and send it "
                                    "another way: it is shown only once.") % {"name": link.client.display_name})
    return redirect(reverse("measures:course", args=[course.pk]) + "#links")


def _show_link_once(request, link: OneTimeLink, token: str) -> None:
    """Keep the link for the next page only, with what the e-mail form needs."""
    request.session["measures_new_link"] = {
        "url": _link_url(request, token), "expires": timezone.localtime(link.expires_at).isoformat(),
        "name": link.client.display_name, "id": link.pk, "token": token, "email": link.client.email,
        "sends_left": link_actions.MAX_SENDS - link_actions.sends_so_far(link)}


def _link_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("measures:link", args=[token]))


@staff_required
@require_POST
def link_send_view(request, course_id, link_id):
    """E-mail a link just made to the client, then show the link again so it can still be copied."""
    actor = request.actor
    course = changeable_or_403(actor, course_id, request)
    token = request.POST.get("token") or ""
    try:
        link, address = link_actions.send_link(actor, course.pk, link_id, token, lambda t: _link_url(request, t),
                                               to=request.POST.get("email") or "")
    except ActionError as exc:
        messages.error(request, exc.message)
        same = staff_queries.link_with_token(course, link_id, token)
        if same is not None and link_actions.link_state(same) == "ok":
            _show_link_once(request, same, token)
    else:
        _show_link_once(request, link, token)
        messages.success(request, _("The link was e-mailed to %(address)s.") % {"address": address})
    return redirect(reverse("measures:course", args=[course.pk]) + "#links")


@staff_required
@require_POST
def link_revoke_view(request, course_id, link_id):
    actor = request.actor
    course = changeable_or_403(actor, course_id, request)
    try:
        link_actions.revoke_link(actor, course.pk, link_id)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The link no longer works."))
    return redirect(reverse("measures:course", args=[course.pk]) + "#links")


@admin_required
def settings_view(request):
    """How long to wait before not-on-track signals, which expected path to use, how long links last."""
    actor = request.actor
    current = outcomes.org_settings(actor.organisation_id)
    form = SettingsForm(request.POST if request.method == "POST" else None, initial={
        "wait_sessions": current.wait_sessions, "use_own_trajectories": current.use_own_trajectories,
        "link_days": current.link_days, "phq9_case_cutoff": current.phq9_case_cutoff,
        "gad7_case_cutoff": current.gad7_case_cutoff, "version": current.version if current.pk else 1})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if save_versioned(form, lambda: settings_actions.update_settings(
                actor, wait_sessions=d["wait_sessions"], use_own_trajectories=d["use_own_trajectories"],
                link_days=d["link_days"], expected_version=d["version"],
                phq9_case_cutoff=d.get("phq9_case_cutoff"), gad7_case_cutoff=d.get("gad7_case_cutoff"))):
            messages.success(request, _("Settings saved."))
            return redirect("measures:settings")
    tables = []
    for code in instruments.TRACKED:
        inst = instruments.get(code)
        if inst is None:
            continue
        table = outcome_actions.trajectory_table(actor.organisation_id, inst, current)
        if table is None:
            continue
        labels = {b.id: b.label for b in inst.bands}
        tables.append({"name": inst.short_name, "bands": [
            {"label": labels.get(t.band_id, t.band_id), "source": t.source, "courses": t.courses,
             "cells": [c for c in t.cells if c.session in (2, 4, 6, 8, 12, 16)]} for t in table.bands]})
    return render(request, "measures/settings.html", {"form": form, "tables": tables})



@admin_required
def versions_view(request):
    """The organisation's validated questionnaire translations: the list, and a file to check or install."""
    actor = request.actor
    posted = request.method == "POST"
    form = VersionForm(request.POST if posted else None, request.FILES if posted else None)
    checked = None
    if posted and form.is_valid():
        name = str(getattr(form.cleaned_data["file"], "name", "") or "file")[:200]
        text = form.text()
        if text is not None:
            try:
                if "check" in request.POST:
                    checked = version_actions.check_file(text, name)
                else:
                    row = version_actions.install(actor, text, name, replace=form.cleaned_data["replace"])
                    messages.success(request, _("Installed: %(name)s in %(language)s. Clients of your organisation "
                                                "whose language is %(language)s now see it.")
                                     % {"name": instruments.name(row.instrument_code), "language": row.language})
                    return redirect("measures:versions")
            except ActionError as exc:
                form.add_error("file", _("Nothing was installed.") + "\n" + exc.message)
    rows = [{"row": r, "name": instruments.name(r.instrument_code)} for r in installed(actor.organisation_id)]
    return render(request, "measures/versions.html", {"form": form, "rows": rows, "checked": checked,
                                                      "checked_name": instruments.name(checked.instrument)
                                                      if checked else ""})


@admin_required
@require_POST
def version_remove_view(request, translation_id):
    actor = request.actor
    row = InstrumentVersion.objects.filter(pk=translation_id, organisation_id=actor.organisation_id).first()
    if row is None:
        raise Http404
    try:
        version_actions.remove(actor, row.instrument_code, row.language)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed. Clients of that language see the English wording, with a note."))
    return redirect("measures:versions")
