from django.urls import path

from openipt.offline import views

app_name = "offline"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("devices/", views.enrol_view, name="enrol"),
    path("devices/stale/", views.stale_view, name="stale"),
    path("devices/<str:device>/revoke/", views.revoke_view, name="revoke"),
    path("conflicts/", views.conflicts_view, name="conflicts"),
    path("conflicts/<int:conflict_id>/", views.resolve_view, name="resolve"),
    path("app/", views.app_view, name="app"),
    path("snapshot/", views.snapshot_view, name="snapshot"),
    path("sync/", views.sync_view, name="sync"),
]
