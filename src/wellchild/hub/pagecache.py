"""Whole public pages, kept for visitors who are not signed in.

Most requests to the hub are the same handful of public pages read by visitors without
an account: the home page, the directory, meetings, resources and the dashboards. Each
such page is rendered once per language and kept for ``WELLCHILD_HUB_PAGE_CACHE_SECONDS``;
the middleware sits before sessions, CSRF and the language middleware, so a kept page
costs a cache read and nothing else.

Only what is the same for every such visitor is kept: a GET answered 200 with HTML to a
request that carries no cookie but the language and CSRF ones, whose response sets no
cookie (a page with a form uses the visitor's CSRF token, which sets one) and is not
private. A signed-in visitor (who has a session cookie) always gets a fresh page.

Every kept page's key holds a *generation* number kept in the shared cache: publishing or
withdrawing a run, and saving or deleting the community's content, move it on, so every
server process stops serving the pages it kept at once (a process re-reads the number at
most once a second).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# The pages anyone may read; everything under them that answers HTML is kept.
PUBLIC_PREFIXES = ("/directory/", "/organizations/", "/meetings/", "/resources/", "/data/")
PUBLIC_PAGES = ("/", "/pledge/")
GENERATION_KEY = "pages-generation"
GENERATION_SECONDS = 1.0

_memo: dict[str, float | int] = {"read_at": float("-inf"), "value": 0}


def generation() -> int:
    """The current generation of kept pages (re-read from the shared cache once a second)."""
    now = time.monotonic()
    if now - _memo["read_at"] >= GENERATION_SECONDS:
        _memo["value"] = int(caches["shared"].get_or_set(GENERATION_KEY, 0, timeout=None) or 0)
        _memo["read_at"] = now
    return int(_memo["value"])


def invalidate(**_signal: Any) -> None:
    """Retire every kept page, in every process (a signal receiver, hence ``**_signal``)."""
    shared = caches["shared"]
    shared.add(GENERATION_KEY, 0, timeout=None)
    try:
        value = shared.incr(GENERATION_KEY)
    except ValueError:  # removed between add and incr
        shared.set(GENERATION_KEY, 1, timeout=None)
        value = 1
    _memo["value"] = value
    _memo["read_at"] = time.monotonic()


def _public(path: str) -> bool:
    return path in PUBLIC_PAGES or path.startswith(PUBLIC_PREFIXES)


def _key(request: HttpRequest) -> str | None:
    """The request's key, or None when its page must be made fresh."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET" or not _public(request.path):
        return None
    allowed = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    if set(request.COOKIES) - allowed:
        return None
    language = translation.get_language_from_request(request)
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(f"{language} {where}".encode()).hexdigest()
    return f"page:{generation()}:{digest}"


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    user = getattr(request, "user", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not {"private", "no-store", "no-cache"}
        & set(part.strip() for part in response.get("Cache-Control", "").split(","))
        and not (user is not None and user.is_authenticated)
    )


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key(request)
        if key is None:
            return self.get_response(request)
        pages = caches["default"]
        kept = pages.get(key)
        if kept is not None:
            content, headers = kept
            return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        if _keepable(request, response):
            pages.set(key, (response.content, dict(response.headers)), settings.PAGE_CACHE_SECONDS)
        return response
