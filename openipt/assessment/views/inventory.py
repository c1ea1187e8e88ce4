"""The interpersonal inventory for staff: the closeness circle and list, adding and editing people,
moving them between rings, what the client changed, and each entry's history."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openipt.accounts.decorators import staff_required
from openipt.assessment import access, actions, present, queries
from openipt.assessment.choices import RING_SHORT
from openipt.assessment.forms import PersonForm
from openipt.assessment.views.common import changeable_client, changeable_person, client_or_404, person_or_404
from openipt.core import submissions
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error, set_data


def _rings(rows):
    out = []
    for ring, label, _people in present.by_ring([r["person"] for r in rows]):
        out.append({"ring": ring, "label": label, "rows": [r for r in rows if r["person"].ring == ring]})
    return out


@staff_required
def inventory_view(request, client_id):
    """The inventory: the closeness circle with the same content as a list, and what the client changed."""
    actor = request.actor
    client = client_or_404(actor, client_id)
    people = access.client_people(client)
    rows = queries.inventory_rows(actor, client, people)
    actions.record_view(actor, actions.INVENTORY_VIEWED, client, people=len(people))
    return render(request, "assessment/inventory.html", {
        "client": client, "rows": rows, "rings": _rings(rows),
        "chart": present.circle(people, client, lost={r["person"].pk for r in rows if r["kind"] == "loss"}),
        "can_change": access.can_change_assessment(actor, client),
        "changed_count": sum(1 for r in rows if r["changed"]),
        "conflict_count": sum(len(r["conflicts"]) for r in rows),
    })


@staff_required
def add_person_view(request, client_id):
    """Add a person to the inventory."""
    actor = request.actor
    client = changeable_client(actor, client_id)
    if request.method == "POST":
        earlier = submissions.previous_result(request)
        if earlier:
            messages.info(request, _("That form was already sent; here is the person it added."))
            return redirect(earlier)
    form = PersonForm(request.POST if request.method == "POST" else None, initial={"ring": "middle"})
    if request.method == "POST" and form.is_valid():
        def add():
            made = actions.add_person(actor, client.pk, form.values())
            return made, reverse("assessment:inventory", args=[client.pk]) + f"#person-{made.pk}"

        try:
            person, earlier = submissions.run_once(request, add)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            if earlier or person is None:  # a repeat of a submission that already ran
                return redirect(earlier or request.path)
            messages.success(request, _("%(name)s added to the inventory.") % {"name": person.name})
            return redirect(reverse("assessment:inventory", args=[client.pk]) + f"#person-{person.pk}")
    return render(request, "assessment/person_form.html", {
        "client": client, "form": form, "person": None, "draft_key": f"openipt-person-new-{client.pk}",
        "back": reverse("assessment:inventory", args=[client.pk]), "portal": False})


def save_person_post(request, person, form, back_url, *, template, context):
    """Run a save from a person form and answer: redirect when saved, the form with both texts on a clash."""
    actor = request.actor
    try:
        result = actions.save_person(actor, person.pk, form.values(), expected_version=form.cleaned_data.get("version"))
    except ActionError as exc:
        apply_action_error(form, exc)
        return render(request, template, context)
    if result.conflict is not None:
        current = actions.person_data(result.person)
        set_data(form, "version", result.person.version)
        clash = [{"label": present.field_label(f, context.get("portal", False)), "saved": present.value_text(f, current[f]),
                  "yours": present.value_text(f, result.submitted[f]), "field": f} for f in result.conflict.conflicts]
        form.add_error(None, _("%(who)s changed this entry while you were editing, and some of the same answers differ. "
                               "Nothing is lost: your answers are kept below and on the server. Combine the two and "
                               "save again.") % {"who": result.other_author.capitalize()})
        context.update(clash=clash, clash_author=result.other_author, person=result.person)
        return render(request, template, context)
    if result.unchanged and not result.merged_from_other:
        messages.info(request, _("Nothing was changed."))
    elif result.merged_from_other:
        labels = ", ".join(present.field_label(f, context.get("portal", False)).lower() for f in result.merged_from_other)
        messages.success(request, _("Saved. %(who)s had also changed this entry (%(fields)s); both changes are kept.")
                         % {"who": result.other_author.capitalize(), "fields": labels})
    else:
        messages.success(request, _("Saved the changes to %(name)s.") % {"name": result.person.name})
    return redirect(back_url)


@staff_required
def edit_person_view(request, person_id):
    """Change an entry; a change made meanwhile by the client is merged, a clash shows both texts."""
    actor = request.actor
    person = changeable_person(actor, person_id)
    client = person.client
    initial = {**actions.person_data(person), "version": person.version}
    form = PersonForm(request.POST if request.method == "POST" else None, initial=initial)
    back = reverse("assessment:inventory", args=[client.pk]) + f"#person-{person.pk}"
    context = {"client": client, "form": form, "person": person, "draft_key": f"openipt-person-{person.pk}",
               "back": back, "portal": False}
    if request.method == "POST" and form.is_valid():
        return save_person_post(request, person, form, back, template="assessment/person_form.html", context=context)
    return render(request, "assessment/person_form.html", context)


@staff_required
@require_POST
def move_person_view(request, person_id):
    """Move a person one ring closer or further away (a button for keyboard and pointer), or to a named ring."""
    actor = request.actor
    person = changeable_person(actor, person_id)
    try:
        moved = actions.move_person(actor, person.pk, ring=request.POST.get("ring", ""),
                                    direction=request.POST.get("direction", ""))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is now in the %(ring)s.") % {"name": moved.name, "ring": RING_SHORT[moved.ring]})
    return redirect(reverse("assessment:inventory", args=[person.client_id]) + f"#person-{person.pk}")


@staff_required
@require_POST
def remove_person_view(request, person_id):
    actor = request.actor
    person = changeable_person(actor, person_id)
    try:
        actions.remove_person(actor, person.pk)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s was taken off the inventory. The entry stays in its history and in "
                                    "snapshots.") % {"name": person.name})
    return redirect("assessment:inventory", client_id=person.client_id)


@staff_required
@require_POST
def seen_view(request, client_id):
    """Acknowledge the client's changes: one entry (person=<id>) or all."""
    actor = request.actor
    client = changeable_client(actor, client_id)
    person_id = request.POST.get("person") or None
    try:
        actions.mark_changes_seen(actor, client.pk, person_id)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Marked as seen."))
    anchor = f"#person-{person_id}" if person_id and person_id.isdecimal() else ""
    return redirect(reverse("assessment:inventory", args=[client.pk]) + anchor)


@staff_required
def history_view(request, person_id):
    """Every version of an entry, who saved it, what changed, and changes kept aside after a clash."""
    actor = request.actor
    person = person_or_404(actor, person_id)
    if request.method == "POST":
        person = changeable_person(actor, person_id)
        try:
            actions.settle_conflict(actor, person.pk, request.POST.get("revision"))
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Marked as dealt with. The text stays in this history."))
        return redirect("assessment:person_history", person_id=person.pk)
    revisions = access.person_revisions(person)
    applied = {r.version: r for r in revisions if r.kind != "conflict"}
    entries = []
    for rev in revisions:
        before = applied.get(rev.version - 1) if rev.kind != "conflict" else applied.get(rev.version)
        entries.append({"rev": rev, "changes": present.changes(before.data if before else None, rev.data),
                        "author": actions.author_label(rev)})
    actions.record_view(actor, actions.INVENTORY_VIEWED, person.client, obj=person, history=True)
    return render(request, "assessment/person_history.html", {
        "client": person.client, "person": person, "entries": list(reversed(entries)),
        "can_change": access.can_change_assessment(actor, person.client)})
