from django.urls import path

from openipt.clients import import_views, record_views, views

app_name = "clients"

urlpatterns = [
    path("", views.caseload_view, name="caseload"),
    path("new/", views.new_client_view, name="new"),
    path("import/", import_views.import_view, name="import"),
    path("import/confirm/", import_views.import_confirm_view, name="import_confirm"),
    path("import/template.csv", import_views.import_template_view, name="import_template"),
    path("retention/", record_views.retention_view, name="retention"),
    path("<int:client_id>/", views.client_detail_view, name="detail"),
    path("<int:client_id>/record/", record_views.record_view, name="record"),
    path("<int:client_id>/record/export/", record_views.record_export_view, name="record_export"),
    path("<int:client_id>/record/erase/", record_views.record_erase_view, name="record_erase"),
    path("<int:client_id>/edit/", views.edit_client_view, name="edit"),
    path("<int:client_id>/status/", views.client_status_view, name="status"),
    path("<int:client_id>/staff/", views.client_assign_view, name="assign"),
    path("<int:client_id>/invite/", views.client_invite_view, name="invite"),
]
