from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataConfig(AppConfig):
    name = "wellchild.hub.data"
    label = "data"
    verbose_name = _("Published data")

    def ready(self) -> None:
        from wellchild.hub.data.signals import run_published

        run_published.connect(_prepare_charts, dispatch_uid="data.prepare_charts")


def _prepare_charts(*, run: Any, **_signal: Any) -> None:
    """Work out the run's charts once it is committed (publishing is one transaction)."""
    from django.db import transaction

    from wellchild.hub.data import charts

    transaction.on_commit(lambda: charts.prepare(run))
