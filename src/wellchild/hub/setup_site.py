"""What ``wellchild hub init`` and ``serve`` do to a site: folders, schema, first account."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from wellchild.errors import WellchildError

if TYPE_CHECKING:
    from django.apps.registry import Apps


def grant_coordinators(apps: Apps, app_label: str, codenames: Iterable[str]) -> None:
    """In a migration: create the app's permissions now (Django makes them only after
    every migration ran) and give the named ones to the coordinators group."""
    # Django is the hub's optional dependency: this module is imported without it
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config(app_label)
    config.models_module = True  # type: ignore[assignment]
    create_permissions(config, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="coordinators")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )


def prepare_data_dir(data_dir: Path, *, production: bool) -> None:
    """Create the data folder; in development keep a secret key there across restarts."""
    for sub in ("media", "outbox", "static"):
        (data_dir / sub).mkdir(parents=True, exist_ok=True)
    key = data_dir / "secret_key"
    if not production and not key.exists():
        key.write_text(secrets.token_urlsafe(50))
        key.chmod(0o600)


def migrate(*, quiet: bool) -> None:
    # Django is the hub's optional dependency: this module is imported without it
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)
    call_command("createcachetable", verbosity=0)
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)


# The audit log: the app's role may read and add records, nothing more.
AUDIT_TABLE = "portal_auditevent"
# Read only for the app: which migrations ran.
READ_ONLY_TABLES = ("django_migrations",)


def grant_app_role(role: str, *, password: str | None = None) -> None:
    """Create (or bring up to date) the PostgreSQL role the running hub connects as.

    Run as the owner of the tables, after the migrations: the role gets the rows of every
    table of the schema, but on the audit log only SELECT and INSERT, so it can neither
    change nor delete nor truncate a record; it owns nothing, so it cannot disable the
    audit log's triggers or alter a table either. Run it again after each upgrade (``hub
    init`` does), so new tables are granted too.
    """
    # Django and psycopg are the hub's optional dependencies
    from django.db import connection
    from psycopg import sql

    if connection.vendor != "postgresql":
        raise WellchildError(
            "An application role is for PostgreSQL; this hub uses SQLite.",
            hint="Unset WELLCHILD_HUB_APP_ROLE, or set DATABASE_URL to a PostgreSQL database.",
        )
    name = sql.Identifier(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        owner, database, schema = cursor.fetchone()
        if owner == role:
            raise WellchildError(
                f"`hub init` is connected as {role!r}, the application role itself.",
                hint="Run `hub init` with a DATABASE_URL of the tables' owner.",
            )
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner = %s",
            [schema, role],
        )
        owned = [row[0] for row in cursor.fetchall()]
        if owned:
            raise WellchildError(
                f"The role {role!r} owns tables of the hub ({', '.join(owned)}), so it could "
                "disable the audit log's triggers.",
                hint="Give them to the migrating role: ALTER TABLE ... OWNER TO <owner>.",
            )
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name))
        cursor.execute(
            sql.SQL(
                "ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            ).format(name)
        )
        if password:
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password)))
        schema_id = sql.Identifier(schema)
        for statement in (
            "GRANT CONNECT ON DATABASE {db} TO {role}",
            "GRANT USAGE ON SCHEMA {schema} TO {role}",
            "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        ):
            cursor.execute(
                sql.SQL(statement).format(db=sql.Identifier(database), schema=schema_id, role=name)
            )
        for table, privileges in (
            (AUDIT_TABLE, "SELECT, INSERT"),
            *((t, "SELECT") for t in READ_ONLY_TABLES),
        ):
            table_id = sql.Identifier(schema, table)
            cursor.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(table_id, name))
            cursor.execute(sql.SQL(f"GRANT {privileges} ON {{}} TO {{}}").format(table_id, name))


def database_label() -> str:
    # Django is the hub's optional dependency: this module is imported without it
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.settings_dict['NAME']}"
    return f"PostgreSQL {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}"


def has_coordinator() -> bool:
    # Django set-up: the models load once setup() has run
    from wellchild.hub.community.domain import coordinator_emails

    return bool(coordinator_emails())


def create_coordinator(*, email: str, password: str, name: str = "Coordinator") -> None:
    """A confirmed, staff account in the coordinators group, with a profile."""
    # Django set-up: the models load once setup() has run
    from django.contrib.auth import get_user_model, password_validation
    from django.contrib.auth.models import Group
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from wellchild.hub.community.models import Person
    from wellchild.hub.roles import COORDINATORS

    email = email.strip().lower()
    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        raise WellchildError(
            "The coordinator password is too weak: " + " ".join(exc.messages)
        ) from None
    user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
    user.set_password(password)
    user.is_staff = True
    user.is_active = True
    user.save()
    user.groups.add(Group.objects.get(name=COORDINATORS))
    Person.objects.get_or_create(
        user=user, defaults={"name": name, "email_confirmed_at": timezone.now()}
    )


def require_ready() -> None:
    """Stop with a clear message when ``hub init`` has not been run on this database."""
    # Django is the hub's optional dependency: this module is imported without it
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        raise WellchildError(
            f"The hub's database cannot be opened: {exc}", hint="Run `wellchild hub init`."
        ) from None
    if pending:
        raise WellchildError(
            f"The hub's database is not up to date ({len(pending)} migrations to apply).",
            hint="Run `wellchild hub init` first.",
        )
