from django.urls import path

from openipt.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("report/", views.report_view, name="report"),
    path("rows/<str:step>/", views.rows_view, name="rows"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/competency/", views.competency_rule_view, name="competency_rule"),
    path("sites/", views.sites_view, name="sites"),
    path("sites/<int:site_id>/", views.site_view, name="site"),
]
