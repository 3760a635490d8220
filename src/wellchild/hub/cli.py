"""``wellchild hub``: set up, serve and administer the learning-community hub.

Django is imported inside each command, so ``wellchild --help`` stays quick. Every
problem a user can fix is a :class:`~wellchild.errors.WellchildError`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wellchild import config
from wellchild.hub import (
    conf,  # noqa: F401  (registers the hub's settings)
    setup,
    setup_site,
)
from wellchild.hub.demo import load_demo

out = Console(highlight=False, soft_wrap=True)

app = typer.Typer(
    name="hub",
    help="The learning-community hub: a website to join, find participants, follow the "
    "meetings, search the resource library and get the mailing list.",
    epilog="Examples:\n\n    wellchild hub init --demo\n\n    wellchild hub serve --dev",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


def _data_dir() -> Path:
    path: Path = config.get("hub_data_dir")
    return path.resolve()


@app.command(
    epilog="Examples:\n\n"
    "    wellchild hub init --demo\n\n"
    "    WELLCHILD_HUB_ADMIN_EMAIL=lead@example.org WELLCHILD_HUB_ADMIN_PASSWORD_FILE=/run/pw "
    "wellchild hub init --no-input"
)
def init(
    demo: Annotated[
        bool, typer.Option("--demo", help="Also load synthetic demo content and logins.")
    ] = False,
    no_input: Annotated[
        bool,
        typer.Option(
            "--no-input",
            help="Never prompt: take the first coordinator from WELLCHILD_HUB_ADMIN_EMAIL and "
            "WELLCHILD_HUB_ADMIN_PASSWORD, or create none and say so. Without a terminal "
            "it never prompts either.",
        ),
    ] = False,
    app_role: Annotated[
        str | None,
        typer.Option(
            "--app-role",
            help="PostgreSQL: create or update this least-privilege role for `hub serve` "
            "(default WELLCHILD_HUB_APP_ROLE); run init itself as the tables' owner.",
        ),
    ] = None,
) -> None:
    """Create or upgrade the hub's database and files, and the first coordinator account.

    Safe to run again after an upgrade: it applies new migrations and changes nothing else.
    """
    data_dir = _data_dir()
    setup_site.prepare_data_dir(data_dir, production=config.get("hub_production"))
    setup()
    setup_site.migrate(quiet=True)
    out.print(f"Database ready ({setup_site.database_label()}); files in {data_dir}")
    role = app_role or config.get("hub_app_role")
    if role:
        setup_site.grant_app_role(role, password=config.get("hub_app_role_password"))
        out.print(
            f"Application role {role!r}: reads and adds audit records, never changes, "
            "deletes or truncates them; owns no table. Serve with a DATABASE_URL naming it."
        )
    email, password = config.get("hub_admin_email"), config.get("hub_admin_password")
    if not setup_site.has_coordinator():
        # Ask only a person at a terminal; a script or a pipe gets told what was not done.
        can_ask = not no_input and not demo and sys.stdin.isatty()
        if (email is None or password is None) and can_ask:
            email = email or typer.prompt("Coordinator email")
            password = password or typer.prompt(
                "Coordinator password", hide_input=True, confirmation_prompt=True
            )
        if email and password:
            setup_site.create_coordinator(email=email, password=password)
            out.print(f"Coordinator account: {email}")
        elif not demo:
            missing = " and ".join(
                name
                for name, value in (
                    ("WELLCHILD_HUB_ADMIN_EMAIL", email),
                    ("WELLCHILD_HUB_ADMIN_PASSWORD (or _FILE)", password),
                )
                if not value
            )
            out.print(
                f"No coordinator account was created: {missing} not set"
                + ("" if no_input else " and no terminal to ask at")
                + ". Set them and run `wellchild hub init` again, or run it at a terminal "
                "to be asked; nobody can sign in to manage the hub until then.",
                markup=False,
            )
    if demo:
        logins = load_demo()
        out.print(f"Demo content loaded. Demo logins (password for each: {logins.password}):")
        for role, login in logins.accounts.items():
            out.print(f"  {role:<22} {login}")


@app.command(
    epilog="Examples:\n\n"
    "    wellchild hub serve --dev\n\n"
    "    WELLCHILD_HUB_PRODUCTION=1 wellchild hub serve --host 0.0.0.0 --port 8000 --workers 4"
)
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    dev: Annotated[
        bool, typer.Option("--dev", help="Django's development server instead of gunicorn.")
    ] = False,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes.")] = 3,
    mail_worker: Annotated[
        bool,
        typer.Option(
            "--mail-worker/--no-mail-worker",
            help="Also run the background sender of list mail (run it once per site).",
        ),
    ] = True,
) -> None:
    """Serve the hub, with the background mail sender beside it, until interrupted."""
    setup()
    setup_site.require_ready()
    python = sys.executable
    if dev:
        server = [python, "-m", "django", "runserver", f"{host}:{port}", "--noreload"]
    else:
        server = [
            python,
            "-m",
            "gunicorn",
            "wellchild.hub.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wellchild.hub.settings"}
    commands = [server]
    if mail_worker:
        commands.append([python, "-m", "django", "send_list_mail"])
    _run(commands, env=env, started=f"The hub is at http://{host}:{port}/ (Ctrl-C stops it)")


class _Stop(Exception):
    """Raised in the main thread by SIGTERM or SIGINT, to stop the hub's processes."""


def _stop(signum: int, frame: object) -> None:
    raise _Stop(signal.Signals(signum).name)


def _run(
    commands: list[list[str]], *, env: dict[str, str], started: str, grace: float = 30.0
) -> None:
    """Start the commands and run until one ends or SIGTERM or SIGINT arrives; then stop
    every one still running.

    Each gets SIGTERM (gunicorn lets its workers finish their requests, the mail sender
    its batch) and ``grace`` seconds before it is killed, so stopping the hub leaves no
    process behind and its port closed. The handlers are in place before the first
    child starts, so no signal finds a child without the parent that stops it.
    """
    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    children: list[subprocess.Popen[bytes]] = []
    try:
        for command in commands:
            children.append(subprocess.Popen(command, env=env))
        out.print(started)
        os.wait()
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        # A second signal while stopping must not cut the waiting short.
        for s in previous:
            signal.signal(s, signal.SIG_IGN)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for s, handler in previous.items():
            signal.signal(s, handler)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    epilog="Examples:\n\n"
    "    wellchild hub manage check --deploy --fail-level WARNING\n\n"
    "    wellchild hub manage send_list_mail --once\n\n"
    "    wellchild hub manage changepassword coordinator@example.org",
)
def manage(
    ctx: typer.Context,
    args: Annotated[
        list[str] | None, typer.Argument(help="A Django management command and its options.")
    ] = None,
) -> None:
    """Run any Django management command against the hub's settings."""
    # Django is the hub's optional dependency, loaded only by the commands that need it
    from django.core.management import execute_from_command_line

    setup()
    execute_from_command_line(["wellchild hub manage", *(args or []), *ctx.args])
