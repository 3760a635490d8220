"""The hub's settings, declared in wellchild's registry, and how they become Django's.

Importing this module registers the settings (so ``wellchild`` refuses unknown
``WELLCHILD_*`` variables and documents these). It does not import Django: the command
line stays quick. ``DATABASE_URL`` keeps its conventional name, shared with hosting
platforms, so it is read here rather than registered.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from wellchild import config
from wellchild.config import Setting, parse_bool, parse_positive_int
from wellchild.errors import ConfigError


def parse_list(text: str) -> list[str]:
    """Comma-separated values, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_seconds(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(f"expected 0 or more seconds, found {text!r}")
    return value


def parse_redis_url(text: str) -> str:
    """A Redis address as redis-py reads it (``redis://``, ``rediss://`` or ``unix://``)."""
    if urlsplit(text).scheme not in {"redis", "rediss", "unix"}:
        raise ValueError(f"expected an address like redis://127.0.0.1:6379/0, found {text!r}")
    return text


for _setting in (
    Setting(
        "hub_production",
        "0",
        "Run the hub with production settings: HTTPS only, secure cookies, HSTS, no debug "
        "pages; needs `WELLCHILD_SECRET_KEY`, `WELLCHILD_ALLOWED_HOSTS` and an SMTP server.",
        parse_bool,
    ),
    Setting(
        "secret_key",
        None,
        "Django's secret key, at least 50 random characters (signs sessions and email "
        "links). Required in production; in development one is kept in the data folder.",
        secret=True,
    ),
    Setting(
        "allowed_hosts",
        "127.0.0.1,localhost",
        "Host names the hub answers to, comma-separated (e.g. hub.example.org).",
        parse_list,
    ),
    Setting(
        "hub_data_dir",
        "hub-data",
        "Folder for the hub's SQLite database, uploaded files, collected static files and "
        "(without SMTP) the mail outbox.",
        Path,
    ),
    Setting(
        "hub_site_url",
        "http://127.0.0.1:8000",
        "Public address of the hub, used for the links in emails (confirm, unsubscribe).",
    ),
    Setting(
        "hub_from_email",
        "wellchild hub <hub@localhost>",
        "Sender address of every email the hub sends.",
    ),
    Setting(
        "email_host",
        None,
        "SMTP server for outgoing mail; unset in development means mail is written as files "
        "to `<data dir>/outbox`.",
    ),
    Setting("email_port", "587", "SMTP port.", parse_positive_int),
    Setting("email_host_user", None, "SMTP user name, if the server needs one."),
    Setting("email_host_password", None, "SMTP password.", secret=True),
    Setting("email_use_tls", "1", "Use STARTTLS with the SMTP server.", parse_bool),
    Setting(
        "hub_mail_batch",
        "50",
        "How many list messages the background sender sends per SMTP connection.",
        parse_positive_int,
    ),
    Setting(
        "hub_contact_limit",
        "5",
        "How many contact-form messages one address may send per hour.",
        parse_positive_int,
    ),
    Setting(
        "hub_app_role",
        None,
        "PostgreSQL role the running hub connects as: `wellchild hub init` (connected as "
        "the owner of the tables) creates it or updates its grants: rows of every table, "
        "but only SELECT and INSERT on the audit log, and owner of nothing. Serve with a "
        "`DATABASE_URL` naming this role.",
    ),
    Setting(
        "hub_app_role_password",
        None,
        "Password `wellchild hub init` sets on that role (unset: the role's password is "
        "left as it is).",
        secret=True,
    ),
    Setting(
        "hub_idle_minutes",
        "30",
        "Minutes without a request after which a coordinator or practice staff member is "
        "signed out.",
        parse_positive_int,
    ),
    Setting(
        "hub_cache_url",
        None,
        "Redis server of the hub's cache, e.g. `redis://127.0.0.1:6379/0`: pages for "
        "visitors, chart data and counters shared by every server process. Unset: a cache "
        "in each process's memory, with the database keeping what the processes share.",
        parse_redis_url,
    ),
    Setting(
        "hub_page_cache_seconds",
        "120",
        "How long a page is served from the cache to visitors who are not signed in "
        "(0: never); publishing, withdrawing or editing content renews every page at once.",
        parse_seconds,
    ),
    Setting(
        "hub_admin_email",
        None,
        "Email of the first coordinator account that `wellchild hub init` creates without "
        "asking (with `WELLCHILD_HUB_ADMIN_PASSWORD`).",
    ),
    Setting(
        "hub_admin_password",
        None,
        "Password of that first coordinator account.",
        secret=True,
    ),
):
    config.register(_setting)


def database(environ: Mapping[str, str] | None = None, *, data_dir: Path) -> dict[str, Any]:
    """Django's ``DATABASES["default"]``: PostgreSQL from ``DATABASE_URL``, else SQLite.

    ``DATABASE_URL`` (or a file named by ``DATABASE_URL_FILE``) has the form
    ``postgresql://user:password@host:port/name?sslmode=require``.

    Examples
    --------
    >>> database({"DATABASE_URL": "postgresql://hub:s%40fe@db:6432/hub"}, data_dir=Path("x"))[
    ...     "PORT"]
    '6432'
    >>> database({}, data_dir=Path("x"))["ENGINE"]
    'django.db.backends.sqlite3'
    """
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL")
    if url is None and (path := environ.get("DATABASE_URL_FILE")):
        url = Path(path).read_text(encoding="utf-8").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir / "hub.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"} or not parts.path.strip("/"):
        raise ConfigError(
            f"DATABASE_URL must look like postgresql://user:password@host:5432/name, "
            f"found scheme {parts.scheme!r}",
            hint="Unset DATABASE_URL to use SQLite in the data folder.",
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.strip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
