"""The audit log refuses UPDATE and DELETE in the database too (PostgreSQL), and the
coordinators get the permissions of the portal's back-office pages."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

TRIGGER = """
CREATE FUNCTION portal_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused on portal_auditevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_auditevent_append_only
    BEFORE UPDATE OR DELETE ON portal_auditevent
    FOR EACH ROW EXECUTE FUNCTION portal_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS portal_auditevent_append_only ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_auditevent_append_only();
"""
# What coordinators do in the back office: link practices to organizations, assign
# staff, read the audit log. Nothing that shows a child.
PERMISSIONS = [
    "view_practice",
    "change_practice",
    "view_staff",
    "add_staff",
    "change_staff",
    "delete_staff",
    "view_auditevent",
]


class PostgreSQLOnly(migrations.RunSQL):
    """SQL run on PostgreSQL only (SQLite's test flush deletes rows, which a trigger
    would refuse; the app's own refusals hold there)."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)


def permissions(apps: Apps, schema_editor: Any) -> None:
    config = apps.get_app_config("portal")
    config.models_module = True  # type: ignore[assignment]
    create_permissions(config, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="coordinators")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="portal", codename__in=PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        PostgreSQLOnly(TRIGGER, DROP),
        migrations.RunPython(permissions, migrations.RunPython.noop),
    ]
