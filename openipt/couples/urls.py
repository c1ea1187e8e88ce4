from django.urls import path

from openipt.couples import screen_views, views

app_name = "couples"

urlpatterns = [
    path("courses/<int:course_id>/partner/", views.link_view, name="link"),
    path("<int:couple_id>/", views.session_view, name="session"),
    path("<int:couple_id>/screens/", screen_views.screens_view, name="screens"),
    path("<int:couple_id>/screens/<int:client_id>/", screen_views.partner_screen_view, name="partner_screen"),
    path("mine/", views.mine_view, name="mine"),
    path("mine/safety-questions/", screen_views.my_screen_view, name="my_screen"),
    path("mine/autosave/", views.autosave_view, name="autosave"),
    path("entries/<int:entry_id>/", views.entry_view, name="entry"),
]
