"""The five topics of the library, and on SQLite the FTS5 index kept by triggers."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps
from django.db import migrations

TAGS = [
    ("well-child", "Well-child visits", "Visitas de niño sano"),
    ("dental", "Dental", "Salud dental"),
    ("quality-improvement", "Quality improvement", "Mejora de la calidad"),
    ("data", "Data", "Datos"),
    ("family-materials", "Family materials", "Materiales para familias"),
]

FTS5 = [
    "CREATE VIRTUAL TABLE library_resource_fts USING fts5("
    "search_text, content='library_resource', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER library_resource_ai AFTER INSERT ON library_resource BEGIN "
    "INSERT INTO library_resource_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER library_resource_ad AFTER DELETE ON library_resource BEGIN "
    "INSERT INTO library_resource_fts(library_resource_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER library_resource_au AFTER UPDATE ON library_resource BEGIN "
    "INSERT INTO library_resource_fts(library_resource_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO library_resource_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
DROP = [
    "DROP TRIGGER IF EXISTS library_resource_au",
    "DROP TRIGGER IF EXISTS library_resource_ad",
    "DROP TRIGGER IF EXISTS library_resource_ai",
    "DROP TABLE IF EXISTS library_resource_fts",
]


def tags(apps: Apps, schema_editor: Any) -> None:
    Tag = apps.get_model("library", "Tag")
    for slug, en, es in TAGS:
        Tag.objects.get_or_create(slug=slug, defaults={"name_en": en, "name_es": es})


def _run(statements: list[str]) -> Any:
    def run(apps: Apps, schema_editor: Any) -> None:
        # PostgreSQL searches with its own full-text functions and needs no table.
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [
        migrations.RunPython(tags, migrations.RunPython.noop),
        migrations.RunPython(_run(FTS5), _run(DROP)),
    ]
