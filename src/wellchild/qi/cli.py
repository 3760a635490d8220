"""``wellchild qi-chart``: a run or control chart from a CSV file.

The function is registered on the app in :mod:`wellchild.cli`; chart libraries are
imported only when the command runs.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from wellchild.qi.chart import qi_chart
from wellchild.qi.errors import QIChartError
from wellchild.qi.render import SUFFIXES, save
from wellchild.qi.text import describe

QI_CHART_EPILOG = (
    "Examples:\n\n"
    "    wellchild qi-chart visits.csv --x month --y visits --out visits.png\n\n"
    "    wellchild qi-chart wcv.csv --x month --y met --n eligible --chart pp "
    "--part 12 --rules ihi --target 0.6 --out wcv.svg\n\n"
    "    wellchild qi-chart infections.csv --x month --y cases --n days --chart u "
    "--multiply 10000 --facet infection --out infections.png"
)


def qi_chart_command(
    input_file: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT.csv",
            help="CSV file: one row per observation, or per subgroup with a denominator.",
            show_default=False,
        ),
    ],
    x: Annotated[str, typer.Option("--x", help="Column giving the time order (dates or numbers).")],
    y: Annotated[str, typer.Option("--y", help="Column of the measure, or the numerator.")],
    out: Annotated[
        Path, typer.Option("--out", help="File to write: .csv (the table), .json, .svg or .png.")
    ],
    n: Annotated[
        str | None, typer.Option("--n", help="Column of the denominator.", show_default=False)
    ] = None,
    chart: Annotated[
        str, typer.Option("--chart", help="run, i, mr, xbar, s, t, p, pp, c, u, up or g.")
    ] = "run",
    freeze: Annotated[
        int | None,
        typer.Option("--freeze", help="Compute the lines from the first K points.", metavar="K"),
    ] = None,
    part: Annotated[
        str | None,
        typer.Option(
            "--part", help="Split the chart after these points, e.g. 12,24.", metavar="K[,K...]"
        ),
    ] = None,
    exclude: Annotated[
        str | None,
        typer.Option(
            "--exclude",
            help="Points (numbered from 1) to leave out of the calculations, e.g. 3,7.",
            metavar="I[,J...]",
        ),
    ] = None,
    multiply: Annotated[
        float, typer.Option("--multiply", help="Multiply y, e.g. 100 for percent.")
    ] = 1.0,
    facet: Annotated[
        str | None,
        typer.Option("--facet", help="Column splitting the data into one chart per value."),
    ] = None,
    target: Annotated[
        float | None, typer.Option("--target", help="Draw a target line at this value.")
    ] = None,
    notes: Annotated[
        str | None,
        typer.Option("--notes", help="Column of notes (e.g. PDSA cycles) shown at their points."),
    ] = None,
    rules: Annotated[
        str, typer.Option("--rules", help="Rule set the chart shows: anhoej or ihi.")
    ] = "anhoej",
    title: Annotated[
        str | None, typer.Option("--title", help="Chart title.", show_default=False)
    ] = None,
) -> None:
    """Draw a run chart or control chart from a CSV file, and say which rules signal where.

    Rows with the same x (and facet) form one subgroup. The table (.csv) has, per point,
    the centre line, 3-sigma limits, the Anhøj runs analysis and one column per IHI rule;
    the picture (.svg, .png) marks every signal and names its rule. The text summary is
    printed too.
    """
    if out.suffix.lower() not in SUFFIXES:
        raise QIChartError(
            f"cannot write {out.name}: --out must end in {', '.join(SUFFIXES)}.",
            hint="--out chart.png draws the chart; --out points.csv writes the table.",
        )
    result = qi_chart(
        _read(input_file, x),
        x=x,
        y=y,
        n=n,
        chart=chart,
        freeze=freeze,
        part=_positions(part, "--part"),
        exclude=_positions(exclude, "--exclude"),
        multiply=multiply,
        facet=facet,
        target=target,
        notes=notes,
        method=rules,
        title=title,
    )
    for notice in result.notices:
        typer.echo(f"Note: {notice}", err=True)
    written = save(result, out)
    typer.echo(describe(result))
    typer.echo(f"\nWrote {written}")


def _read(path: Path, x: str) -> pd.DataFrame:
    """The CSV as a table, with an x column of dates read as dates."""
    if not path.is_file():
        raise QIChartError(f"{path}: no such file.")
    try:
        frame = pd.read_csv(path)
    except (ValueError, UnicodeDecodeError) as broken:
        raise QIChartError(f"{path} cannot be read as CSV: {broken}") from None
    if x in frame.columns and pd.api.types.is_string_dtype(frame[x]):
        # Text that is not dates stays text: an unordered (categorical) x.
        with contextlib.suppress(ValueError, TypeError):
            frame[x] = pd.to_datetime(frame[x], format="ISO8601")
    return frame


def _positions(text: str | None, option: str) -> list[int]:
    if not text:
        return []
    try:
        return [int(item) for item in text.split(",") if item.strip()]
    except ValueError:
        raise QIChartError(
            f"{option} takes point numbers separated by commas, e.g. 12,24; got {text!r}."
        ) from None
