import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from maatwerk.audit.models import Action, ProcessingActivity, Result
from maatwerk.audit.services import log_access

from .forms import LoginForm, TokenForm
from .middleware import url_with_next
from .twofactor import (
    confirmed_totp_device,
    forget_two_factor,
    pending_totp_device,
    two_factor_needed,
)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        return context


class LogoutView(auth_views.LogoutView):
    pass


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Second step of the login: a TOTP code, or setting up the authenticator."""
    user = request.user
    if user.is_verified() or not two_factor_needed(user):
        return redirect(_safe_next(request))
    device = confirmed_totp_device(user)
    if device is None:
        return redirect(url_with_next("accounts:two_factor_setup", _safe_next(request)))
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, device)
            log_access(
                action=Action.TWO_FACTOR,
                processing_activity=ProcessingActivity.AUTHENTICATION,
                request=request,
            )
            return redirect(_safe_next(request))
        log_access(
            action=Action.TWO_FACTOR,
            processing_activity=ProcessingActivity.AUTHENTICATION,
            request=request,
            result=Result.FAILED,
        )
    return render(request, "accounts/two_factor.html", {"form": form, "next": _safe_next(request)})


def _qr_svg(config_url: str) -> str:
    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app (TOTP) and confirm it with a first code."""
    user = request.user
    if confirmed_totp_device(user) is not None and not user.is_verified():
        return redirect(url_with_next("accounts:two_factor", _safe_next(request)))
    if confirmed_totp_device(user) is not None:
        messages.info(request, _("Two-factor login is already set up for your account."))
        return redirect(_safe_next(request))
    device = pending_totp_device(user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        forget_two_factor(user)
        otp_login(request, device)
        log_access(
            action=Action.UPDATE,
            processing_activity=ProcessingActivity.AUTHENTICATION,
            request=request,
            obj=device,
            detail="two-factor device confirmed",
        )
        messages.success(request, _("Two-factor login is now set up."))
        return redirect(_safe_next(request))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": _qr_svg(device.config_url),
            "next": _safe_next(request),
        },
    )
