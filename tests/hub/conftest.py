"""Fixtures of the hub's tests: the database (SQLite, or PostgreSQL with DATABASE_URL),
uploads in a temporary folder, a real SMTP server, and personas."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import factories as make
import pytest
from factories import Personas, Received

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make there are ordinary blocking calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """A test database of its own per run, so two runs on one PostgreSQL never collide.

    On SQLite the test database is a file too, not Django's shared in-memory one: the
    live server's thread then has its own connection and waits for a lock like any
    server would, instead of sharing the test's connection (where a request still
    reading when a test flushes the tables fails with "database table is locked")."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        db.setdefault("TEST", {})["NAME"] = f"test_wellchild_hub_{os.getpid()}"
    else:
        name = Path(tempfile.gettempdir()) / f"test_wellchild_hub_{os.getpid()}.sqlite3"
        db.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(autouse=True)
def _audit_triggers_allow_the_test_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """On PostgreSQL a trigger refuses TRUNCATE of the audit log, and Django empties the
    database after a live-server test with TRUNCATE. Triggers do not fire in a session in
    replica mode, which only a superuser may set (the tests connect as one; the hub's
    own role cannot): so each test runs in the normal mode, and the flush after a
    transactional test in replica mode."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
    yield
    if marker.kwargs.get("transaction"):
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _caches(settings: Any) -> None:
    """Each test starts with empty caches and makes every page fresh (the page cache's own
    tests turn it on): tests roll the database back, but not the process's memory."""
    from django.core.cache import caches

    from wellchild.hub import pagecache

    settings.PAGE_CACHE_SECONDS = 0
    caches["default"].clear()
    pagecache._memo["read_at"] = float("-inf")


class _Handler:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Received]:
    """A real SMTP server on a free port, and the hub's mail pointed at it."""
    from aiosmtpd.controller import Controller

    handler = _Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield Received(handler)
    finally:
        controller.stop()


@pytest.fixture
def personas() -> Personas:
    plan = make.organization("Golden Valley Health Plan", county="Los Angeles")
    clinic = make.organization(
        "Riverbend Family Clinic", category="health-care-providers", county="Sacramento"
    )
    pending = make.organization(
        "Northern Network", category="stakeholders-advocates", approved=False, county="Shasta"
    )
    return Personas(
        coordinator=make.coordinator(),
        plan=plan,
        clinic=clinic,
        pending_org=pending,
        plan_admin=make.person("Ana Admin", org=plan, admin=True),
        plan_member=make.person("Ben Member", org=plan),
        plan_unlisted=make.person("Una Unlisted", org=plan, listed=False),
        plan_requesting=make.person("Rita Requesting", org=plan, confirmed_member=False),
        clinic_admin=make.person("Dana Doctor", org=clinic, admin=True),
        loner=make.person("Gil Loner"),
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every hub test may use the database (tests/conftest.py's ``db`` is the DuckDB store)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents and "browser" not in item.keywords:
            item.add_marker(pytest.mark.django_db)
    # Live-server tests flush the tables, seeded rows included: run them last.
    items.sort(key=lambda item: "browser" in item.keywords)


# Browser tests (marked ``browser``): Debian's Chromium driven by Playwright against a live
# server; ``browsing.axe`` checks a page.
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make install` as root, or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # The hub's CSP allows no injected script; bypassing it lets axe run in the page.
    context = browser.new_context(bypass_csp=True, locale="en-US", accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    settings.SITE_URL = live_server.url
    return str(live_server.url)
