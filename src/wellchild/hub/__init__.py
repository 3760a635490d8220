"""The learning-community hub: a Django site inside the wellchild package.

Four apps, each with slim models, a ``domain`` module of keyword-only functions, forms and
plain function views: ``community`` (people, organizations, the directory, contact),
``mailing`` (the list and its background sender), ``meetings`` and ``library``. Settings
come from wellchild's settings registry (:mod:`wellchild.hub.conf`).
"""

from __future__ import annotations

import os

SETTINGS_MODULE = "wellchild.hub.settings"


def setup() -> None:
    """Configure Django for this process (idempotent), so the CLI can call the ORM."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    django.setup()
