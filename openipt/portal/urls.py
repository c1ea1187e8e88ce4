"""The portal home. openipt/urls.py mounts it at /me/ in the "practice" namespace, beside the between-session
pages, so its address (/me/) and name (practice:portal) stay the ones people and the other apps know."""

from django.urls import path

from openipt.portal import views

urlpatterns = [
    path("", views.portal_view, name="portal"),
]
