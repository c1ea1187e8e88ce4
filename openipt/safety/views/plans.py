"""Safety plans (built by the client and their therapist, versioned, printable) and the client's help page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import client_required, staff_required
from openipt.core.errors import ActionError, ConflictError
from openipt.core.forms import apply_action_error, set_data
from openipt.safety import access, actions, plan_review
from openipt.safety.forms import PLAN_LABELS, PlanForm, PlanReviewForm
from openipt.safety.models import PLAN_SECTIONS
from openipt.safety.present import quick_exit_url
from openipt.safety.queries.alerts import open_alert_ids

HIDDEN_KEY = "safety_crisis_hidden"


def _sections(version) -> list[dict]:
    return [
        {"name": name, "label": PLAN_LABELS[name][0], "help": PLAN_LABELS[name][1],
         "text": getattr(version, name) if version is not None else ""}
        for name in PLAN_SECTIONS
    ]


def _plan_page(request, client, *, own: bool):
    actor = request.actor
    plan, current = access.plan_current(client)
    can_edit = access.can_edit_plan(actor, client)
    initial = {"version": plan.version if plan else 0, **(current.sections() if current else {})}
    form = PlanForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in PLAN_SECTIONS}
            try:
                saved = actions.save_plan(actor, client.pk, data, expected_version=form.cleaned_data["version"])
            except ConflictError as exc:
                conflict = exc.current
                form.add_error(None, exc.message)
                set_data(form, "version", conflict.number if conflict else 0)
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                if saved is None:
                    messages.info(request, _("Nothing was written yet, so nothing was saved."))
                else:
                    messages.success(request, _("Safety plan saved (version %(n)d). You can come back and add more at any time.") % {"n": saved.number})
                return redirect(reverse("safety:my_plan") if own else reverse("safety:plan", args=[client.pk]))
    else:
        actions.record_plan_view(actor, client)
    review = plan_review.plan_review_state(client)
    discussed = review["means_discussed"] if review else []
    review_form = None
    if can_edit and not own:
        review_form = PlanReviewForm(initial={
            "review_on": (review or {}).get("review_on") or plan_review.default_review_on(), "means": discussed})
    return render(request, "safety/plan.html", {
        "client": client, "plan": plan, "current": current, "form": form, "can_edit": can_edit, "own": own,
        "review": review, "review_form": review_form, "means_rows": plan_review.means_rows(discussed, for_client=own),
        "conflict_sections": _sections(conflict) if conflict else None,
        "sections": _sections(current),
        "versions": access.plan_versions(plan) if not own else [],
        "print_url": reverse("safety:my_plan_print") if own else reverse("safety:plan_print", args=[client.pk]),
    })


def _print_page(request, client, *, own: bool):
    plan, current = access.plan_current(client)
    version = current
    if not own and request.GET.get("version"):
        version = access.plan_version(plan, request.GET.get("version"))
        if version is None:
            raise Http404
    actions.record_plan_view(request.actor, client)
    contacts = access.crisis_contacts_for(client.organisation_id, client.preferred_language)
    return render(request, "safety/plan_print.html", {
        "client": client, "version": version, "sections": _sections(version), "contacts": contacts, "own": own,
        "back_url": reverse("safety:my_plan") if own else reverse("safety:plan", args=[client.pk]),
    })


@staff_required
def plan_view(request, client_id):
    """A client's safety plan for staff: the assigned care staff edit it with the client; others read it."""
    client = access.client_for_plan(request.actor, client_id)
    if client is None:
        raise Http404
    return _plan_page(request, client, own=False)


@staff_required
@require_POST
def plan_review_view(request, client_id):
    """Set the plan's review date and record the means-restriction prompts gone through (care staff)."""
    client = access.client_for_plan(request.actor, client_id)
    if client is None:
        raise Http404
    if not access.can_edit_plan(request.actor, client):
        raise PermissionDenied
    form = PlanReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            plan_review.save_plan_review(request.actor, client.pk, review_on=form.cleaned_data["review_on"],
                                         means=form.cleaned_data["means"])
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Review date saved."))
    return redirect(reverse("safety:plan", args=[client.pk]) + "#plan-review")


@staff_required
def plan_print_view(request, client_id):
    """A client's safety plan ready to print (any version with ?version=N)."""
    client = access.client_for_plan(request.actor, client_id)
    if client is None:
        raise Http404
    return _print_page(request, client, own=False)


def _own_client_or_404(request):
    client = access.own_client(request.actor)
    if client is None:
        raise Http404
    return client


@client_required
def my_plan_view(request):
    """The client's own safety plan, which they can fill in and change at any time."""
    return _plan_page(request, _own_client_or_404(request), own=True)


@client_required
def my_plan_print_view(request):
    """The client's own safety plan, ready to print."""
    return _print_page(request, _own_client_or_404(request), own=True)


@client_required
def help_view(request):
    """Help now: the crisis contacts for the client's language and their safety plan, one tap from every page."""
    client = _own_client_or_404(request)
    _plan, current = access.plan_current(client)
    contacts = access.crisis_contacts_for(client.organisation_id, client.preferred_language)
    return render(request, "safety/help.html", {"client": client, "contacts": contacts, "current": current,
                                                "sections": _sections(current) if current else []})


@client_required
def support_view(request):
    """A calm support page that names no abuse, with a quick way out, for someone whose screen may be seen."""
    client = _own_client_or_404(request)
    contacts = access.crisis_contacts_for(client.organisation_id, client.preferred_language)
    return render(request, "safety/support.html", {"contacts": contacts, "quick_exit": quick_exit_url()})


@client_required
@require_POST
def hide_crisis_view(request):
    """Fold away the crisis box for the alerts open now; the "Get help now" link stays on every page."""
    client = _own_client_or_404(request)
    open_ids = open_alert_ids(client)
    hidden = set(request.session.get(HIDDEN_KEY, []))
    request.session[HIDDEN_KEY] = sorted(hidden | set(open_ids))
    target = request.POST.get("next") or ""
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                                         require_https=request.is_secure()):
        target = reverse("practice:portal")  # only a path on this site: a bare word would be read as a view name
    return redirect(target)
