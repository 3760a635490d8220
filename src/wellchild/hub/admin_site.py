"""The coordinators' back office: Django's admin, limited to coordinators.

A coordinator who has set up an authenticator app must have entered a code in this
session (django-otp); one who has not can still enter, and is offered the set-up.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wellchild.hub import roles


class CoordinatorAdminSite(admin.AdminSite):
    site_header = _("wellchild hub: coordinators")
    site_title = _("wellchild hub")
    index_title = _("Keep the learning community up to date")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and roles.is_coordinator(user)
            and roles.second_factor_satisfied(request)
        )

    def login(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        """Send people to the site's own sign-in (lockout, two-factor), then back here."""
        target = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and roles.is_coordinator(request.user):
            return redirect(f"{reverse('verify')}?next={target}")
        return redirect_to_login(target, reverse("login"))
