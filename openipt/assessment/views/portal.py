"""The client's own pages in the portal: the people in their life, and the formulation shared with them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import client_required
from openipt.assessment import access, actions, formulation_actions, present
from openipt.assessment.choices import AREA_NAMES
from openipt.assessment.forms import PersonForm
from openipt.assessment.queries import inventory_rows
from openipt.assessment.views.inventory import save_person_post
from openipt.core import submissions
from openipt.core.errors import ActionError, ErrorCode
from openipt.core.forms import apply_action_error
from openipt.protocol import default_protocol


def _own_client(request):
    client = access.own_client(request.actor)
    if client is None:
        raise Http404
    return client


@client_required
def inventory_view(request):
    """The client's list of important people, closest first, with a link to change each one."""
    client = _own_client(request)
    people = access.client_people(client)
    rows = inventory_rows(request.actor, client, people, for_client=True)
    actions.record_view(request.actor, actions.PORTAL_VIEWED, client, page="inventory")
    rings = [{"ring": ring, "label": label, "rows": [r for r in rows if r["person"].ring == ring]}
             for ring, label, _p in present.by_ring(people)]
    return render(request, "assessment/portal_inventory.html", {
        "client": client, "rings": rings, "count": len(people),
        "chart": present.circle(people, client, title=_("The people in your life"))})


@client_required
def add_view(request):
    client = _own_client(request)
    if request.method == "POST":
        earlier = submissions.previous_result(request)
        if earlier:
            return redirect(earlier)
    form = PersonForm(request.POST if request.method == "POST" else None, for_client=True, initial={"ring": "middle"})
    if request.method == "POST" and form.is_valid():
        def add():
            made = actions.add_person(request.actor, client.pk, form.values())
            return made, reverse("assessment:portal_inventory")

        try:
            person, earlier = submissions.run_once(request, add)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or person is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("%(name)s is on your list. Your therapist will see it.") % {"name": person.name})
            return redirect("assessment:portal_inventory")
    return render(request, "assessment/person_form.html", {
        "client": client, "form": form, "person": None, "portal": True,
        "draft_key": f"openipt-my-person-new-{client.pk}", "back": reverse("assessment:portal_inventory")})


@client_required
def edit_view(request, entry_id):
    client = _own_client(request)
    person = access.get_person(request.actor, entry_id)
    if person is None or person.client_id != client.pk:
        raise Http404
    form = PersonForm(request.POST if request.method == "POST" else None, for_client=True, initial={**actions.person_data(person), "version": person.version})
    back = reverse("assessment:portal_inventory")
    context = {"client": client, "form": form, "person": person, "portal": True,
               "draft_key": f"openipt-my-person-{person.pk}", "back": back}
    if request.method == "POST" and form.is_valid():
        return save_person_post(request, person, form, back, template="assessment/person_form.html", context=context)
    return render(request, "assessment/person_form.html", context)


def _area_words(version):
    try:
        area = default_protocol().area(version.area)
    except KeyError:
        return AREA_NAMES.get(version.area, ""), ""
    return area.group_name or area.name, area.summary


@client_required
def formulation_view(request):
    """The formulation shared with the client, with a button to say they agree."""
    client = _own_client(request)
    versions = access.shared_formulations(request.actor)
    items = [{"v": v, "area": _area_words(v)[0]} for v in versions]
    actions.record_view(request.actor, actions.PORTAL_VIEWED, client, page="formulation",
                        versions=[v.pk for v in versions])
    return render(request, "assessment/portal_formulation.html", {"client": client, "items": items})


@client_required
@require_POST
def agree_view(request, version_id):
    client = _own_client(request)
    try:
        formulation_actions.client_agrees(request.actor, version_id)
    except ActionError as exc:
        if exc.code == ErrorCode.FORBIDDEN:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you. Your therapist can see that you agree. You can still talk about "
                                    "changes at any session."))
    del client
    return redirect("assessment:portal_formulation")


@client_required
def print_view(request, version_id):
    client = _own_client(request)
    version = access.get_shared_version(request.actor, version_id)
    if version is None:
        raise Http404
    actions.record_view(request.actor, actions.PORTAL_VIEWED, client, page="print", version=version.pk)
    return render(request, "assessment/print.html", {"version": version, "client": client,
                                                     "area_name": _area_words(version)[0], "staff": False})
