from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from wellchild.hub.data.signals import run_published, run_withdrawn


class PortalConfig(AppConfig):
    name = "wellchild.hub.portal"
    label = "portal"
    verbose_name = _("Practice portal")

    def ready(self) -> None:
        # Django set-up: the receivers use the models, loaded after this module
        from wellchild.hub.portal import receivers

        run_published.connect(receivers.published, dispatch_uid="portal.published")
        run_withdrawn.connect(receivers.withdrawn, dispatch_uid="portal.withdrawn")
