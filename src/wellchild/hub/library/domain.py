"""Full-text search of the library: PostgreSQL's own search, or SQLite's FTS5.

Both index the same text (title, summary and tag names in both languages, kept in
``Resource.search_text``); on SQLite a trigger-maintained FTS5 table mirrors it.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import QuerySet

from wellchild.hub.library.models import Resource

_WORD = re.compile(r"\w+", re.UNICODE)


def reindex(*, resource: Resource) -> None:
    """Refresh the searchable text after the resource or its tags changed."""
    tags = " ".join(f"{t.name_en} {t.name_es}" for t in resource.tags.all())
    text = " ".join(
        [resource.title, resource.title_es, resource.summary, resource.summary_es, tags]
    )
    Resource.objects.filter(pk=resource.pk).update(search_text=text)
    resource.search_text = text


def filtered(*, tag: str = "", kind: str = "", language: str = "") -> QuerySet[Resource]:
    resources = Resource.objects.prefetch_related("tags")
    if tag:
        resources = resources.filter(tags__slug=tag)
    if kind:
        resources = resources.filter(kind=kind)
    if language:
        resources = resources.filter(language=language)
    return resources


def search(query: str, *, tag: str = "", kind: str = "", language: str = "") -> list[Resource]:
    """Resources matching every word of ``query`` (best first), within the filters."""
    resources = filtered(tag=tag, kind=kind, language=language)
    words = _WORD.findall(query)
    if not words:
        return list(resources)
    if connection.vendor == "postgresql":
        # 'simple' keeps Spanish and English words alike; prefix match finds "vis" → visit.
        terms = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="simple")
        vector = SearchVector("search_text", config="simple")
        return list(
            resources.annotate(document=vector, rank=SearchRank(vector, terms))
            .filter(document=terms)
            .order_by("-rank", "-published_on")
        )
    ranked = _fts5(words)
    order = {pk: i for i, pk in enumerate(ranked)}
    return sorted(resources.filter(pk__in=ranked), key=lambda r: order[r.pk])


def _fts5(words: list[str]) -> list[int]:
    # Each word is quoted, so no user text is read as FTS5 syntax.
    match = " ".join(f'"{w}"*' for w in words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM library_resource_fts WHERE library_resource_fts MATCH %s "
            "ORDER BY rank",
            [match],
        )
        return [row[0] for row in cursor.fetchall()]
