"""Sign in, sign out and password reset, with every sign-in event in the audit trail."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from scr.accounts.forms import SignInForm
from scr.audit.services import Action, Outcome, audit_record


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=Action.SIGN_IN, actor=self.request.user, request=self.request)
        return response

    def form_invalid(self, form):
        typed = form.data.get("username", "")
        if typed and form.data.get("password"):
            audit_record(
                action=Action.SIGN_IN_FAILED,
                actor_label=typed.strip().lower(),
                outcome=Outcome.FAILED,
                request=self.request,
            )
        return super().form_invalid(form)


@require_POST
@login_required
def sign_out(request):
    audit_record(action=Action.SIGN_OUT, actor=request.user, request=request)
    logout(request)
    return redirect("accounts:sign-in")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset_body.txt"
    html_email_template_name = "emails/password_reset_body.html"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        # Links in emails point at SITE_URL, never at whatever Host header came in.
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            html_email_template_name=self.html_email_template_name,
            request=self.request,
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
