"""Snapshots of the inventory (start of treatment, end, or any time) and comparing two side by side."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from openipt.accounts.decorators import staff_required
from openipt.assessment import access, actions, present
from openipt.assessment.choices import Ring
from openipt.assessment.forms import SnapshotForm
from openipt.assessment.merge import PERSON_FIELDS
from openipt.assessment.views.common import client_or_404
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error

NOW = "now"


@staff_required
def snapshots_view(request, client_id):
    """The snapshots kept for a client, taking a new one, and choosing two to compare."""
    actor = request.actor
    client = client_or_404(actor, client_id)
    can_change = access.can_change_assessment(actor, client)
    form = SnapshotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_change:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            try:
                snap = actions.take_snapshot(actor, client.pk, kind=form.cleaned_data["kind"], label=form.cleaned_data["label"])
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                messages.success(request, _("Snapshot kept: %(n)d people.") % {"n": snap.people_count})
                return redirect("assessment:snapshots", client_id=client.pk)
    snaps = access.snapshots(client)
    actions.record_view(actor, actions.SNAPSHOTS_VIEWED, client, count=len(snaps))
    return render(request, "assessment/snapshots.html", {
        "client": client, "snapshots": snaps, "form": form, "can_change": can_change,
        "first": snaps[0].pk if snaps else None, "last": NOW})


def _side(client, choice):
    """Return (title, when, people as dicts) for a snapshot id or "now"."""
    if choice == NOW:
        people = [{"id": p.pk, **actions.person_data(p)} for p in access.client_people(client)]
        return _("Now"), timezone.now(), people
    snap = access.get_snapshot(client, choice)
    if snap is None:
        return None
    return (snap.label or snap.get_kind_display()), snap.taken_at, list(snap.data)


@staff_required
def compare_view(request, client_id):
    """Two versions of the inventory side by side: the circles, and who moved, arrived, left or changed."""
    actor = request.actor
    client = client_or_404(actor, client_id)
    a = _side(client, request.GET.get("a", ""))
    b = _side(client, request.GET.get("b", NOW))
    if a is None or b is None:
        messages.error(request, _("Choose two snapshots to compare."))
        return redirect("assessment:snapshots", client_id=client.pk)
    left = {p["id"]: p for p in a[2]}
    right = {p["id"]: p for p in b[2]}
    ring_words = dict(Ring.choices)
    rows = []
    for pk in list(left) + [k for k in right if k not in left]:
        before, after = left.get(pk), right.get(pk)
        if before and after:
            changes = present.changes({f: before.get(f, "") for f in PERSON_FIELDS}, after)
            status = "moved" if before["ring"] != after["ring"] else ("changed" if changes else "same")
        else:
            changes = []
            status = "left" if before else "arrived"
        shown = after or before
        if shown is None:  # every id comes from one side or the other
            continue
        rows.append({"name": shown["name"], "relationship": shown.get("relationship", ""),
                     "before": ring_words.get(before["ring"], "") if before else "", "status": status,
                     "after": ring_words.get(after["ring"], "") if after else "", "changes": changes})
    actions.record_view(actor, actions.SNAPSHOTS_VIEWED, client, compared=[request.GET.get("a"), request.GET.get("b", NOW)])
    return render(request, "assessment/compare.html", {
        "client": client, "a": a, "b": b, "rows": rows,
        "chart_a": present.circle(a[2], client, id_prefix="circle-a", title=_("Closeness circle: %(when)s") % {"when": a[0]}),
        "chart_b": present.circle(b[2], client, id_prefix="circle-b", title=_("Closeness circle: %(when)s") % {"when": b[0]}),
    })
