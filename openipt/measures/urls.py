from django.urls import path

from openipt.measures.views import answer, exports, report, staff

app_name = "measures"

urlpatterns = [
    path("due/", staff.due_view, name="due"),
    path("course/<int:course_id>/", staff.course_view, name="course"),
    path("course/<int:course_id>/schedule/", staff.schedule_view, name="schedule"),
    path("course/<int:course_id>/schedule/default/", staff.schedule_default_view, name="schedule_default"),
    path("course/<int:course_id>/schedule/<int:schedule_id>/remove/", staff.schedule_remove_view, name="schedule_remove"),
    path("course/<int:course_id>/enter/", staff.enter_view, name="enter"),
    path("course/<int:course_id>/links/new/", staff.link_create_view, name="link_create"),
    path("course/<int:course_id>/links/<int:link_id>/send/", staff.link_send_view, name="link_send"),
    path("course/<int:course_id>/links/<int:link_id>/stop/", staff.link_revoke_view, name="link_revoke"),
    path("course/<int:course_id>/report.pdf", report.report_view, name="report"),
    path("course/<int:course_id>/report-for-client.pdf", report.client_report_view, name="report_client"),
    path("answers/<uuid:administration>/", staff.administration_view, name="administration"),
    path("client/<int:client_id>/fhir/", exports.client_bundle_view, name="client_bundle"),
    path("export/", exports.export_view, name="export"),
    path("export/fhir/<str:resource_type>.ndjson", exports.export_ndjson_view, name="export_ndjson"),
    path("export/measures.csv", exports.export_csv_view, name="export_csv"),
    path("export/dictionary/", exports.export_dictionary_view, name="export_dictionary"),
    path("import/", exports.import_view, name="import"),
    path("settings/", staff.settings_view, name="settings"),
    path("translations/", staff.versions_view, name="versions"),
    path("translations/<int:translation_id>/remove/", staff.version_remove_view, name="version_remove"),
    path("me/<str:key>/", answer.fill_view, name="fill"),
    path("me/<str:key>/save/", answer.fill_save_view, name="fill_save"),
    path("me/answers/<uuid:answers>/", answer.result_view, name="result"),
    path("link/<str:link_token>/", answer.link_view, name="link"),
    path("link/<str:link_token>/<str:item>/", answer.link_fill_view, name="link_fill"),
    path("link/<str:link_token>/<str:item>/save/", answer.link_save_view, name="link_save"),
]
