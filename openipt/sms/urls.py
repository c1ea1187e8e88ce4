from django.urls import path

from openipt.sms import views

app_name = "sms"

urlpatterns = [
    path("", views.outbox_view, name="outbox"),
    path("settings/", views.settings_view, name="settings"),
    path("clients/<int:client_id>/", views.consent_view, name="consent"),
    path("clients/<int:client_id>/end/", views.end_view, name="end"),
    path("clients/<int:client_id>/card/", views.card_view, name="card"),
    path("replies/<int:reply_id>/handled/", views.handled_view, name="handled"),
    path("in/<str:token>/", views.inbound_view, name="inbound"),
    path("delivery/<str:token>/", views.delivery_view, name="delivery"),
]
