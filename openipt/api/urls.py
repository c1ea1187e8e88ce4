from django.urls import path

from openipt.api import views

app_name = "api"

urlpatterns = [
    path("docs/", views.docs_view, name="docs"),
    path("clients/", views.clients_view, name="clients"),
    path("clients/<int:token_id>/<str:what>/", views.client_change_view, name="client_change"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<int:token_id>/<str:what>/", views.token_change_view, name="token_change"),
    path("webhooks/", views.webhooks_view, name="webhooks"),
    path("webhooks/<int:webhook_id>/", views.webhook_view, name="webhook"),
    path("webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/again/", views.webhook_resend_view,
         name="webhook_resend"),
    path("webhooks/<int:webhook_id>/<str:what>/", views.webhook_change_view, name="webhook_change"),
]
