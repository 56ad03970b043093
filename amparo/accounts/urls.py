from django.contrib.auth import views as auth_views
from django.urls import path

from amparo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/<int:pk>/revoke/", views.revoke_agreement, name="revoke_agreement"),
    path("agreements/<int:pk>/approve/", views.approve_agreement, name="approve_agreement"),
    path("audit/", views.audit_log, name="audit"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/role/", views.change_role, name="change_role"),
    path("members/<int:pk>/deactivate/", views.set_active, {"active": False}, name="deactivate_member"),
    path("members/<int:pk>/reactivate/", views.set_active, {"active": True}, name="reactivate_member"),
    path("members/<int:pk>/invite/", views.resend_invitation, name="resend_invitation"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
]
