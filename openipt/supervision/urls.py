from django.urls import path

from openipt.supervision import views, views_competency

app_name = "supervision"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("mine/", views.mine_view, name="mine"),
    path("rate/<str:kind>/<int:target_id>/", views.rate_view, name="rate"),
    path("ratings/<int:rating_id>/", views.rating_view, name="rating"),
    path("ratings/<int:rating_id>/reply/", views.reply_view, name="reply"),
    path("sign-offs/", views.signoffs_view, name="signoffs"),
    path("sign-offs/<int:signoff_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("competency/", views_competency.competency_view, name="competency"),
    path("competency/mine/", views_competency.own_view, name="competency_mine"),
    path("competency/sign-offs/<int:signoff_id>/follow-up/", views_competency.follow_up_view,
         name="competency_follow_up"),
    path("competency/<int:membership_id>/", views_competency.trainee_view, name="competency_trainee"),
    path("competency/<int:membership_id>/assess/", views_competency.assess_view, name="competency_assess"),
    path("competency/assessments/<int:assessment_id>/", views_competency.assessment_view,
         name="competency_assessment"),
    path("competency/assessments/<int:assessment_id>/second/", views_competency.second_view,
         name="competency_second"),
    path("competency/flags/<int:flag_id>/act/", views_competency.flag_view, name="competency_flag"),
]
