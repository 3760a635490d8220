"""The learning-community hub: a Django site inside the wellchild package.

Community apps (``community``: people, organizations, the directory, contact;
``mailing``: the list and its background sender; ``meetings``; ``library``) and data apps
(``data``: the published runs' dashboards and the teams' work; ``portal``: the practices'
member-level rows). Each has slim models, its own ``urls.py``, an ``access`` module for who
may see what, a ``domain`` module for its rules, forms and plain function views; every
permission is in :mod:`wellchild.hub.roles` (docs/architecture.md). Settings come
from wellchild's settings registry (:mod:`wellchild.hub.conf`).
"""

from __future__ import annotations

import os

from wellchild.errors import WellchildError

SETTINGS_MODULE = "wellchild.hub.settings"


def setup() -> None:
    """Configure Django for this process (idempotent), so the command line can call the
    ORM; without the hub's packages installed, a :class:`~wellchild.errors.WellchildError`
    says which one is missing and how to install it."""
    try:
        # Django is the hub's optional dependency: `wellchild --help` must not need it
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
        django.setup()
    except ModuleNotFoundError as exc:
        raise WellchildError(
            f"The hub needs the package {exc.name!r}, which is not installed.",
            hint="pip install 'wellchild[hub]'",
        ) from None
