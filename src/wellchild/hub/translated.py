"""Content in the reader's language: its Spanish version where one was written, else the
English, which the page then marks as English.

Content the coordinators write (meetings, resources, site texts) and the measures' own
texts carry an optional Spanish version in a field named like the English one with
``_es`` (``title`` / ``title_es``; or ``title_en`` / ``title_es``).
"""

from __future__ import annotations

from django.utils import translation


def pick(obj: object, name: str) -> tuple[str, bool]:
    """``(text, is_english_fallback)`` of field ``name`` in the active language."""
    english = str(getattr(obj, name, None) or getattr(obj, f"{name}_en", None) or "")
    language = (translation.get_language() or "en").split("-")[0]
    if language == "en":
        return english, False
    other = str(getattr(obj, f"{name}_{language}", None) or "")
    if other.strip():
        return other, False
    return english, bool(english.strip())


def text(obj: object, name: str) -> str:
    return pick(obj, name)[0]
