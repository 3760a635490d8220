"""Production settings pass Django's deployment checks and refuse to start half-configured."""

from __future__ import annotations

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
