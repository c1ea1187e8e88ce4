from django.urls import path, re_path

from openipt.api.fhir import bulk_views, views

app_name = "fhir"

urlpatterns = [
    path("", views.batch_view, name="batch"),  # POST a batch Bundle of QuestionnaireResponses
    path("metadata", views.metadata_view, name="metadata"),
    # Bulk Data $export (before the type patterns, which would otherwise take these addresses)
    path("$export", bulk_views.kickoff_view, name="bulk_kickoff"),
    path("Group/<str:group_id>/$export", bulk_views.group_kickoff_view, name="bulk_group_kickoff"),
    path("bulk/<str:export_id>", bulk_views.status_view, name="bulk_status"),
    path("bulk/<str:export_id>/<str:number>", bulk_views.file_view, name="bulk_file"),
    path("<str:resource_type>", views.search_view, name="search"),
    path("<str:resource_type>/<str:resource_id>", views.read_view, name="read"),
    re_path(r"^(?P<rest>.*)$", views.not_found_view),  # any other address: an OperationOutcome 404
]
