from django.urls import path

from openipt.practice import views

app_name = "practice"

urlpatterns = [path("", views.portal_view, name="portal")]
