from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataConfig(AppConfig):
    name = "wellchild.hub.data"
    label = "data"
    verbose_name = _("Published data")
