"""Admin pages: the organisation's risk rules, escalation timing and crisis contacts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openipt.accounts.decorators import admin_required
from openipt.core.errors import ActionError
from openipt.core.forms import apply_action_error, save_versioned
from openipt.core.languages import LANGUAGE_NAMES
from openipt.safety import present, settings_actions
from openipt.safety.catalogue import instrument_catalogue
from openipt.safety.forms import (
    OPERATOR_WORDS,
    ContactForm,
    RuleForm,
    SafeguardingLeadForm,
    SwitchForm,
    TimingForm,
)
from openipt.safety.present import TARGET_WORDS, duration_words
from openipt.safety.queries import settings as settings_queries
from openipt.safety.rules import load_shipped
from openipt.safety.ruleset import rule_rows


def _instrument_codes() -> list[str]:
    try:
        return sorted(instrument_catalogue().codes())
    except Exception:  # noqa: BLE001 - a list of suggestions only
        return []


def _rule_words(rule) -> str:
    kind = rule.kind
    if kind == "instrument_item":
        return _("%(item)s: an answer %(op)s %(threshold)s") % {
            "item": present.item_name(rule.instrument, rule.item), "op": OPERATOR_WORDS[rule.operator],
            "threshold": rule.threshold}
    if kind == "free_text":
        return _("Words a client writes (the free-text detector, %(language)s)") % {
            "language": LANGUAGE_NAMES.get(rule.language, rule.language)}
    return _("The therapist's risk review in a session note")


def _policy_rows(organisation_id: int) -> list[dict]:
    timings = settings_queries.timings(organisation_id)
    rows = []
    for policy in load_shipped().policies.values():
        minutes = timings.get(policy.id) or [s.after_minutes for s in policy.steps[1:]]
        total, steps = 0, [{"who": TARGET_WORDS.get(policy.steps[0].notify, ""), "when": _("at once")}]
        for step, m in zip(policy.steps[1:], minutes, strict=False):
            total += m
            steps.append({"who": TARGET_WORDS.get(step.notify, step.notify),
                          "when": _("%(after)s after raising, if nobody has acknowledged it") % {"after": duration_words(total)}})
        rows.append({"policy": policy, "steps": steps, "changed": policy.id in timings})
    return rows


@admin_required
def settings_view(request):
    """Everything an admin sets for clinical safety, on one page."""
    actor = request.actor
    rows = [{"row": r, "words": _rule_words(r.rule)} for r in rule_rows(actor.organisation_id)]
    contacts = settings_queries.contacts(actor)
    safety = settings_queries.safety_settings(actor.organisation_id, with_lead=True)
    return render(request, "safety/settings.html", {"rules": rows, "policies": _policy_rows(actor.organisation_id), "contacts": contacts,
                                                    "lead": safety.safeguarding_lead if safety else None,
                                                    "kinds": list(load_shipped().kinds.values())})


@admin_required
def safeguarding_lead_view(request):
    """Name the member of staff told at once about child safeguarding alerts."""
    actor = request.actor
    choices = list(settings_actions.safeguarding_lead_choices(actor.organisation_id))
    current = settings_queries.safety_settings(actor.organisation_id)
    form = SafeguardingLeadForm(choices, request.POST or None,
                                initial={"lead": current.safeguarding_lead_id if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            settings_actions.set_safeguarding_lead(actor, form.cleaned_data["lead"] or None)
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Safeguarding lead saved."))
            return redirect("safety:settings")
    return render(request, "safety/safeguarding_lead.html", {"form": form})


def _rule_data(form) -> dict:
    return {name: form.cleaned_data[name] for name in ("instrument", "item", "operator", "threshold", "severity", "policy", "reason")}


@admin_required
def rule_new_view(request):
    """Add a rule on a questionnaire item, including an item of a licensed instrument the site added."""
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = settings_actions.add_rule(request.actor, _rule_data(form))
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Rule added. It applies to questionnaires completed from now on (%(id)s).") % {"id": rule.rule_id})
            return redirect("safety:settings")
    return render(request, "safety/rule_form.html", {"form": form, "rule": None, "codes": _instrument_codes()})


@admin_required
def rule_edit_view(request, rule_pk):
    """Change one of the organisation's own rules."""
    rule = settings_queries.own_rule(request.actor.organisation_id, rule_pk)
    if rule is None:
        raise Http404
    initial = {**rule.as_data(), "version": rule.version}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if save_versioned(form, lambda: settings_actions.change_rule(
                request.actor, rule.pk, _rule_data(form), expected_version=form.cleaned_data["version"] or 0)):
            messages.success(request, _("Rule saved."))
            return redirect("safety:settings")
    return render(request, "safety/rule_form.html", {"form": form, "rule": rule, "codes": _instrument_codes()})


@admin_required
def rule_switch_view(request, rule_key):
    """Switch a rule off (with the reason, which is kept) or back on."""
    rows = {r.rule.id: r for r in rule_rows(request.actor.organisation_id)}
    row = rows.get(rule_key)
    if row is None:
        raise Http404
    form = SwitchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            settings_actions.switch_rule(request.actor, rule_key, off=not row.is_off, reason=form.cleaned_data["reason"])
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Rule switched on again.") if row.is_off else _("Rule switched off. The reason is kept."))
            return redirect("safety:settings")
    return render(request, "safety/rule_switch.html", {"row": row, "form": form, "words": _rule_words(row.rule)})


@admin_required
def timing_view(request):
    """Tune how long each escalation step waits for someone to acknowledge."""
    actor = request.actor
    timings = settings_queries.timings(actor.organisation_id)
    forms = []
    for policy in load_shipped().policies.values():
        current = timings.get(policy.id) or [s.after_minutes for s in policy.steps[1:]]
        bound = request.method == "POST" and request.POST.get("policy") == policy.id
        forms.append(TimingForm(policy, current, request.POST if bound else None))
    if request.method == "POST":
        form = next((f for f in forms if f.is_bound), None)
        if form is None:
            messages.error(request, _("Choose one of the listed policies."))
        elif form.is_valid():
            try:
                settings_actions.set_timing(actor, form.policy.id, form.minutes())
            except ActionError as exc:
                apply_action_error(form, exc)
            else:
                messages.success(request, _("Timing saved. New alerts follow it; alerts already raised keep the timing they had."))
                return redirect("safety:settings")
    return render(request, "safety/timing.html", {"forms": forms})


def _contact_data(form) -> dict:
    return {name: form.cleaned_data[name] for name in settings_actions.CONTACT_FIELDS}


@admin_required
def contact_new_view(request):
    """Add a crisis contact for clients of one language."""
    form = ContactForm(request.POST or None, initial={"language": request.actor.organisation.default_language, "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            settings_actions.add_contact(request.actor, _contact_data(form))
        except ActionError as exc:
            apply_action_error(form, exc)
        else:
            messages.success(request, _("Crisis contact added."))
            return redirect("safety:settings")
    return render(request, "safety/contact_form.html", {"form": form, "contact": None})


@admin_required
def contact_edit_view(request, contact_id):
    """Change a crisis contact, or stop showing it to clients."""
    contact = settings_queries.contact(request.actor, contact_id)
    if contact is None:
        raise Http404
    initial = {name: getattr(contact, name) for name in settings_actions.CONTACT_FIELDS}
    form = ContactForm(request.POST or None, initial={**initial, "version": contact.version})
    if request.method == "POST" and form.is_valid():
        if save_versioned(form, lambda: settings_actions.change_contact(
                request.actor, contact.pk, _contact_data(form), expected_version=form.cleaned_data["version"] or 0)):
            messages.success(request, _("Crisis contact saved."))
            return redirect("safety:settings")
    return render(request, "safety/contact_form.html", {"form": form, "contact": contact})
