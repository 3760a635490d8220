"""Signing in (with lockout and a second factor) and out, and the session rules of those
who handle children's data: signed out after a while idle, and, in production, no page
before the second factor (set up on the spot if need be)."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.forms import OTPTokenForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from wellchild.hub import roles


class LoginView(auth_views.LoginView):
    """Django's sign-in (axes counts failures); then the code step if a device is set up."""

    template_name = "account/login.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if user_has_device(form.get_user()):
            return redirect(f"{reverse('verify')}?next={self.get_success_url()}")
        return response


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the six-digit code of the authenticator app."""
    target = _next(request, reverse("profile"))
    if not user_has_device(request.user) or roles.second_factor_satisfied(request):
        return redirect(target)
    form = OTPTokenForm(request.user, request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.get_user().otp_device)
        return redirect(target)
    return render(request, "account/verify.html", {"form": form, "next": target})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up (or remove) an authenticator app; offered to coordinators and practice
    staff (required of them in production, so they cannot remove it there)."""
    if not roles.handles_member_data(request.user):
        return redirect("profile")
    confirmed = list(devices_for_user(request.user, confirmed=True))
    if confirmed:
        removable = not settings.HUB_REQUIRE_TWO_FACTOR
        if removable and request.method == "POST" and request.POST.get("action") == "remove":
            if not roles.second_factor_satisfied(request):
                return redirect(f"{reverse('verify')}?next={reverse('two-factor')}")
            for device in confirmed:
                device.delete()
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two-factor")
        return render(request, "account/two_factor.html", {"enabled": True, "removable": removable})
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator"}
    )
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect(_next(request, reverse("two-factor")))
        error = _("That code is not right; check the app's clock and try the newest code.")
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_data_uri(scale=5, title=_("QR code of the authenticator key"))
    return render(
        request,
        "account/two_factor.html",
        {
            "enabled": False,
            "required": settings.HUB_REQUIRE_TWO_FACTOR,
            "qr": svg,
            "secret": base64.b32encode(device.bin_key).decode(),
            "error": error,
        },
    )


LAST_SEEN = "hub_last_seen"
# Paths a signed-in user still needs before the second factor is done.
OPEN_PATHS = ("/account/", "/static/", "/i18n/")


class StaffSessionMiddleware:
    """For coordinators and practice staff: sign out after ``HUB_IDLE_MINUTES`` without a
    request, and, with ``HUB_REQUIRE_TWO_FACTOR`` (production), send them to enter their
    code, or to set up an authenticator, before any other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and roles.handles_member_data(user):
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - float(last) > settings.HUB_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(n)d minutes without activity.")
                    % {"n": settings.HUB_IDLE_MINUTES},
                )
                return redirect(f"{reverse('login')}?next={request.get_full_path()}")
            # Written at most once a minute, not on every request.
            if last is None or now - float(last) > 60:
                request.session[LAST_SEEN] = now
            if settings.HUB_REQUIRE_TWO_FACTOR and not request.path.startswith(OPEN_PATHS):
                target = request.get_full_path()
                if not user_has_device(user):
                    return redirect(f"{reverse('two-factor')}?next={target}")
                if not roles.second_factor_satisfied(request):
                    return redirect(f"{reverse('verify')}?next={target}")
        return self.get_response(request)
