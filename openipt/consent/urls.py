from django.urls import path

from openipt.consent import views

app_name = "consent"

urlpatterns = [
    path("mine/", views.mine_view, name="mine"),
    path("mine/stop/", views.withdraw_view, name="withdraw"),
    path("clients/<int:client_id>/", views.client_view, name="client"),
    path("clients/<int:client_id>/paper/", views.paper_view, name="paper"),
    path("clients/<int:client_id>/withdrawal/", views.tell_withdrawal_view, name="tell_withdrawal"),
    path("versions/<int:document_id>/", views.document_view, name="document"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/new-version/", views.publish_view, name="publish"),
]
