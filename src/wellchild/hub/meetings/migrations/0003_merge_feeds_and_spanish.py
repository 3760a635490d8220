"""Joins the two changes that both followed the first migration: personal calendar feeds
and Spanish versions of a meeting's texts."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_personal_calendar_feeds"),
        ("meetings", "0002_spanish_versions"),
    ]

    operations = []
