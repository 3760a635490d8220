"""The hub's apps share one shape (the hub's section of docs/architecture.md): one
permissions module, one template and static layout, one catalogue per language, and an
architecture page that names every app."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from paths import ROOT

HUB = ROOT / "src" / "wellchild" / "hub"
APPS = sorted(p.parent.name for p in HUB.glob("*/apps.py"))


def test_every_named_permission_is_declared_in_roles_py() -> None:
    declaring = sorted(
        str(p.relative_to(HUB)) for p in HUB.rglob("*.py") if "add_perm(" in p.read_text()
    )
    assert declaring == ["roles.py"]


def test_templates_and_static_files_have_one_place() -> None:
    assert sorted(p.relative_to(HUB) for p in HUB.rglob("templates") if p.is_dir()) == [
        Path("templates")
    ]
    assert sorted(p.relative_to(HUB) for p in HUB.rglob("static") if p.is_dir()) == [Path("static")]


def test_every_app_has_its_own_addresses() -> None:
    included = ast.unparse(ast.parse((HUB / "urls.py").read_text()))
    for app in APPS:
        assert (HUB / app / "urls.py").is_file(), app
        assert f"wellchild.hub.{app}.urls" in included, app


def test_the_architecture_page_names_every_app_and_only_paths_that_exist() -> None:
    whole = (ROOT / "docs" / "architecture.md").read_text()
    start = whole.index("## The hub")
    end = whole.find("\n## ", start + 1)
    text = whole[start : end if end != -1 else None]
    for app in APPS:
        assert f"| `{app}` |" in text, app
    for path in {p for p in text.split("`") if p.startswith("src/wellchild/hub/")}:
        if "<" not in path:
            assert (ROOT / path).exists(), path


def _po_catalogue(path: Path) -> dict[object, str]:
    """A ``.po`` file's translations keyed as :mod:`gettext` keys a compiled catalogue
    (``msgctxt\\x04msgid``; ``(msgid, n)`` for plural forms), untranslated ones left out
    as ``msgfmt`` leaves them out."""
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    field = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if not line and entry:
                entries.append(entry)
                entry = {}
            continue
        if line.startswith('"'):
            entry[field] += ast.literal_eval(line)
            continue
        field, _, value = line.partition(" ")
        if field in ("msgctxt", "msgid") and any(f.startswith("msgstr") for f in entry):
            entries.append(entry)  # the next entry, with no blank line between
            entry = {}
        entry[field] = ast.literal_eval(value)
    catalogue: dict[object, str] = {}
    for e in entries:
        if not e["msgid"]:
            continue  # the header, which msgfmt rewrites
        key = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        forms = sorted(f for f in e if f.startswith("msgstr["))
        if forms and all(e[f] for f in forms):
            catalogue.update({(key, n): e[f] for n, f in enumerate(forms)})
        elif e.get("msgstr"):
            catalogue[key] = e["msgstr"]
    return catalogue


def test_the_hub_has_one_catalogue_per_language_and_its_compiled_copy_is_current() -> None:
    """Every app's words are in hub/locale (Django finds no other catalogue of the hub),
    and the committed .mo says exactly what the .po says: a .po changed without
    ``compilemessages`` fails here."""
    catalogues = sorted(p.relative_to(HUB) for p in HUB.rglob("*.po"))
    assert catalogues == [Path("locale/es/LC_MESSAGES/django.po")]
    for po in catalogues:
        with (HUB / po).with_suffix(".mo").open("rb") as compiled:
            found = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
        assert {k: v for k, v in found.items() if k} == _po_catalogue(HUB / po)
