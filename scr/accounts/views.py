"""Sign in (password, then a second factor), sign out, passwords, sessions and the
account page, with every sign-in event in the audit trail."""

from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from scr.accounts import lockout, session_services, sessions, two_factor, two_factor_services
from scr.accounts.forms import (
    CodeForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetupCodeForm,
    SignInForm,
)
from scr.accounts.middleware import is_verified
from scr.audit.models import AuditEvent
from scr.audit.services import (
    NOT_AN_ACCOUNT,
    Action,
    Outcome,
    audit_record,
    client_ip,
    typed_username,
)

# Backup codes just made, shown once on the next page and then forgotten.
NEW_CODES_KEY = "new_backup_codes"
CODE_FAILURES_KEY = "code_failures"


def _timeout_message(reason: str) -> str:
    if reason == "idle":
        return (
            "You were signed out because you had not done anything for "
            f"{settings.SESSION_IDLE_MINUTES} minutes. Sign in again to carry on."
        )
    if reason == "factor":
        return (
            "You were signed out because your two-factor sign-in was changed or reset. "
            "Sign in again to carry on."
        )
    if reason == "absolute":
        return (
            "You were signed out because you signed in more than "
            f"{settings.SESSION_ABSOLUTE_HOURS} hours ago. Sign in again to carry on."
        )
    return ""


def _next_url(request, fallback: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback or reverse(settings.LOGIN_REDIRECT_URL)


class SignInView(auth_views.LoginView):
    """The password. The second factor follows on its own page (two_factor_verify)."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        typed = request.POST.get("username", "").strip().lower()
        wait = lockout.sign_in_wait(request, typed)
        if wait:
            return lockout.refusal(request, wait)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeout_message"] = _timeout_message(self.request.GET.get("timeout", ""))
        return context

    def form_valid(self, form):
        super().form_valid(form)
        sessions.password_accepted(self.request)
        audit_record(
            action=Action.SIGN_IN,
            actor=self.request.user,
            detail="password accepted",
            request=self.request,
        )
        target = "accounts:two-factor"
        if not two_factor.has_authenticator(self.request.user):
            target = "accounts:two-factor-setup"
        next_url = self.get_redirect_url()
        url = reverse(target)
        if next_url:
            url += "?" + urlencode({"next": next_url})
        return HttpResponseRedirect(url)

    def form_invalid(self, form):
        typed = form.data.get("username", "")
        if typed and form.data.get("password"):
            audit_record(
                action=Action.SIGN_IN_FAILED,
                actor_label=typed_username(typed),
                outcome=Outcome.FAILED,
                request=self.request,
            )
        return super().form_invalid(form)


def _demo_code(user) -> str:
    """DEMO_SECOND_FACTOR (make run only): the code the demo person's app would show."""
    # Never outside DEBUG: the setting would turn the second factor off for everyone.
    if not (settings.DEMO_SECOND_FACTOR and settings.DEBUG):
        return ""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return ""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app or a backup code. Wrong codes
    are throttled by the device; MAX_CODE_FAILURES in a row end the sign-in."""
    user = request.user
    if is_verified(request):
        return redirect(_next_url(request))
    if not two_factor.has_authenticator(user):
        return redirect(f"{reverse('accounts:two-factor-setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    waiting = two_factor.code_problem(user)
    if request.method == "POST" and form.is_valid():
        if waiting:
            form.add_error("code", waiting)
        else:
            device = two_factor.code_match(user, form.cleaned_data["code"])
            if device is not None:
                return _second_factor_done(request, device)
            failures = request.session.get(CODE_FAILURES_KEY, 0) + 1
            request.session[CODE_FAILURES_KEY] = failures
            audit_record(
                action=Action.SIGN_IN_FAILED,
                actor=user,
                outcome=Outcome.FAILED,
                detail="wrong second-factor code",
                request=request,
            )
            if failures >= two_factor.MAX_CODE_FAILURES:
                session_services.session_forget(request)
                logout(request)
                messages.error(
                    request, "You entered too many wrong codes. Sign in again to try again."
                )
                return redirect("accounts:sign-in")
            form.add_error(
                "code",
                two_factor.code_problem(user)
                or "That code is not right. Enter the code the app shows now.",
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": _next_url(request, fallback=""),
            "waiting": waiting,
            "demo_code": _demo_code(user),
        },
        status=status,
    )


def _second_factor_done(request, device):
    used_backup = isinstance(device, StaticDevice)
    next_url = _next_url(request)
    otp_login(request, device)
    request.session.pop(CODE_FAILURES_KEY, None)
    session_services.session_started(request)
    audit_record(
        action=Action.SIGN_IN,
        actor=request.user,
        detail="backup code accepted" if used_backup else "second factor accepted",
        request=request,
    )
    if used_backup:
        left = two_factor.backup_codes_left(request.user)
        messages.warning(
            request,
            f"You used a backup code. You have {left} left. If you have lost your phone, "
            "set up your authenticator app again from 'Your account'.",
        )
    return redirect(next_url)


@login_required
def two_factor_setup(request):
    """Set up the authenticator app: at the first sign-in, or to replace the app from a
    session that has already passed the second factor. Someone who knows only the password
    of an account that has an app cannot use this page to add their own."""
    user = request.user
    verified = is_verified(request)
    if two_factor.has_authenticator(user) and not verified:
        return redirect(f"{reverse('accounts:two-factor')}?{request.GET.urlencode()}")
    device = two_factor_services.authenticator_pending(user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        waiting = two_factor.code_problem(user) if verified else ""
        confirmed = None
        if not waiting:
            confirmed = two_factor_services.authenticator_confirm(
                user=user, device_id=device.pk, code=form.cleaned_data["code"]
            )
        if confirmed is not None:
            codes = two_factor_services.backup_codes_make(user=user, notify=False)
            audit_record(
                action=Action.CHANGE,
                actor=user,
                obj=user,
                label="second factor",
                detail="authenticator app set up",
                request=request,
            )
            next_url = _next_url(request)
            if verified:
                otp_login(request, confirmed)
                ended = session_services.sessions_end_others(
                    user=user, keep_key=request.session.session_key
                )
                if ended:
                    messages.info(request, f"Your other sessions ({ended}) were ended.")
            else:
                otp_login(request, confirmed)
                session_services.session_started(request)
                audit_record(
                    action=Action.SIGN_IN,
                    actor=user,
                    detail="second factor set up",
                    request=request,
                )
            request.session[NEW_CODES_KEY] = codes
            return redirect(f"{reverse('accounts:backup-codes')}?{urlencode({'next': next_url})}")
        form.add_error(
            "code",
            waiting
            or "That code is not right. Check the app has the key above and enter the "
            "code it shows now.",
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "manual_key": two_factor.manual_key(device),
            "replacing": verified,
            "next": _next_url(request, fallback=""),
        },
        status=400 if form.errors else 200,
    )


@login_required
def backup_codes(request):
    """Backup codes: shown once after they are made; made again on request (which needs
    a session that has passed the second factor: the middleware sees to that)."""
    if request.method == "POST":
        if not is_verified(request):
            raise Http404
        request.session[NEW_CODES_KEY] = two_factor_services.backup_codes_make(user=request.user)
        audit_record(
            action=Action.CHANGE,
            actor=request.user,
            obj=request.user,
            label="second factor",
            detail="backup codes made",
            request=request,
        )
        return redirect("accounts:backup-codes")
    codes = request.session.pop(NEW_CODES_KEY, None)
    if codes is None:
        return redirect("accounts:account")
    return render(
        request,
        "accounts/backup_codes.html",
        {"codes": codes, "next": _next_url(request, fallback=reverse("accounts:account"))},
    )


@require_POST
@login_required
def sign_out(request):
    audit_record(action=Action.SIGN_OUT, actor=request.user, request=request)
    session_services.session_forget(request)
    logout(request)
    return redirect("accounts:sign-in")


@login_required
def account(request):
    user = request.user
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return render(
        request,
        "accounts/account.html",
        {
            "app": app,
            "codes_left": two_factor.backup_codes_left(user),
            "session_count": len(
                session_services.sessions_of(user, current_key=request.session.session_key)
            ),
        },
    )


@login_required
def session_list(request):
    if request.method == "POST":
        if request.POST.get("end") == "others":
            ended = session_services.sessions_end_others(
                user=request.user, keep_key=request.session.session_key
            )
            messages.success(request, f"{ended} other sessions ended.")
        else:
            try:
                session_id = int(request.POST.get("end", ""))
            except ValueError:
                raise Http404 from None
            if not session_services.session_end(user=request.user, session_id=session_id):
                raise Http404
            messages.success(request, "The session was ended.")
        audit_record(
            action=Action.SIGN_OUT,
            actor=request.user,
            detail="session ended from the list",
            request=request,
        )
        if not request.session.exists(request.session.session_key or ""):
            logout(request)
            return redirect("accounts:sign-in")
        return redirect("accounts:sessions")
    rows = session_services.sessions_of(request.user, current_key=request.session.session_key)
    return render(request, "accounts/sessions.html", {"rows": rows})


@require_POST
@login_required
def keep_alive(request):
    """'Stay signed in' on the timeout warning: counts as activity."""
    sessions.session_touch(request.session, now=timezone.now().timestamp(), force=True)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"signed_in": True, "remaining": sessions.idle_seconds()})
    return redirect(_next_url(request))


@require_GET
@login_required
def session_status(request):
    """How long until the idle timeout; asked by the warning script, not activity."""
    remaining = sessions.idle_remaining(request.session, now=timezone.now().timestamp())
    return JsonResponse({"signed_in": True, "remaining": remaining})


class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password ends the person's other sessions, and they are told by email."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)
        user = self.request.user
        # Django gave this session a new key: its row follows, so it is kept (and listed).
        session_services.session_rekeyed(old_key=old_key, new_key=self.request.session.session_key)
        ended = session_services.sessions_end_others(
            user=user, keep_key=self.request.session.session_key
        )
        two_factor.security_change_notify(user=user, change="password")
        audit_record(
            action=Action.CHANGE,
            actor=user,
            obj=user,
            label="password",
            detail="password changed",
            request=self.request,
        )
        note = f" Your other sessions ({ended}) were ended." if ended else ""
        messages.success(self.request, "Your password was changed." + note)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm  # its email goes through the outbox
    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset_body.txt"
    html_email_template_name = "emails/password_reset_body.html"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        # The same answer whether or not an email goes: nobody learns which addresses
        # have accounts, or that they were held back.
        if not _reset_too_often(self.request, form.cleaned_data["email"]):
            self._send(form)
        return HttpResponseRedirect(self.get_success_url())

    def _send(self, form) -> None:
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


# Password reset emails: at most this many an hour for one account, and asked from one
# client address (an office behind one NAT shares it), so a form cannot be used to flood
# someone's inbox. Counted from the audit trail: rows every web process shares.
RESET_WINDOW = timedelta(hours=1)
RESETS_PER_ACCOUNT = 3
RESETS_PER_CLIENT = 10
RESET_ASKED = "password reset asked"
RESET_HELD = "password reset held back: asked too often"


def _reset_too_often(request, email: str) -> bool:
    """Whether this request is over a limit; writes the audit row that counts it."""
    label = typed_username(email)
    asked = AuditEvent.objects.filter(
        action=Action.CHANGE, detail=RESET_ASKED, at__gte=timezone.now() - RESET_WINDOW
    )
    client = client_ip(request)
    held = (
        client is not None and asked.filter(ip_address=client).count() >= RESETS_PER_CLIENT
    ) or (label != NOT_AN_ACCOUNT and asked.filter(actor_label=label).count() >= RESETS_PER_ACCOUNT)
    audit_record(
        action=Action.CHANGE,
        actor_label=label,
        outcome=Outcome.DENIED if held else Outcome.SUCCESS,
        detail=RESET_HELD if held else RESET_ASKED,
        request=request,
    )
    return held


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A reset password ends every session of the account (the person signs in again,
    second factor included) and the person is told by email."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        session_services.sessions_end_others(user=self.user, keep_key=None)
        two_factor.security_change_notify(user=self.user, change="password")
        audit_record(
            action=Action.CHANGE,
            actor=self.user,
            obj=self.user,
            label="password",
            detail="password reset",
            request=self.request,
        )
        return response


def admin_sign_in(request, extra_context=None):
    """The administration pages sign in through the service's own sign-in, so they get
    the same throttling and second factor. Someone already signed in who is not staff
    is refused here: sending them to sign in would bring them straight back (a loop)."""
    if request.user.is_authenticated:
        raise PermissionDenied("The administration pages are for staff only")
    next_url = request.GET.get("next", "") or reverse("admin:index")
    return redirect(f"{reverse('accounts:sign-in')}?{urlencode({'next': next_url})}")
