from django.urls import path

from openipt.accounts import views, views_people

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("organisation/", views.choose_org_view, name="choose_org"),
    path("mfa/", views.mfa_view, name="mfa"),
    path("recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path("password-reset/", views.password_reset_view, name="password_reset"),
    path("password-reset/<str:uid>/<str:token>/", views.password_reset_confirm_view, name="password_reset_confirm"),
    path("people/", views_people.people_view, name="people"),
    path("people/security/", views_people.security_view, name="security"),
    path("settings/", views_people.settings_view, name="settings"),
    path("language/", views_people.language_view, name="language"),
    path("translations/", views_people.translations_view, name="translations"),
    path("people/<int:membership_id>/", views_people.member_view, name="member"),
    path("people/<int:membership_id>/active/", views_people.member_active_view, name="member_active"),
    path("people/<int:membership_id>/two-factor-reset/", views_people.member_mfa_reset_view, name="member_mfa_reset"),
    path("invitations/<int:invitation_id>/revoke/", views_people.revoke_invitation_view, name="revoke_invitation"),
    path("invite/<str:token>/", views_people.accept_invitation_view, name="accept_invitation"),
]
