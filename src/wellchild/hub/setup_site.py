"""What ``wellchild hub init`` and ``serve`` do to a site: folders, schema, first account."""

from __future__ import annotations

import secrets
from pathlib import Path

from wellchild.errors import WellchildError


def prepare_data_dir(data_dir: Path, *, production: bool) -> None:
    """Create the data folder; in development keep a secret key there across restarts."""
    for sub in ("media", "outbox", "static"):
        (data_dir / sub).mkdir(parents=True, exist_ok=True)
    key = data_dir / "secret_key"
    if not production and not key.exists():
        key.write_text(secrets.token_urlsafe(50))
        key.chmod(0o600)


def migrate(*, quiet: bool) -> None:
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)
    call_command("createcachetable", verbosity=0)
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.settings_dict['NAME']}"
    return f"PostgreSQL {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}"


def has_coordinator() -> bool:
    from wellchild.hub.community.domain import coordinator_emails

    return bool(coordinator_emails())


def create_coordinator(*, email: str, password: str, name: str = "Coordinator") -> None:
    """A confirmed, staff account in the coordinators group, with a profile."""
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
