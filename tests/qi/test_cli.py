"""``wellchild qi-chart`` makes every chart type from a CSV, in every output format, and
turns every user mistake into a clear message with exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from wellchild.cli import app
from wellchild.qi import POINT_COLUMNS

runner = CliRunner()

#: Per chart type: the input and the columns that make sense for it.
CHARTS = {
    "run": ("cdi", ["--x", "month", "--y", "n", "--notes", "notes"]),
    "i": ("nhs", ["--x", "i", "--y", "r", "--n", "n"]),
    "mr": ("cdi", ["--x", "month", "--y", "n"]),
    "xbar": ("ages", ["--x", "month", "--y", "age"]),
    "s": ("ages", ["--x", "month", "--y", "age"]),
    "t": ("deaths", ["--x", "death", "--y", "days"]),
    "p": ("nhs", ["--x", "i", "--y", "r", "--n", "n"]),
    "pp": ("nhs", ["--x", "i", "--y", "r", "--n", "n", "--rules", "ihi"]),
    "c": ("cdi", ["--x", "month", "--y", "n", "--part", "24"]),
    "u": ("infections", ["--x", "month", "--y", "n", "--n", "days", "--facet", "infection"]),
    "up": ("cdi", ["--x", "month", "--y", "n", "--n", "days", "--multiply", "10000"]),
    "g": ("deaths", ["--x", "death", "--y", "surgeries", "--target", "100"]),
}


def _check(out: Path) -> None:
    if out.suffix == ".csv":
        assert list(pd.read_csv(out).columns) == POINT_COLUMNS
    elif out.suffix == ".json":
        document = json.loads(out.read_text())
        assert document["points"]
        assert document["summary"].startswith(document["title"])
        assert document["vega_lite"]["$schema"].startswith("https://vega.github.io/schema/")
    elif out.suffix == ".svg":
        text = out.read_text()
        assert text.startswith("<svg")
        assert "<desc>" in text
    else:
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("suffix", [".csv", ".json", ".svg", ".png"])
@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_chart_type_in_every_format(
    chart: str, suffix: str, chart_inputs: dict[str, Path], tmp_path: Path
) -> None:
    data, options = CHARTS[chart]
    out = tmp_path / f"{chart}{suffix}"
    result = runner.invoke(
        app, ["qi-chart", str(chart_inputs[data]), *options, "--chart", chart, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    _check(out)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WELLCHILD_")}
    return subprocess.run(
        [sys.executable, "-m", "wellchild", "qi-chart", *args],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
    )


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.csv"
    path.write_text("month,visits,children,note\n2025-01-01,3,10,\n2025-02-01,many,0,\n")
    return path


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--y", "visit"], "column 'visit' not found"),
        (["--y", "visits"], "column 'visits' must hold numbers; found text in 1 row"),
        (["--y", "children", "--chart", "c"], ""),
        (["--y", "note", "--n", "children", "--chart", "p"], "'children' must be greater than 0"),
        (["--y", "children", "--chart", "z"], "unknown chart type 'z'"),
        (["--y", "children", "--rules", "we"], "unknown rule set 'we'"),
        (["--y", "children", "--chart", "xbar"], "needs subgroups of at least 2 observations"),
        (["--y", "children", "--out", "chart.pdf"], "--out must end in .csv, .json, .svg, .png"),
        (["--y", "children", "--part", "one"], "--part takes point numbers"),
        (["--y", "children", "--exclude", "9"], "exclude positions must be between 1 and 2"),
    ],
)
def test_a_user_mistake_is_a_clear_error(
    options: list[str], message: str, broken: Path, tmp_path: Path
) -> None:
    args = [str(broken), "--x", "month", "--out", str(tmp_path / "chart.png"), *options]
    result = _run(*args)
    if not message:  # the control: the same file makes a chart when the options are right
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr + result.stdout


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "none.csv"), "--x", "a", "--y", "b", "--out", "c.csv")
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_help_shows_examples() -> None:
    result = runner.invoke(app, ["qi-chart", "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.output


def test_rows_with_an_empty_x_are_left_out_with_a_note(tmp_path: Path) -> None:
    data = tmp_path / "months.csv"
    data.write_text("month,visits\n2025-01-01,5\n,40\n2025-03-01,6\n2025-04-01,7\n,1\n")
    out = tmp_path / "points.csv"
    result = _run(str(data), "--x", "month", "--y", "visits", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Note: 2 rows with an empty 'month' left out" in result.stderr
    assert list(pd.read_csv(out)["y"]) == [5, 6, 7]
