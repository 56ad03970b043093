"""Sign-in (which also applies the user's language), sign-out and password reset, each audited."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts import audit
from amparo.accounts.clientip import client_ip
from amparo.accounts.codes import AuditAction
from amparo.accounts.models import AuditEvent, Membership, UserProfile


def remember_language(response, language: str):
    """Make `language` the one every page uses (the switcher's cookie); empty forgets it, so the
    browser's preference applies again."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(self.request.user, AuditAction.LOGIN, self.request.user, request=self.request)
        language = UserProfile.objects.filter(user=self.request.user).values_list("language", flat=True).first()
        if language:
            remember_language(response, language)
        return response

    def form_invalid(self, form):
        username = (form.data.get("username") or "")[:150]
        # Under each organization of the account that was tried, so its administrators see the
        # attempts on their members; an unknown user name goes under none.
        target = get_user_model().objects.filter(username__iexact=username).first() if username else None
        organizations = (
            sorted(Membership.objects.filter(user=target, is_active=True).values_list("organization_id", flat=True))
            if target
            else []
        )
        for organization_id in organizations or [None]:
            audit.record(
                None,
                AuditAction.LOGIN_FAILED,
                request=self.request,
                username=username,
                organization=organization_id,
                object_type="auth.user",
                object_id=target.pk if target else "",
                summary=f"failed login for {username!r}",
            )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            audit.record(request.user, AuditAction.LOGOUT, request.user, request=request)
        return super().post(request, *args, **kwargs)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, but an invited member who has not chosen a password yet (their password is
    unusable until then) may also ask for a new link when the invitation's link expired."""

    def get_users(self, email):
        email_field = get_user_model().get_email_field_name()
        users = get_user_model()._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
        return (u for u in users if _iexact(getattr(u, email_field), email))


def _iexact(a: str, b: str) -> bool:
    return unicodedata.normalize("NFKC", a or "").casefold() == unicodedata.normalize("NFKC", b or "").casefold()


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        """Rate-limited per client address and per e-mail address (PASSWORD_RESET_LIMIT_PER_HOUR),
        counted from the audit log, which every web process shares. Over the limit, the page says
        the same as always (no hint whether the address exists) but no e-mail goes out."""
        email = form.cleaned_data["email"][:150]
        recent = AuditEvent.objects.filter(
            action=AuditAction.PASSWORD_RESET_REQUESTED, created_at__gte=timezone.now() - timedelta(hours=1)
        )
        limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
        ip = client_ip(self.request)
        allowed = (
            recent.filter(ip_address=ip).count() < limit and recent.filter(actor_label__iexact=email).count() < limit
        )
        audit.record(
            None,
            AuditAction.PASSWORD_RESET_REQUESTED,
            request=self.request,
            object_type="auth.user",
            username=email,
            sent=allowed,
        )
        if not allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(form.user, AuditAction.PASSWORD_CHANGED, form.user, request=self.request)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(self.request.user, AuditAction.PASSWORD_CHANGED, self.request.user, request=self.request)
        messages.success(self.request, _("Your password was changed."))
        return response
