"""Full-text search of the library: PostgreSQL's own search, or SQLite's FTS5, both
stemming words ("referrals" finds "referral").

Both index the same text, kept in ``Resource.search_text``: title and summary in both
languages, the tag names and the words inside an uploaded PDF or Office file. On
PostgreSQL ``Resource.search_vector`` holds it parsed with the English and the Spanish
configurations, and a query is parsed with both (and the visitor's language first); on
SQLite a trigger-maintained FTS5 table with the Porter stemmer mirrors it.
"""

from __future__ import annotations

import functools
import operator
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import CombinedExpression
from django.utils import translation

from wellchild.hub.library.extract import file_text
from wellchild.hub.library.models import Resource

_WORD = re.compile(r"\w+", re.UNICODE)
#: PostgreSQL's text search configuration of each interface language.
CONFIGS = {"en": "english", "es": "spanish"}


def searchable_text(resource: Resource) -> str:
    """What search reads of a resource: its texts in both languages, its tags' names and
    the words of its file."""
    tags = " ".join(f"{t.name_en} {t.name_es}" for t in resource.tags.all())
    inside = ""
    if resource.file:
        with resource.file.open("rb") as stream:
            inside = file_text(resource.file.name, stream)
    parts = [resource.title, resource.title_es, resource.summary, resource.summary_es, tags, inside]
    return " ".join(part for part in parts if part)


def reindex(*, resource: Resource) -> None:
    """Refresh the searchable text after the resource, its tags or its file changed."""
    text = searchable_text(resource)
    Resource.objects.filter(pk=resource.pk).update(search_text=text)
    if connection.vendor == "postgresql":
        Resource.objects.filter(pk=resource.pk).update(search_vector=document())
    resource.search_text = text


def document() -> CombinedExpression:
    """The stored text parsed by every language's configuration (PostgreSQL)."""
    english, spanish = (SearchVector("search_text", config=c) for c in CONFIGS.values())
    return english + spanish + SearchVector("search_text", config="simple")


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
        # Every word, stemmed by a language's configuration, as a prefix ("vis" → visit);
        # the visitor's language first, then the others, then unstemmed ('simple').
        raw = " & ".join(f"{w}:*" for w in words)
        reader = CONFIGS.get((translation.get_language() or "en").split("-")[0], "english")
        configs = dict.fromkeys([reader, *CONFIGS.values(), "simple"])
        terms = functools.reduce(
            operator.or_, (SearchQuery(raw, search_type="raw", config=c) for c in configs)
        )
        return list(
            resources.annotate(rank=SearchRank(F("search_vector"), terms))
            .filter(search_vector=terms)
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
