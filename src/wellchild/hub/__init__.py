"""The learning-community hub: a Django site inside the wellchild package.

Four apps, each with slim models, a ``domain`` module of keyword-only functions, forms and
plain function views: ``community`` (people, organizations, the directory, contact),
``mailing`` (the list and its background sender), ``meetings`` and ``library``. Settings
come from wellchild's settings registry (:mod:`wellchild.hub.conf`).
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
