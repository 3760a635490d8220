"""Every email the hub sends is built here: a subject, a plain-text part and an HTML part,
rendered from templates in the recipient's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation


def absolute(path: str) -> str:
    """A link for an email: the site's public address plus ``path``."""
    return f"{settings.SITE_URL}{path}"


def build(
    template: str,
    *,
    to: Sequence[str],
    context: Mapping[str, Any],
    language: str = "en",
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] = (),
) -> EmailMultiAlternatives:
    """Render ``emails/<template>_subject.txt``, ``.txt`` and ``.html`` into one message."""
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=list(to),
        headers=dict(headers or {}),
        reply_to=list(reply_to),
    )
    message.attach_alternative(html, "text/html")
    return message


def send(
    template: str,
    *,
    to: Sequence[str],
    context: Mapping[str, Any],
    language: str = "en",
    reply_to: Sequence[str] = (),
    connection: BaseEmailBackend | None = None,
) -> None:
    """Build and send one message now (confirmations and the contact form)."""
    message = build(template, to=to, context=context, language=language, reply_to=reply_to)
    message.connection = connection or get_connection()
    message.send()
