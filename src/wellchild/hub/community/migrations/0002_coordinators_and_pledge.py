"""The coordinators group (with every permission of the hub's apps) and the pledge text."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["community", "mailing", "meetings", "library"]
PLEDGE_EN = (
    "I will be a voice for kids. I will help every infant on Medi-Cal get the well-child "
    "visits that keep them healthy, bring what my organization knows to the learning "
    "community, and measure our progress honestly, so that no group of children is left "
    "behind."
)
PLEDGE_ES = (
    "Seré una voz para los niños. Ayudaré a que cada bebé con Medi-Cal reciba las visitas de "
    "niño sano que lo mantienen saludable, aportaré lo que sabe mi organización a la "
    "comunidad de aprendizaje y mediremos nuestro avance con honestidad, para que ningún "
    "grupo de niños se quede atrás."
)


def forwards(apps: Apps, schema_editor: Any) -> None:
    for config in apps.get_app_configs():
        config.models_module = True  # type: ignore[assignment]
        create_permissions(config, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="coordinators")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    SiteText = apps.get_model("community", "SiteText")
    SiteText.objects.get_or_create(
        key="pledge",
        defaults={
            "title_en": "Be a voice for kids",
            "title_es": "Sea una voz para los niños",
            "body_en": PLEDGE_EN,
            "body_es": PLEDGE_ES,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("mailing", "0001_initial"),
        ("meetings", "0001_initial"),
        ("library", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
