from django.urls import path

from openipt.api import views

app_name = "api"

urlpatterns = [
    path("docs/", views.docs_view, name="docs"),
    path("clients/", views.clients_view, name="clients"),
    path("clients/<int:token_id>/<str:what>/", views.client_change_view, name="client_change"),
    path("tokens/", views.tokens_view, name="tokens"),
    path("tokens/<int:token_id>/<str:what>/", views.token_change_view, name="token_change"),
]
