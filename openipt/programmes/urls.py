from django.urls import path

from openipt.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("report/", views.report_view, name="report"),
    path("settings/", views.settings_view, name="settings"),
]
