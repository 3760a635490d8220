"""The command line as a user meets it: help, version, exit codes, no tracebacks."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from wellchild import __version__
from wellchild.cli import app, command

runner = CliRunner()
WELLCHILD = [sys.executable, "-m", "wellchild"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WELLCHILD_")}
    return subprocess.run(
        [*WELLCHILD, *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        check=False,
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"wellchild {__version__}"


@pytest.mark.parametrize(
    "command",
    ["synth", "load", "status", "measure", "export-store", "qi-series", "qi-chart", "demo"],
)
def test_help_shows_examples(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.output or "Example" in result.output


def test_a_user_mistake_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = _run("load", str(tmp_path / "nowhere"), "--db", str(tmp_path / "s.duckdb"))
    assert result.returncode == 2
    assert "the input folder does not exist" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "s.duckdb").exists()


def test_status_without_a_store_is_a_clear_error(tmp_path: Path) -> None:
    result = _run("status", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2
    assert "There is no store at" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("not a database")
    result = _run("status", "--db", str(bogus))
    assert result.returncode == 2
    assert "is not a wellchild store" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_setting_stops_start_up(tmp_path: Path) -> None:
    result = _run("status", env={"WELLCHILD_DBB": str(tmp_path / "x.duckdb")})
    assert result.returncode == 2
    assert "WELLCHILD_DBB" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_value_is_a_clear_error() -> None:
    result = _run("status", env={"WELLCHILD_MEMORY_LIMIT": "lots"})
    assert result.returncode == 2
    assert "WELLCHILD_MEMORY_LIMIT" in result.stderr


def test_bad_option_values_exit_2(tmp_path: Path) -> None:
    result = _run(
        "synth", "--children", "many", "--seed", "1", "--year", "2024", "--out", str(tmp_path)
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_load_then_status_through_the_command_line(tmp_path: Path) -> None:
    from paths import DATA

    db = tmp_path / "s.duckdb"
    loaded = _run("load", str(DATA / "valid"), "--db", str(db))
    assert loaded.returncode == 0, loaded.stderr
    assert "medical_claim" in loaded.stdout
    status = _run("status", "--db", str(db), "--json")
    assert status.returncode == 0
    import json

    info = json.loads(status.stdout)
    assert [(t["name"], t["rows"]) for t in info["tables"]][:2] == [
        ("input__member", 4),
        ("input__enrollment", 7),
    ]


def test_a_rejected_load_lists_problems_and_writes_them(tmp_path: Path) -> None:
    import shutil

    from paths import DATA

    folder = tmp_path / "in"
    shutil.copytree(DATA / "valid", folder)
    shutil.copy(DATA / "broken" / "bad_date" / "member.csv", folder / "member.csv")
    problems = tmp_path / "problems.json"
    result = _run(
        "load", str(folder), "--db", str(tmp_path / "s.duckdb"), "--problems", str(problems)
    )
    assert result.returncode == 2
    assert "member.csv, column birth_date" in result.stderr
    assert "Nothing was loaded" in result.stderr
    assert '"check": "bad_date"' in problems.read_text()


def _help(*words: str) -> str:
    """The help the ``wellchild`` command prints (the tidied tree :func:`command` builds;
    Typer's test runner takes the untidied app)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        command().main([*words, "--help"], prog_name="wellchild", standalone_mode=False)
    return printed.getvalue()


def test_top_level_help_starts_with_the_demo_and_follows_the_pipeline() -> None:
    text = _help()
    assert "Start here" in text
    order = ["demo", "synth", "load", "measure", "qi-chart", "rank", "outreach", "evaluate",
             "publish", "export"]  # fmt: skip
    where = [re.search(rf"^\S*\s+{name}\s", text, re.M) for name in order]
    assert all(where), order
    assert [m.start() for m in where if m] == sorted(m.start() for m in where if m)
    assert "Examples" in text


def _all_commands(group: Any = None, words: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    group = group or command()
    found = [words]
    for name, sub in group.commands.items():
        if hasattr(sub, "commands"):
            found += _all_commands(sub, (*words, name))
        else:
            found.append((*words, name))
    return found


def test_flags_read_as_flags_and_options_say_what_they_take() -> None:
    for words in _all_commands():
        text = _help(*words)
        for label in ("<bool>", "<list[", "<str>"):
            assert label not in text, f"`wellchild {' '.join(words)} --help` shows {label}"
        assert "difference-in- " not in text


def test_measure_help_lists_the_ids_and_the_defaults_of_its_dates() -> None:
    # Read as a person reads the 80-column table: the cell borders are not words.
    text = " ".join(_help("measure").replace("│", " ").split())
    assert "w30_1, w30_2, wcv_6m, wcv, oev, tfl, pdent, adv, dental_12m, dental_after_pcp" in text
    assert "Default: 31 December of --year" in text
    assert "Default: 1 January of --year" in text
