"""Production settings pass Django's deployment checks and refuse to start half-configured."""

from __future__ import annotations

import ast
import gettext
import os
import subprocess
import sys
from pathlib import Path

PRODUCTION = {
    "WELLCHILD_HUB_PRODUCTION": "1",
    "WELLCHILD_ALLOWED_HOSTS": "hub.example.org",
    "WELLCHILD_EMAIL_HOST": "smtp.example.org",
}


def _manage(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WELLCHILD_", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "wellchild", "hub", "manage", *args],
        env={**clean, "WELLCHILD_HUB_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_at_warning_level(tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("k" * 20 + "Qx8-r2Lm_v9Zp4Tn7Ws1Yc6Hb3Jd5Fg0Ae" * 2)
    result = _manage(
        tmp_path,
        {**PRODUCTION, "WELLCHILD_SECRET_KEY_FILE": str(key)},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_stops_with_a_clear_message(tmp_path: Path) -> None:
    result = _manage(tmp_path, PRODUCTION, "check")
    assert result.returncode == 2
    assert "WELLCHILD_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


HUB = Path(__file__).parents[2] / "src" / "wellchild" / "hub"


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
