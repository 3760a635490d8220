"""The audit log survives its own app: on PostgreSQL the role ``hub init`` sets up for the
running hub can add records but cannot change, delete or truncate them, nor disable the
triggers; and every record is chained by hash to the one before, so ``audit_verify``
finds a record changed or deleted even by the tables' owner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from portal_factories import (
    World,
    fast_passwords,  # noqa: F401  (autouse)
    world,
)

from wellchild.hub.portal import audit
from wellchild.hub.portal.models import AuditEvent

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def w(tmp_path: Path) -> World:
    return world(tmp_path)


def _reads(w: World, times: int) -> list[int]:
    nurse = Client(REMOTE_ADDR="203.0.113.7")
    nurse.force_login(w.users["A nurse"], backend=BACKEND)
    for n in range(times):
        nurse.get(reverse("portal:gap-list", args=[w.a.key]), {"page": n + 1})
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))


def _verify() -> tuple[str, str]:
    """audit_verify's output, and its error ('' when the chain is whole)."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), ""


def _as_owner(sql: str, params: list[object]) -> None:
    """What the tables' owner can still do: lift the row trigger, change, restore it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE portal_auditevent ENABLE TRIGGER portal_auditevent_append_only"
            )


def test_each_record_is_chained_to_the_one_before(w: World) -> None:
    ids = _reads(w, 3)
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.chain for e in events] == [
        audit.chain_hash(previous, e)
        for previous, e in zip(["", *[e.chain for e in events]], events, strict=False)
    ]
    assert len({e.chain for e in events}) == len(ids) == 3
    assert _verify() == ("3 audit records; the chain is whole.\n", "")


def test_verify_reports_a_record_changed_by_the_owner(w: World) -> None:
    ids = _reads(w, 3)
    _as_owner("UPDATE portal_auditevent SET children = 0 WHERE id = %s", [ids[1]])
    out, error = _verify()
    assert error == "The audit log's chain is broken in 1 places."
    assert f"BREAK at record {ids[1]} " in out
    assert f"after record {ids[0]})" in out


def test_verify_reports_a_record_deleted_by_the_owner(w: World) -> None:
    ids = _reads(w, 3)
    _as_owner("DELETE FROM portal_auditevent WHERE id = %s", [ids[1]])
    out, error = _verify()
    assert error
    assert f"BREAK at record {ids[2]} " in out
    assert f"after record {ids[0]})" in out


def test_postgresql_refuses_truncate(w: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the triggers are PostgreSQL's; `make test` runs this with DATABASE_URL set")
    _reads(w, 1)
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE portal_auditevent")
    assert AuditEvent.objects.count() == 1


# The app's role, set up by `wellchild hub init` on a database of its own.
@pytest.fixture
def fresh_database() -> Iterator[tuple[str, str]]:
    """A new PostgreSQL database and an application role name, dropped afterwards."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if connection.vendor != "postgresql" or not url:
        pytest.skip("the application role is PostgreSQL's; run with DATABASE_URL set")
    name, role = f"wellchild_hub_role_{os.getpid()}", f"wellchild_app_{os.getpid()}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}")), role
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'DROP ROLE IF EXISTS "{role}"')


def _hub(tmp_path: Path, url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WELLCHILD_", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "wellchild", "hub", *args],
        env={**clean, "WELLCHILD_HUB_DATA_DIR": str(tmp_path), "DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


RECORD = """
from django.test import RequestFactory
from django.contrib.auth.models import AnonymousUser
from wellchild.hub.portal import audit
request = RequestFactory().get("/practice/audit/")
request.user = AnonymousUser()
audit.record(request, action="export audit", practice=None, children=0, detail="as the app")
"""


def test_the_apps_role_cannot_erase_the_audit_log(
    tmp_path: Path, fresh_database: tuple[str, str]
) -> None:
    import psycopg
    from psycopg import errors

    owner_url, role = fresh_database
    done = _hub(tmp_path, owner_url, "init", "--no-input", "--app-role", role)
    assert done.returncode == 0, done.stderr
    assert f"Application role {role!r}" in done.stdout
    app_url = urlunsplit(urlsplit(owner_url)._replace(netloc=f"{role}@127.0.0.1:5432"))

    # The hub runs as the app's role: it writes audit records and verifies the chain.
    for _ in range(2):
        wrote = _hub(tmp_path, app_url, "manage", "shell", "-c", RECORD)
        assert wrote.returncode == 0, wrote.stderr
    verified = _hub(tmp_path, app_url, "manage", "audit_verify")
    assert verified.returncode == 0, verified.stderr
    assert "2 audit records; the chain is whole." in verified.stdout

    refused = {
        "UPDATE portal_auditevent SET children = 1": errors.InsufficientPrivilege,
        "DELETE FROM portal_auditevent": errors.InsufficientPrivilege,
        "TRUNCATE portal_auditevent": errors.InsufficientPrivilege,
        "ALTER TABLE portal_auditevent DISABLE TRIGGER ALL": errors.InsufficientPrivilege,
        "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_append_only": (
            errors.InsufficientPrivilege
        ),
        "DROP TRIGGER portal_auditevent_no_truncate ON portal_auditevent": (
            errors.InsufficientPrivilege
        ),
        "DROP TABLE portal_auditevent": errors.InsufficientPrivilege,
        "SET session_replication_role = replica": errors.InsufficientPrivilege,
    }
    with psycopg.connect(app_url, autocommit=True) as db:
        assert db.execute("SELECT current_user").fetchone() == (role,)
        for sql, error in refused.items():
            with pytest.raises(error, match=r"permission denied|must be (the )?owner"):
                db.execute(sql)
        # Everything else it needs, it has: the rows of the other tables.
        assert db.execute("SELECT count(*) FROM portal_practice").fetchone() == (0,)
        db.execute("DELETE FROM django_session")
        assert db.execute("SELECT count(*) FROM portal_auditevent").fetchone() == (2,)
    # Even the owner's TRUNCATE is refused by the trigger.
    with (
        psycopg.connect(owner_url, autocommit=True) as db,
        pytest.raises(errors.InsufficientPrivilege, match="append-only: TRUNCATE refused"),
    ):
        db.execute("TRUNCATE portal_auditevent")
    verified = _hub(tmp_path, app_url, "manage", "audit_verify")
    assert "2 audit records; the chain is whole." in verified.stdout
