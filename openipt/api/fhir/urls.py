from django.urls import path, re_path

from openipt.api.fhir import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata_view, name="metadata"),
    path("<str:resource_type>", views.search_view, name="search"),
    path("<str:resource_type>/<str:resource_id>", views.read_view, name="read"),
    re_path(r"^(?P<rest>.*)$", views.not_found_view),  # any other address: an OperationOutcome 404
]
