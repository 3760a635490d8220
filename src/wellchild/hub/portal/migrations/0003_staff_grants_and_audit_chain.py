"""Staff grants kept with their history; the audit log's hash chain (computed for the
records already there) and, on PostgreSQL, a trigger that refuses TRUNCATE."""

from importlib import import_module
from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.state import StateApps

from wellchild.hub.setup_site import grant_coordinators

PostgreSQLOnly = import_module(
    "wellchild.hub.portal.migrations.0002_audit_append_only_and_permissions"
).PostgreSQLOnly

NO_TRUNCATE = """
CREATE TRIGGER portal_auditevent_no_truncate
    BEFORE TRUNCATE ON portal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION portal_auditevent_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS portal_auditevent_no_truncate ON portal_auditevent;"


def chain_existing_records(apps: StateApps, schema_editor: Any) -> None:
    """Chain the records written before the chain existed, in the order written (the
    migration runs as the table's owner, which may lift the row trigger meanwhile)."""
    # the app's own code is loaded only when the migration runs
    from wellchild.hub.portal.audit import chain_hash

    AuditEvent = apps.get_model("portal", "AuditEvent")
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(
            "ALTER TABLE portal_auditevent DISABLE TRIGGER portal_auditevent_append_only"
        )
    previous = ""
    for event in AuditEvent.objects.order_by("id"):
        previous = chain_hash(previous, event)
        AuditEvent.objects.filter(pk=event.pk).update(chain=previous)
    if postgresql:
        schema_editor.execute(
            "ALTER TABLE portal_auditevent ENABLE TRIGGER portal_auditevent_append_only"
        )


def grants_of_current_staff(apps: StateApps, schema_editor: Any) -> None:
    """A granted record for everyone already on a practice's staff."""
    Staff = apps.get_model("portal", "Staff")
    StaffGrant = apps.get_model("portal", "StaffGrant")
    for staff in Staff.objects.select_related("user", "added_by"):
        StaffGrant.objects.create(
            practice_id=staff.practice_id,
            user_id=staff.user_id,
            user_email=staff.user.email,
            state="granted",
            reason="On the staff before reasons were recorded",
            requested_by_email=staff.added_by.email if staff.added_by else "",
            requested_at=staff.added_at,
        )


def permissions(apps: StateApps, schema_editor: Any) -> None:
    """Coordinators read the grants' history in the back office."""
    grant_coordinators(apps, "portal", ["view_staffgrant"])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("portal", "0002_audit_append_only_and_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="chain hash"
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("read list", "Read the gap list"),
                    ("read child", "Read a child's page"),
                    ("print referral", "Printed a referral form"),
                    ("print brochure", "Printed a brochure"),
                    ("export xlsx", "Exported the gap list (XLSX)"),
                    ("export register", "Exported the referral register (CSV)"),
                    ("record outreach", "Recorded outreach"),
                    ("export audit", "Exported the audit log (CSV)"),
                    ("grant staff", "Added to a practice's staff"),
                    ("request staff", "Asked to join a practice's staff (self)"),
                    ("approve staff", "Approved joining a practice's staff"),
                    ("refuse staff", "Refused joining a practice's staff"),
                    ("remove staff", "Removed from a practice's staff"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.CreateModel(
            name="StaffGrant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("user_email", models.CharField(max_length=254, verbose_name="whom")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for a second coordinator"),
                            ("granted", "On the staff"),
                            ("refused", "Refused"),
                            ("removed", "Removed"),
                        ],
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("reason", models.CharField(max_length=500, verbose_name="reason")),
                ("requested_by_email", models.CharField(max_length=254, verbose_name="added by")),
                (
                    "requested_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="added"),
                ),
                (
                    "decided_by_email",
                    models.CharField(
                        blank=True, max_length=254, verbose_name="approved or refused by"
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="approved or refused"),
                ),
                (
                    "decision_reason",
                    models.CharField(
                        blank=True, max_length=500, verbose_name="reason of the decision"
                    ),
                ),
                (
                    "removed_by_email",
                    models.CharField(blank=True, max_length=254, verbose_name="removed by"),
                ),
                ("removed_at", models.DateTimeField(blank=True, null=True, verbose_name="removed")),
                (
                    "removal_reason",
                    models.CharField(
                        blank=True, max_length=500, verbose_name="reason of the removal"
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="grants",
                        to="portal.practice",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "staff grant",
                "verbose_name_plural": "staff grants",
                "ordering": ["-requested_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["practice", "state"], name="portal_staf_practic_961d77_idx"
                    )
                ],
            },
        ),
        migrations.RunPython(chain_existing_records, migrations.RunPython.noop),
        migrations.RunPython(grants_of_current_staff, migrations.RunPython.noop),
        migrations.RunPython(permissions, migrations.RunPython.noop),
        PostgreSQLOnly(NO_TRUNCATE, DROP),
    ]
