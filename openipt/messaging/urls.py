from django.urls import path

from openipt.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("clients/<int:client_id>/", views.thread_view, name="thread"),
    path("mine/", views.mine_view, name="mine"),
    path("settings/", views.settings_view, name="settings"),
]
