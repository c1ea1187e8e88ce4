from django.urls import path

from openipt.today import views

app_name = "today"

urlpatterns = [
    path("", views.today_view, name="today"),
    path("week/", views.week_view, name="week"),
    path("settings/hours/", views.working_hours_view, name="working_hours"),
    path("week/move/<int:course_id>/<int:session_number>/", views.move_view, name="move"),
]
