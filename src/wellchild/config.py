"""Every setting of wellchild, declared once: name, default, help.

A setting is read from the environment variable ``WELLCHILD_<NAME>``; a secret may
instead come from a file named by ``WELLCHILD_<NAME>_FILE``. An environment variable
that starts with ``WELLCHILD_`` but names no setting stops start-up, so a typo never
silently falls back to a default. ``docs/configuration.md`` documents each setting
(a test keeps the two in step).

Examples
--------
>>> from wellchild import config
>>> config.SETTINGS["db"].env
'WELLCHILD_DB'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wellchild.errors import ConfigError

PREFIX = "WELLCHILD_"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default (as text), help and how its text is parsed."""

    name: str
    default: str | None
    help: str
    parse: Callable[[str], Any] = str
    secret: bool = False

    @property
    def env(self) -> str:
        return PREFIX + self.name.upper()


SETTINGS: dict[str, Setting] = {}


def register(setting: Setting) -> Setting:
    """Add a setting to the registry; later stages register theirs at import time."""
    if setting.name in SETTINGS and SETTINGS[setting.name] != setting:
        raise ValueError(f"setting {setting.name!r} is declared twice")
    SETTINGS[setting.name] = setting
    return setting


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, found {text!r}")


def parse_positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(f"expected a whole number of at least 1, found {text!r}")
    return value


_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB|%)\s*$", re.IGNORECASE)


def parse_memory(text: str) -> str:
    if not _MEMORY.match(text):
        raise ValueError(f"expected an amount such as 4GB, 512MB or 50%, found {text!r}")
    return text.strip().replace(" ", "")


register(
    Setting(
        "db",
        "wellchild.duckdb",
        "Path of the DuckDB store that `load` writes and every later stage reads "
        "(the `--db` option overrides it).",
        Path,
    )
)
register(
    Setting(
        "memory_limit",
        "3GB",
        "Most memory the DuckDB engine may use before it spills to disk (4GB, 512MB, 50%).",
        parse_memory,
    )
)
register(
    Setting(
        "threads",
        None,
        "Worker threads for the DuckDB engine; unset means one per CPU core.",
        parse_positive_int,
    )
)
register(
    Setting(
        "temp_dir",
        None,
        "Folder where the engine spills intermediate data; unset means `<db>.tmp` beside "
        "the store.",
        Path,
    )
)
register(
    Setting(
        "problem_examples",
        "5",
        "How many example rows `load` shows for each kind of problem (all are counted).",
        parse_positive_int,
    )
)


def parse_days(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(f"expected 0 or more days, found {text!r}")
    return value


register(
    Setting(
        "telehealth",
        "true",
        "Count well-child visits given by telehealth (place of service 02 or 10), as NCQA "
        "has allowed since MY2020; false counts in-person visits only.",
        parse_bool,
    )
)
register(
    Setting(
        "visit_spacing_days",
        "0",
        "Minimum days between two counted well-child visits (some plans ask for 14); 0, "
        "the measure's own rule, counts visits on any different dates.",
        parse_days,
    )
)


register(
    Setting(
        "spark_master",
        "local[2]",
        "Spark master URL for `wellchild measure --engine spark` (local[2], spark://host:7077, "
        "yarn, k8s://…); `--spark-master` overrides it.",
    )
)


def check_environment(environ: Mapping[str, str] | None = None) -> None:
    """Refuse ``WELLCHILD_*`` variables that name no setting or hold an unusable value."""
    environ = os.environ if environ is None else environ
    known = {s.env for s in SETTINGS.values()}
    known |= {s.env + "_FILE" for s in SETTINGS.values() if s.secret}
    unknown = sorted(k for k in environ if k.startswith(PREFIX) and k not in known)
    if unknown:
        raise ConfigError(
            f"Unknown setting{'s' if len(unknown) > 1 else ''} in the environment: "
            + ", ".join(unknown),
            hint="See docs/configuration.md for the settings wellchild reads; "
            "unset or rename the variable.",
        )
    for setting in SETTINGS.values():
        if setting.env in environ or setting.env + "_FILE" in environ:
            get(setting.name, environ)


def get(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """Return the parsed value of a setting (``None`` when unset and without default)."""
    environ = os.environ if environ is None else environ
    try:
        setting = SETTINGS[name]
    except KeyError:
        raise ConfigError(f"wellchild has no setting called {name!r}") from None
    text = environ.get(setting.env)
    if text is None and setting.secret and (path := environ.get(setting.env + "_FILE")):
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"{setting.env}_FILE names {path}, which cannot be read: {exc.strerror}"
            ) from None
    if text is None:
        text = setting.default
    if text is None:
        return None
    try:
        return setting.parse(text)
    except ValueError as exc:
        raise ConfigError(
            f"{setting.env} has a value that cannot be used: {exc}",
            hint=setting.help,
        ) from None
