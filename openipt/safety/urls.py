from django.urls import path

from openipt.safety.views import alerts, plans, settings

app_name = "safety"

urlpatterns = [
    path("alerts/", alerts.alert_list_view, name="alerts"),
    path("alerts/<int:alert_id>/", alerts.alert_detail_view, name="alert"),
    path("alerts/<int:alert_id>/acknowledge/", alerts.acknowledge_view, name="acknowledge"),
    path("alerts/<int:alert_id>/resolve/", alerts.resolve_view, name="resolve"),
    path("clients/<int:client_id>/automation/", alerts.reopen_automation_view, name="reopen_automation"),
    path("clients/<int:client_id>/plan/", plans.plan_view, name="plan"),
    path("clients/<int:client_id>/plan/review/", plans.plan_review_view, name="plan_review"),
    path("clients/<int:client_id>/plan/print/", plans.plan_print_view, name="plan_print"),
    path("me/help/", plans.help_view, name="help"),
    path("me/help/hide/", plans.hide_crisis_view, name="hide_crisis"),
    path("me/support/", plans.support_view, name="support"),
    path("me/plan/", plans.my_plan_view, name="my_plan"),
    path("me/plan/print/", plans.my_plan_print_view, name="my_plan_print"),
    path("settings/", settings.settings_view, name="settings"),
    path("settings/rules/new/", settings.rule_new_view, name="rule_new"),
    path("settings/rules/<int:rule_pk>/", settings.rule_edit_view, name="rule_edit"),
    path("settings/rules/<slug:rule_key>/switch/", settings.rule_switch_view, name="rule_switch"),
    path("settings/timing/", settings.timing_view, name="timing"),
    path("settings/safeguarding-lead/", settings.safeguarding_lead_view, name="safeguarding_lead"),
    path("settings/contacts/new/", settings.contact_new_view, name="contact_new"),
    path("settings/contacts/<int:contact_id>/", settings.contact_edit_view, name="contact_edit"),
]
