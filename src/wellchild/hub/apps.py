"""The hub's own app (templates, static files, commands) and its coordinator back office."""

from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HubConfig(AppConfig):
    default = True
    name = "wellchild.hub"
    label = "hub"
    verbose_name = "wellchild hub"

    def ready(self) -> None:
        from wellchild.hub import roles  # noqa: F401  (registers the named permissions)


class HubAdminConfig(admin_apps.AdminConfig):
    """The admin site is the coordinators' back office, behind two-factor when enabled."""

    default = False
    default_site = "wellchild.hub.admin_site.CoordinatorAdminSite"
