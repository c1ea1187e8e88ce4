from django.urls import path

from openipt.couples import views

app_name = "couples"

urlpatterns = [
    path("courses/<int:course_id>/partner/", views.link_view, name="link"),
    path("<int:couple_id>/", views.session_view, name="session"),
    path("mine/", views.mine_view, name="mine"),
    path("mine/autosave/", views.autosave_view, name="autosave"),
    path("entries/<int:entry_id>/", views.entry_view, name="entry"),
]
