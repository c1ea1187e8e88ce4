from django.urls import path

from openipt.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.caseload_view, name="caseload"),
    path("new/", views.new_client_view, name="new"),
    path("<int:client_id>/", views.client_detail_view, name="detail"),
    path("<int:client_id>/edit/", views.edit_client_view, name="edit"),
    path("<int:client_id>/status/", views.client_status_view, name="status"),
    path("<int:client_id>/staff/", views.client_assign_view, name="assign"),
    path("<int:client_id>/invite/", views.client_invite_view, name="invite"),
]
