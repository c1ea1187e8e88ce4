"""Competency pages: the trainees overseen, one trainee's levels over time, assessing, the blind second rating,
one assessment, acting on a harmful-item flag or on a sign-off the rule withdrew, and a trainee's own page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.core import submissions
from openipt.core.errors import ActionError
from openipt.supervision import access, api, competency_actions, competency_present
from openipt.supervision.actions import shortfall_sentences
from openipt.supervision.competency import agreement as agree
from openipt.supervision.competency_tools import rule_row, tool, tools
from openipt.supervision.forms import AssessForm, FlagActionForm, FollowUpForm, LevelsForm
from openipt.supervision.queries import competency as queries


def _overseer_or_403(request: HttpRequest) -> None:
    if not access.is_overseer(request.actor):  # type: ignore[attr-defined]
        raise PermissionDenied


def _member_or_404(request: HttpRequest, membership_id: int):
    member = access.get_member(request.actor, membership_id)  # type: ignore[attr-defined]
    if member is None:
        raise Http404
    return member


def _form_error(form, exc: ActionError) -> None:
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)


def _save_once(request: HttpRequest, form, save: Callable[[], str], done: str) -> HttpResponse | None:
    """Run `save` (an action, returning the page that shows what it made) once per submission, and go there; a repeat
    goes where the first went; a refusal is put beside the form and None is returned (the form is shown again)."""
    def work() -> tuple[str, str]:
        address = save()
        return address, address

    try:
        url, earlier = submissions.run_once(request, work)
    except ActionError as exc:
        _form_error(form, exc)
        return None
    if earlier or url is None:
        return redirect(earlier or request.path)
    messages.success(request, done)
    return redirect(url)


def _say_if_withdrawn(request: HttpRequest, assessment_id: int) -> None:
    if queries.withdrawn_by(assessment_id) is not None:
        messages.warning(request, _("This assessment falls below the programme's rule, so their sign-off to lead a "
                                    "group alone is withdrawn. Record what was done on their competency page."))


@staff_required
def competency_view(request: HttpRequest) -> HttpResponse:
    """Everyone the actor oversees with their latest assessment, open harmful-item flags, and second ratings due."""
    _overseer_or_403(request)
    actor = request.actor  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/competency.html",
        {
            "rows": queries.trainees(actor),
            "flags": queries.open_flags(actor),
            "waiting": queries.waiting_second(actor),
            "withdrawals": queries.rule_withdrawals(actor),
            "tool": tool(rule_row(actor.organisation_id).tool_id),
        },
    )


@staff_required
def trainee_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    """One trainee: whether the programme's rule is met (and what is missing), each item's level over time, every
    observation with its second rating and agreement, and harmful-item flags."""
    _overseer_or_403(request)
    actor = request.actor  # type: ignore[attr-defined]
    member = _member_or_404(request, membership_id)
    ready = queries.readiness(actor.organisation_id, member.pk, hide_for=actor)
    observations = queries.observations(actor, member)
    return render(
        request,
        "supervision/competency_trainee.html",
        {
            "member": member,
            "ready": ready,
            "missing": shortfall_sentences(ready),
            "observations": observations,
            "chart": competency_present.item_rows(
                ready.tool, [o for o in observations if o.first.tool_id == ready.tool.id]
            ),
            "flags": queries.trainee_flags(actor, member),
            "flag_form": FlagActionForm(),
            "withdrawals": queries.rule_withdrawals(actor, member.pk),
            "can_assess": access.can_assess(actor, member.pk),
            "min_items": agree.MIN_ITEMS_FOR_KAPPA,
        },
    )


@staff_required
def assess_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Rate a trainee on the programme's competency tool: a level per item, how and when they were observed."""
    _overseer_or_403(request)
    actor = request.actor  # type: ignore[attr-defined]
    member = _member_or_404(request, membership_id)
    if not access.can_assess(actor, member.pk):
        raise PermissionDenied
    the_tool = tool(rule_row(actor.organisation_id).tool_id)
    form = AssessForm(
        request.POST or None,
        tool=the_tool,
        raters=queries.second_rater_choices(actor, member),
        initial={"observed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def save() -> str:
            made = competency_actions.assess(
                actor,
                member.pk,
                levels=form.levels(),
                source=d["source"],
                observed_on=d["observed_on"],
                notes=d["notes"],
                second_rater=d.get("second_rater"),
            )
            _say_if_withdrawn(request, made.pk)
            return reverse("supervision:competency_assessment", args=[made.pk])

        done = _save_once(request, form, save, _("Assessment saved."))
        if done is not None:
            return done
    return render(
        request,
        "supervision/competency_assess.html",
        {"member": member, "tool": the_tool, "form": form, "second": None},
    )


@staff_required
def second_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The named second rater rates the same observation without seeing the first rater's levels."""
    _overseer_or_403(request)
    actor = request.actor  # type: ignore[attr-defined]
    first = access.blind_assessment(actor, assessment_id)
    if first is None:
        seen = access.get_assessment(actor, assessment_id)
        if seen is None:
            raise Http404
        return redirect("supervision:competency_assessment", assessment_id=seen.pk)
    the_tool = tools().get(first.tool_id) or tool(first.tool_id)
    form = LevelsForm(request.POST or None, tool=the_tool)
    if request.method == "POST" and form.is_valid():

        def save() -> str:
            competency_actions.rate_second(actor, first.pk, levels=form.levels(), notes=form.cleaned_data["notes"])
            _say_if_withdrawn(request, first.pk)
            return reverse("supervision:competency_assessment", args=[first.pk])

        done = _save_once(
            request, form, save, _("Your rating is saved. Both ratings and how far they agree are shown below.")
        )
        if done is not None:
            return done
    return render(
        request,
        "supervision/competency_assess.html",
        {"member": first.trainee, "tool": the_tool, "form": form, "second": first},
    )


@staff_required
def assessment_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """One observation: the first rater's levels and notes, the second rating and agreement when both are saved."""
    _overseer_or_403(request)
    actor = request.actor  # type: ignore[attr-defined]
    found = access.get_assessment(actor, assessment_id)
    if found is None:
        if access.blind_assessment(actor, assessment_id) is not None:
            return redirect("supervision:competency_second", assessment_id=int(assessment_id))
        raise Http404
    first = found.first if found.first is not None else found
    observation = next(
        (o for o in queries.observations(actor, first.trainee) if o.first.pk == first.pk), None
    )
    if observation is None:
        raise Http404
    the_tool = tools().get(first.tool_id) or tool(first.tool_id)
    second = observation.second
    rows = [
        {
            "title": item["title"],
            "section": item.get("section", ""),
            "first": first.levels.get(item["id"]),
            "second": second.levels.get(item["id"]) if second else None,
        }
        for item in first.items
    ]
    return render(
        request,
        "supervision/competency_assessment.html",
        {
            "first": first,
            "second": second,
            "observation": observation,
            "rows": rows,
            "tool": the_tool,
            "level_names": the_tool.levels,
            "min_items": agree.MIN_ITEMS_FOR_KAPPA,
        },
    )


def _record_note(request: HttpRequest, form, act: Callable[[str], object], *, missing: str, done: str) -> None:
    """Send the one note a form holds to an action that records what was done; say how it went."""
    if not form.is_valid():
        messages.error(request, missing)
        return
    try:
        act(next(iter(form.cleaned_data.values())))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


@staff_required
@require_POST
def flag_view(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Record what was done about a harmful-item flag."""
    _overseer_or_403(request)
    actor = request.actor  # type: ignore[attr-defined]
    flag = queries.flag_for(actor, flag_id)
    if flag is None:
        raise Http404
    _record_note(
        request,
        FlagActionForm(request.POST),
        lambda text: competency_actions.act_on_flag(actor, flag.pk, action=text),
        missing=_("Say what was done, for example the conversation you had and the plan agreed."),
        done=_("Recorded. The flag stays in the trainee's history."),
    )
    return redirect("supervision:competency_trainee", membership_id=flag.trainee_id)


@staff_required
@require_POST
def follow_up_view(request: HttpRequest, signoff_id: int) -> HttpResponse:
    """Record what was done after the programme's rule withdrew a sign-off to lead a group alone."""
    _overseer_or_403(request)
    actor = request.actor  # type: ignore[attr-defined]
    found = queries.withdrawal_for(actor, signoff_id)
    if found is None:
        raise Http404
    _record_note(
        request,
        FollowUpForm(request.POST),
        lambda text: competency_actions.follow_up_withdrawal(actor, found.pk, text=text),
        missing=_("Say what was done, for example who leads their groups with them now and when they will be "
                  "observed again."),
        done=_("Recorded. It stays in the sign-off's history."),
    )
    return redirect("supervision:competency_trainee", membership_id=found.membership_id)


@staff_required
def own_view(request: HttpRequest) -> HttpResponse:
    """A person's own competency assessments once complete: each item's level over time and what it means, the
    programme's rule and what is still needed, and their sign-off to lead a group alone."""
    actor = request.actor  # type: ignore[attr-defined]
    if not access.can_see_own_competency(actor):
        raise PermissionDenied
    ready = queries.readiness(actor.organisation_id, actor.membership.pk, complete_only=True)
    observations = queries.own_observations(actor)
    signoffs = queries.own_signoffs(actor)
    return render(
        request,
        "supervision/competency_mine.html",
        {
            "ready": ready,
            "still_needed": competency_present.trainee_sentences(ready),
            "observations": observations,
            "chart": competency_present.item_rows(
                ready.tool, [o for o in observations if o.first.tool_id == ready.tool.id]
            ),
            "live": next((s for s in signoffs if s.is_live), None),
            "last_withdrawn": next((s for s in signoffs if not s.is_live), None),
            "tool": ready.tool,
            # groups they lead alone since the withdrawal, waiting for their supervisor (HAZ-041)
            "held_groups": api.held_groups(actor, [actor.membership.pk]).get(actor.membership.pk, []),
        },
    )
