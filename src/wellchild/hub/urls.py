"""Every address of the hub."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from wellchild.hub import accounts


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever a page links: send them to the static icon
    (its name carries a hash in production, so it is looked up per request)."""
    return HttpResponsePermanentRedirect(static("hub/favicon.svg"))


urlpatterns = [
    path("", include("wellchild.hub.community.urls")),
    # browsers ask for /favicon.ico whatever the page links; the icon is a static file
    path("favicon.ico", favicon, name="favicon"),
    path("mailing-list/", include("wellchild.hub.mailing.urls")),
    path("meetings/", include("wellchild.hub.meetings.urls")),
    path("resources/", include("wellchild.hub.library.urls")),
    path("data/", include("wellchild.hub.data.urls")),
    path("practice/", include("wellchild.hub.portal.urls")),
    path("account/sign-in/", accounts.LoginView.as_view(), name="login"),
    path("account/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/code/", accounts.verify, name="verify"),
    path("account/two-factor/", accounts.two_factor, name="two-factor"),
    path(
        "account/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="account/password_reset.html",
            email_template_name="emails/password_reset.txt",
            subject_template_name="emails/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "account/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="account/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "account/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="account/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "account/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="account/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    # Choosing a language needs no CSRF token: another site could at most switch a
    # visitor's language, and without the token every page can be kept for every visitor.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("coordinators/", admin.site.urls),
]
