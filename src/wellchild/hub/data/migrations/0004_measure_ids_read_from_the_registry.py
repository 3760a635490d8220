"""Aims and cycles name their measure by id, checked against the measure registry when a
form is validated: the list of measures is no longer written into the migrations, so
adding a measure needs none. Choices live only in Python, so the tables are unchanged
and every stored id stays as it was (on SQLite and PostgreSQL alike)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("data", "0003_coordinator_permissions")]

    operations = [
        migrations.AlterField(
            model_name="aim",
            name="measure_id",
            field=models.CharField(max_length=40, verbose_name="measure"),
        ),
        migrations.AlterField(
            model_name="cycle",
            name="measure_id",
            field=models.CharField(max_length=40, verbose_name="measure"),
        ),
    ]
