"""The organisation's optional language-model practice partner (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openipt.accounts.decorators import admin_required
from openipt.core import sealed
from openipt.core.forms import save_versioned
from openipt.practice import access, actions
from openipt.practice.forms import PartnerSettingsForm


@admin_required
def partner_settings_view(request):
    """Connect an OpenAI-compatible chat endpoint, or keep the scripted partner (the default)."""
    actor = request.actor
    current = access.partner_settings(actor.organisation_id)
    initial: dict[str, object] = {"enabled": False, "timeout_seconds": 10, "version": 0}
    if current is not None:
        initial = {"enabled": current.enabled, "url": current.url, "model_name": current.model_name,
                   "timeout_seconds": current.timeout_seconds, "version": current.version}
    form = PartnerSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if save_versioned(form, lambda: actions.save_partner_settings(
                actor, enabled=d["enabled"], url=d["url"], model_name=d["model_name"], api_key=d["api_key"],
                clear_key=d["clear_key"], timeout_seconds=d["timeout_seconds"], expected_version=d["version"] or 0)):
            messages.success(request, _("Practice partner settings saved."))
            return redirect("practice:partner_settings")
    return render(request, "practice/partner_settings.html", {
        "form": form, "current": current, "key_set": bool(current and current.api_key),
        "key_unreadable": bool(current and current.api_key and not sealed.readable(current.api_key))})
