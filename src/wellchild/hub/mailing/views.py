"""The list's public pages: sign up, confirm, preferences and one-click unsubscribe."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from wellchild.hub.mailing import domain
from wellchild.hub.mailing.forms import PreferencesForm, SubscribeForm
from wellchild.hub.mailing.models import Subscriber, Topic


def _subscriber(token: str, *, purpose: str) -> Subscriber | None:
    """The subscriber a signed link names; None for a forged or expired link."""
    return domain.subscriber_for_token(token, purpose=purpose)


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "mailing/invalid.html", status=400)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        subscriber = domain.subscribe(
            email=d["email"],
            name=d["name"],
            language=translation.get_language() or "en",
            topics=d["topics"],
        )
        request.session["mailing_pending"] = subscriber.id
        return redirect("mailing:sent")
    return render(request, "mailing/subscribe.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sent(request: HttpRequest) -> HttpResponse:
    """'Check your inbox', with a button to send the link again."""
    pending = request.session.get("mailing_pending")
    subscriber = Subscriber.objects.filter(id=int(pending)).first() if pending else None
    resent = None
    if request.method == "POST" and subscriber is not None:
        resent = domain.send_confirmation(subscriber=subscriber)
    return render(request, "mailing/sent.html", {"subscriber": subscriber, "resent": resent})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A GET shows a button; only the POST confirms, so link scanners confirm nothing."""
    subscriber = _subscriber(token, purpose="confirm")
    if subscriber is None:
        return _invalid(request)
    if request.method == "POST":
        domain.confirm(subscriber=subscriber)
        return redirect("mailing:preferences", token=domain.manage_token(subscriber))
    return render(request, "mailing/confirm.html", {"subscriber": subscriber})


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _subscriber(token, purpose="manage")
    if subscriber is None:
        return _invalid(request)
    topics = [t.value for t in Topic if getattr(subscriber, t.value)]
    initial = {
        "topics": topics if subscriber.unsubscribed_at is None else [],
        "language": subscriber.language,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        domain.set_preferences(
            subscriber=subscriber,
            topics=form.cleaned_data["topics"],
            language=form.cleaned_data["language"],
        )
        saved = True
    return render(
        request,
        "mailing/preferences.html",
        {"subscriber": subscriber, "form": form, "saved": saved, "token": token},
    )


# RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to this URL with no cookies
# and no CSRF token; the signed token in the URL is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _subscriber(token, purpose="manage")
    if subscriber is None:
        return _invalid(request)
    if request.method == "POST":
        domain.unsubscribe(subscriber=subscriber)
        return render(request, "mailing/unsubscribed.html", {"token": token})
    return render(request, "mailing/unsubscribe.html", {"subscriber": subscriber})
