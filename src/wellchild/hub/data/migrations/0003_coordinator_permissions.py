"""The coordinators' permissions on the data app's back-office pages: read the published
runs (and make a draft public or relabel it), and set up improvement teams with their
aims and cycles. Rates are never edited by hand, so no permission on them is given."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

from wellchild.hub.setup_site import grant_coordinators

PERMISSIONS = [
    "view_run",
    "change_run",
    *(
        f"{verb}_{model}"
        for model in ("team", "aim", "cycle")
        for verb in ("view", "add", "change", "delete")
    ),
]


def forwards(apps: Apps, schema_editor: Any) -> None:
    grant_coordinators(apps, "data", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("data", "0002_results_and_improvement_work"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
