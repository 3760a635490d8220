"""Pages of the community: home, pledge, join, confirm, profile, directory, contact."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wellchild.hub import roles
from wellchild.hub.community import access, domain
from wellchild.hub.community.forms import (
    ContactForm,
    OrganizationForm,
    OrganizationJoinForm,
    PersonJoinForm,
    ProfileForm,
)
from wellchild.hub.community.models import Category, Person, SiteText
from wellchild.hub.counties import county_names
from wellchild.hub.library.models import Resource
from wellchild.hub.meetings import domain as meetings
from wellchild.hub.visitors import client_ip


def pledge_text() -> SiteText | None:
    return SiteText.objects.filter(key="pledge").first()


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/home.html",
        {
            "next_meetings": meetings.upcoming()[:2],
            "resources": Resource.objects.all()[:3],
            "pledge": pledge_text(),
        },
    )


def pledge(request: HttpRequest) -> HttpResponse:
    text = pledge_text()
    if text is None:
        raise Http404
    return render(request, "community/pledge.html", {"pledge": text})


def join(request: HttpRequest) -> HttpResponse:
    return render(request, "community/join.html", {"pledge": pledge_text()})


@require_http_methods(["GET", "POST"])
def join_person(request: HttpRequest) -> HttpResponse:
    form = PersonJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        domain.join_person(
            newcomer=form.newcomer(),
            password=d["password1"],
            county=d["county"],
            organization=d["organization"],
            language=translation.get_language() or "en",
            topics=d["topics"],
            pledged=d["pledge"],
        )
        return redirect("join-sent")
    return render(request, "community/join_person.html", {"form": form, "pledge": pledge_text()})


@require_http_methods(["GET", "POST"])
def join_organization(request: HttpRequest) -> HttpResponse:
    form = OrganizationJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        domain.join_organization(
            name=d["org_name"],
            category=d["category"],
            website=d["website"],
            county=d["county"],
            description=d["description"],
            contact=form.newcomer(),
            password=d["password1"],
            people=d["people"],
            language=translation.get_language() or "en",
            topics=d["topics"],
            pledged=d["pledge"],
        )
        return redirect("join-sent")
    return render(
        request, "community/join_organization.html", {"form": form, "pledge": pledge_text()}
    )


def join_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "community/join_sent.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm an address from the emailed link; invited people choose a password here."""
    person = domain.person_for_token(token)
    if person is None:
        return render(request, "community/confirm_invalid.html", status=400)
    user = person.user
    if user.has_usable_password():
        if request.method == "POST":
            domain.confirm_email(person=person)
            messages.success(request, _("Your email address is confirmed. Welcome!"))
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("profile")
        return render(request, "community/confirm.html", {"person": person})
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        domain.confirm_email(person=person, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your account is ready. Welcome!"))
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("profile")
    return render(request, "community/confirm.html", {"person": person, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    person = access.own_person(request)
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        domain.update_profile(person=form.save(commit=False), changed=form.changed_data)
        translation.activate(person.language)
        messages.success(request, _("Your profile is saved."))
        response = redirect("profile")
        response.set_cookie("django_language", person.language, samesite="Lax")
        return response
    return render(
        request,
        "community/profile.html",
        {
            "person": person,
            "form": form,
            "offer_two_factor": roles.handles_member_data(request.user),
        },
    )


@login_required
def export_data(request: HttpRequest) -> HttpResponse:
    person = access.own_person(request)
    body = json.dumps(domain.export(person=person), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-wellchild-hub-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest) -> HttpResponse:
    person = access.own_person(request)
    if request.method == "POST":
        user = person.user
        logout(request)
        domain.leave(user=user)
        return render(request, "community/left.html")
    return render(request, "community/leave.html", {"person": person})


def directory(request: HttpRequest, category: str = "") -> HttpResponse:
    if category and category not in Category.values:
        raise Http404
    q = request.GET.get("q", "").strip()[:100]
    county = request.GET.get("county", "")
    county = county if county in county_names() else ""
    grouped = domain.directory(q=q, county=county, category=category)
    context: dict[str, Any] = {
        "groups": [(c, grouped[c]) for c in Category if not category or c == category],
        "category": Category(category) if category else None,
        "categories": list(Category),
        "q": q,
        "county": county,
        "counties": county_names(),
        "found": sum(len(orgs) for orgs in grouped.values()),
    }
    if request.user.has_perm("hub.view_pending_organizations"):
        context["pending"] = domain.pending_organizations()
    return render(request, "community/directory.html", context)


def organization(request: HttpRequest, slug: str) -> HttpResponse:
    org = access.organization(request, slug)
    everyone = request.user.has_perm("hub.view_all_members", org)
    return render(
        request,
        "community/organization.html",
        {
            "org": org,
            "people": domain.members(organization=org, everyone=everyone),
            "show_contacts": request.user.has_perm("hub.view_member_contacts"),
            "can_manage": request.user.has_perm("hub.manage_organization", org),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_manage(request: HttpRequest, slug: str) -> HttpResponse:
    org = access.organization(request, slug)
    if not request.user.has_perm("hub.manage_organization", org):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        domain.update_organization(organization=form.save(commit=False))
        messages.success(request, _("The organization's page is saved."))
        return redirect("organization-manage", slug=org.slug)
    return render(
        request,
        "community/organization_manage.html",
        {"org": org, "form": form, "pending": domain.pending_members(organization=org)},
    )


@login_required
@require_POST
def confirm_member(request: HttpRequest, slug: str) -> HttpResponse:
    org = access.organization(request, slug)
    if not request.user.has_perm("hub.manage_organization", org):
        raise PermissionDenied
    try:
        person = domain.confirm_member(organization=org, person_id=int(request.POST["person"]))
    except (KeyError, ValueError, Person.DoesNotExist):
        raise Http404 from None
    messages.success(request, _("%(name)s is now listed as a member.") % {"name": person.name})
    return redirect("organization-manage", slug=org.slug)


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["homepage"]:
            # A robot filled the hidden field: thank it and keep nothing.
            return redirect("contact-sent")
        if not domain.contact_allowed(
            sender_key=client_ip(request), limit=settings.HUB_CONTACT_LIMIT
        ):
            return render(
                request, "community/contact.html", {"form": form, "limited": True}, status=429
            )
        domain.deliver_contact(
            name=d["name"], email=d["email"], subject=d["subject"], message=d["message"]
        )
        return redirect("contact-sent")
    return render(request, "community/contact.html", {"form": form})


def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "community/contact_sent.html")
