"""The hub's own app (templates, static files, commands) and its coordinator back office."""

from __future__ import annotations

from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wellchild.hub import (
    pagecache,
    roles,  # noqa: F401  (registers the named permissions)
)
from wellchild.hub.data.signals import run_published, run_withdrawn


class HubConfig(AppConfig):
    default = True
    name = "wellchild.hub"
    label = "hub"
    verbose_name = "wellchild hub"

    def ready(self) -> None:
        _retire_pages_on_change()


# The apps whose rows the public pages show: saving or deleting any of them renews the pages.
PAGE_APPS = ("community", "meetings", "library", "data")


def _retire_pages_on_change() -> None:
    def changed(**_signal: object) -> None:
        # after the commit: a page made before then would show the old rows again
        transaction.on_commit(pagecache.invalidate)

    for label in PAGE_APPS:
        for model in apps.get_app_config(label).get_models():
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"pages.{label}")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"pages.{label}-")
    run_published.connect(changed, weak=False, dispatch_uid="pages.published")
    run_withdrawn.connect(changed, weak=False, dispatch_uid="pages.withdrawn")
    # connected here, after the portal's receiver (whose answer publishing reports first)
    run_published.connect(_prepare_charts, weak=False, dispatch_uid="data.prepare_charts")


def _prepare_charts(*, run: object, **_signal: object) -> None:
    """Work out the run's charts once it is committed (publishing is one transaction)."""
    # Django set-up: this module is loaded before the models are
    from wellchild.hub.data import charts
    from wellchild.hub.data.models import Run

    if isinstance(run, Run):
        published = run
        transaction.on_commit(lambda: charts.prepare(published))


class HubAdminConfig(admin_apps.AdminConfig):
    """The admin site is the coordinators' back office, behind two-factor when enabled."""

    default = False
    default_site = "wellchild.hub.admin_site.CoordinatorAdminSite"
