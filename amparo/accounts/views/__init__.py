"""The accounts pages, one module per area: sign-in, agreements and audit, members, my account."""

from amparo.accounts.views.account import profile, revoke_token, tokens
from amparo.accounts.views.agreements import (
    agreements,
    approve_agreement,
    audit_log,
    organization_detail,
    revoke_agreement,
)
from amparo.accounts.views.auth import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from amparo.accounts.views.members import change_role, members, resend_invitation, set_active

__all__ = [
    "LoginView",
    "LogoutView",
    "PasswordChangeView",
    "PasswordResetConfirmView",
    "PasswordResetView",
    "agreements",
    "approve_agreement",
    "audit_log",
    "change_role",
    "members",
    "organization_detail",
    "profile",
    "resend_invitation",
    "revoke_agreement",
    "revoke_token",
    "set_active",
    "tokens",
]
