"""``{{ meeting|localized:"title" }}`` and ``{{ meeting|english_mark:"title" }}``: a field
in the reader's language, and the mark that says it is shown in English (none needed)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wellchild.hub import translated

register = template.Library()


@register.filter
def localized(obj: object, name: str) -> str:
    return translated.text(obj, name)


@register.filter
def english_mark(obj: object, name: str) -> SafeString:
    if not translated.pick(obj, name)[1]:
        return SafeString("")
    return format_html(' <span class="flag">{}</span>', _("in English"))
