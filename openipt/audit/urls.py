from django.urls import path

from openipt.audit import views

app_name = "audit"

urlpatterns = [path("", views.audit_log_view, name="log")]
