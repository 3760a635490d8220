"""The library: search with filters, a page per resource, and safe downloads."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from wellchild.hub.library import domain
from wellchild.hub.library.models import Resource, Tag
from wellchild.hub.uploads import attachment


def _resource(slug: str) -> Resource:
    """Resources are public documents: anyone may read and download them."""
    return get_object_or_404(Resource.objects.prefetch_related("tags"), slug=slug)


def library(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    tags = list(Tag.objects.all())
    tag = request.GET.get("tag", "")
    tag = tag if tag in {t.slug for t in tags} else ""
    kind = request.GET.get("type", "")
    kind = kind if kind in Resource.Kind.values else ""
    language = request.GET.get("language", "")
    language = language if language in {"en", "es"} else ""
    return render(
        request,
        "library/list.html",
        {
            "resources": domain.search(q, tag=tag, kind=kind, language=language),
            "q": q,
            "tag": tag,
            "kind": kind,
            "language": language,
            "tags": tags,
            "kinds": Resource.Kind.choices,
            "filtered": bool(q or tag or kind or language),
        },
    )


def resource(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "library/detail.html", {"resource": _resource(slug)})


def download(request: HttpRequest, slug: str) -> HttpResponseBase:
    item = _resource(slug)
    if not item.file:
        raise Http404
    return attachment(item.file, filename=item.slug)
