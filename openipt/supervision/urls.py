from django.urls import path

from openipt.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("mine/", views.mine_view, name="mine"),
    path("rate/<str:kind>/<int:target_id>/", views.rate_view, name="rate"),
    path("ratings/<int:rating_id>/", views.rating_view, name="rating"),
    path("ratings/<int:rating_id>/reply/", views.reply_view, name="reply"),
    path("sign-offs/", views.signoffs_view, name="signoffs"),
    path("sign-offs/<int:signoff_id>/withdraw/", views.withdraw_view, name="withdraw"),
]
