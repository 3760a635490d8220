"""The chart as people see it: an Altair (Vega-Lite) spec, and files to hand around.

:func:`chart_spec` builds the chart from a :class:`~wellchild.qi.chart.QIChart` (the hub
embeds the same spec); :func:`save` writes the per-point table (.csv), everything at once
(.json) or the picture (.svg, .png, rendered by vl-convert with the Noto fonts). Points that
break a rule are coloured and named in the legend; a centre line whose runs analysis
signals is dashed and says why; the text summary travels inside the spec and the SVG.
The font and the check that Altair is installed come from :mod:`wellchild.drawing`,
which the other charts wellchild draws use too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wellchild.drawing import FONT, require_altair
from wellchild.qi.catalogue import RULE_SET_NAMES
from wellchild.qi.chart import QIChart
from wellchild.qi.errors import QIChartError
from wellchild.qi.text import Translate, describe, format_x, same, shows_percent

if TYPE_CHECKING:
    import altair as alt

SUFFIXES = (".csv", ".json", ".svg", ".png")
NO_SIGNAL = "No signal"
OUTSIDE = "Outside 3-sigma limits"
LONG_RUN = "Anhøj: unusually long run"
SHIFT = "IHI: shift"
TREND = "IHI: trend"
ASTRONOMICAL = "IHI: astronomical point"
CENTRE = "Centre line"
LIMITS = "3-sigma limits"
TARGET = "Target"
EXCLUDED = "Left out of calculations"

_POINT_COLOURS = {
    NO_SIGNAL: "#4C78A8",
    OUTSIDE: "#D62728",
    LONG_RUN: "#F58518",
    SHIFT: "#F58518",
    TREND: "#9467BD",
    ASTRONOMICAL: "#D62728",
}
_SEVERAL = "#8C564B"
_RULES: dict[str, list[tuple[str, str]]] = {
    "anhoej": [("sigma_signal", OUTSIDE), ("anhoej_long_run", LONG_RUN)],
    "ihi": [("ihi_astronomical_point", ASTRONOMICAL), ("ihi_shift", SHIFT), ("ihi_trend", TREND)],
}


def point_signals(result: QIChart, translate: Translate = same) -> pd.Series:
    """Per point, the rules of the chosen rule set it breaks, joined by " + "."""
    names = pd.Series("", index=result.points.index)
    for column, label in _RULES[result.method]:
        flagged = result.points[column].astype(bool)
        names = names.where(~flagged, names + np.where(names == "", "", " + ") + translate(label))
    return names.replace("", translate(NO_SIGNAL))


def centre_label(result: QIChart, points: pd.DataFrame, translate: Translate = same) -> str:
    """The centre line's legend entry: plain, or the part-level rule it breaks."""
    t = translate
    first = points.iloc[0]
    if result.method == "anhoej":
        if not points["runs_signal"].any():
            return t(CENTRE)
        few = not pd.isna(first["n_crossings"]) and first["n_crossings"] < first["n_crossings_min"]
        if few:
            return t("Centre line: Anhøj unusually few crossings")
        return t("Centre line: Anhøj unusually long run")
    if points["ihi_too_few_runs"].any():
        return t("Centre line: IHI too few runs")
    if points["ihi_too_many_runs"].any():
        return t("Centre line: IHI too many runs")
    return t(CENTRE)


def chart_spec(
    result: QIChart, *, width: int = 640, height: int = 280, translate: Translate = same
) -> alt.TopLevelMixin:
    """The chart as an Altair object (``.to_dict()`` gives the Vega-Lite spec).

    One panel per facet, stacked; each panel shows the points (coloured by the rules they
    break), the centre line, the 3-sigma limits, the target and the notes. ``translate``
    gives every word the chart shows in the reader's language (the hub passes gettext).
    """
    require_altair()
    # Altair is slow to import; only charts need it
    import altair as alt

    t = translate
    panels = []
    for facet, points in result.points.groupby("facet", sort=False, dropna=False):
        panel = _panel(result, points, width=width, height=height, t=t)
        if result.faceted:
            panel = panel.properties(title=str(facet))
        panels.append(panel)
    chart = panels[0] if len(panels) == 1 else alt.vconcat(*panels)
    spec: alt.TopLevelMixin = (
        chart.properties(
            title=alt.TitleParams(
                result.title,
                subtitle=t("Signals by the {rules}").format(rules=t(RULE_SET_NAMES[result.method])),
                anchor="start",
            ),
            description=describe(result, translate=t),
        )
        .configure(font=FONT)
        .configure_legend(orient="bottom", columns=3, labelLimit=320)
    )
    return spec


def _panel(
    result: QIChart, points: pd.DataFrame, *, width: int, height: int, t: Translate
) -> alt.LayerChart:
    # Altair is slow to import; only charts need it
    import altair as alt

    data = points.assign(
        x=_x_values(result, points["x"]),
        signal=point_signals(result, t).loc[points.index],
        x_label=points["x"].map(format_x),
    )
    x = _x_encoding(result)
    y = alt.Y("y:Q", title=result.y_name, scale=alt.Scale(zero=False), axis=_y_axis(result))
    number = ".2%" if shows_percent(result) else ".4g"  # as the text summary reads them
    layers = [_lines(result, data, x, t)]
    if result.x_kind != "category":
        layers.append(
            alt.Chart(data)
            .mark_line(color=_POINT_COLOURS[NO_SIGNAL], strokeWidth=1.5)
            .encode(x=x, y=y, detail="part:N")
        )
    colour_of = {t(label): colour for label, colour in _POINT_COLOURS.items()}
    signals = [t(NO_SIGNAL), *sorted(set(data["signal"]) - {t(NO_SIGNAL)})]
    colours = [colour_of.get(label, _SEVERAL) for label in signals]
    layers.append(
        alt.Chart(data)
        .mark_point(filled=True, size=45, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "signal:N",
                scale=alt.Scale(domain=signals, range=colours),
                legend=alt.Legend(title=t("Points")),
            ),
            tooltip=[
                alt.Tooltip("x_label:N", title=result.x_name),
                alt.Tooltip("y:Q", title=result.y_name, format=number),
                alt.Tooltip("cl:Q", title=t("centre"), format=number),
                alt.Tooltip("lcl:Q", title=t("lower limit"), format=number),
                alt.Tooltip("ucl:Q", title=t("upper limit"), format=number),
                alt.Tooltip("signal:N", title=t("signal")),
                alt.Tooltip("notes:N", title=t("note")),
            ],
        )
    )
    excluded = data[~data["include"]]
    if not excluded.empty:
        layers.append(
            alt.Chart(excluded.assign(status=t(EXCLUDED)))
            .mark_point(size=160, strokeWidth=1.5)
            .encode(
                x=x,
                y=y,
                shape=alt.Shape(
                    "status:N",
                    scale=alt.Scale(domain=[t(EXCLUDED)], range=["circle"]),
                    legend=alt.Legend(title=None),
                ),
                color=alt.value("#333333"),
            )
        )
    baseline = data[data["baseline"]]
    if len(baseline) < len(data):
        end = baseline.iloc[[-1]].assign(label=t("end of baseline"))
        layers.append(alt.Chart(end).mark_rule(color="#555555", strokeDash=[6, 3]).encode(x=x))
        layers.append(
            alt.Chart(end)
            .mark_text(align="right", baseline="bottom", dx=-3, fontSize=10)
            .encode(x=x, y=alt.value(height - 2), text="label:N")
        )
    notes = data[data["notes"] != ""]
    if not notes.empty:
        layers.append(alt.Chart(notes).mark_rule(color="#999999", strokeDash=[2, 2]).encode(x=x))
        layers.append(
            alt.Chart(notes)
            .mark_text(align="left", baseline="top", dx=3, fontSize=10, color="#444444")
            .encode(x=x, y=alt.value(2), text="notes:N")
        )
    layered: alt.LayerChart = (
        alt.layer(*layers)
        .resolve_scale(color="independent", strokeDash="independent", shape="independent")
        .properties(width=width, height=height)
    )
    return layered


def _lines(result: QIChart, data: pd.DataFrame, x: alt.X, t: Translate) -> alt.Chart:
    """Centre line, limits and target as one long table, so one legend names them all."""
    # Altair is slow to import; only charts need it
    import altair as alt

    rows = []
    for part, points in data.groupby("part", sort=True):
        centre = centre_label(result, points, t)
        series = [("cl", centre), ("lcl", t(LIMITS)), ("ucl", t(LIMITS))]
        if result.target is not None:
            series.append(("target", t(TARGET)))
        for column, label in series:
            for x_value, value in zip(points["x"], points[column], strict=True):
                if pd.notna(value):
                    rows.append(
                        {"x": x_value, "value": value, "line": label, "series": f"{part}-{column}"}
                    )
    lines = pd.DataFrame(rows, columns=["x", "value", "line", "series"])
    labels = list(dict.fromkeys(lines["line"])) or [t(CENTRE)]
    colours = [_line_style(label, t)[0] for label in labels]
    dashes = [_line_style(label, t)[1] for label in labels]
    chart: alt.Chart = (
        alt.Chart(lines)
        .mark_line(interpolate="step", strokeWidth=1.5)
        .encode(
            x=x,
            y=alt.Y("value:Q"),
            detail="series:N",
            color=alt.Color(
                "line:N",
                scale=alt.Scale(domain=labels, range=colours),
                legend=alt.Legend(title=t("Lines")),
            ),
            strokeDash=alt.StrokeDash(
                "line:N",
                scale=alt.Scale(domain=labels, range=dashes),
                legend=alt.Legend(title=t("Lines")),
            ),
        )
    )
    return chart


def _line_style(label: str, t: Translate) -> tuple[str, list[int]]:
    if label == t(LIMITS):
        return "#7F7F7F", [5, 3]
    if label == t(TARGET):
        return "#2CA02C", [2, 2]
    if label != t(CENTRE):
        return "#D62728", [8, 4]
    return "#555555", [1, 0]


def _y_axis(result: QIChart) -> alt.Axis:
    """Proportions read as percentages, with as many decimals as the spread needs."""
    # Altair is slow to import; only charts need it
    import altair as alt

    if not shows_percent(result):
        return alt.Axis()
    values = result.points[["y", "lcl", "ucl"]].to_numpy(dtype=float)
    spread = float(np.nanmax(values) - np.nanmin(values)) * 100
    decimals = 0 if spread >= 10 or spread <= 0 else min(4, int(np.ceil(-np.log10(spread))) + 1)
    return alt.Axis(format=f".{decimals}%")


def _x_values(result: QIChart, x: pd.Series) -> pd.Series:
    return x.map(format_x) if result.x_kind == "date" else x


def _x_encoding(result: QIChart) -> alt.X:
    # Altair is slow to import; only charts need it
    import altair as alt

    if result.x_kind == "date":
        return alt.X(
            "x:T",
            title=result.x_name,
            scale=alt.Scale(type="utc", padding=10),
            axis=alt.Axis(format="%b %Y"),
        )
    if result.x_kind == "number":
        return alt.X(
            "x:Q", title=result.x_name, scale=alt.Scale(zero=False, nice=False, padding=10)
        )
    return alt.X("x:O", title=result.x_name, sort=None)


def to_svg(
    result: QIChart, *, translate: Translate = same, time_format_locale: str | None = None
) -> str:
    """The chart as SVG, with its title and text summary as the SVG's accessible name;
    ``translate`` and ``time_format_locale`` (d3's name, e.g. ``es-ES``: month names on
    the axis) draw it in another language."""
    require_altair()
    # the Vega renderer is loaded only when a chart is drawn
    import vl_convert

    spec = chart_spec(result, translate=translate).to_dict()
    if time_format_locale is None:
        svg = vl_convert.vegalite_to_svg(spec)
    else:
        svg = vl_convert.vegalite_to_svg(
            spec,
            time_format_locale=time_format_locale,  # type: ignore[arg-type]
        )
    summary = describe(result, translate=translate)
    start = svg.index(">", svg.index("<svg")) + 1
    head = svg[:start].replace("<svg ", f'<svg role="img" aria-label="{_escape(result.title)}" ', 1)
    return (
        f"{head}<title>{_escape(result.title)}</title><desc>{_escape(summary)}</desc>{svg[start:]}"
    )


def to_png(result: QIChart, *, scale: float = 2) -> bytes:
    """The chart as PNG at ``scale`` times its size in pixels (2: sharp on most screens)."""
    require_altair()
    # the Vega renderer is loaded only when a chart is drawn
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(chart_spec(result).to_dict(), scale=scale))


def table(result: QIChart) -> pd.DataFrame:
    """The per-point table with x written as people write it (dates as YYYY-MM-DD)."""
    return result.points.assign(x=result.points["x"].map(format_x))


def to_json(result: QIChart) -> str:
    """Everything about the chart: options, summary text, parts, points and the spec."""
    document = {
        "title": result.title,
        "chart": result.chart,
        "rules": result.method,
        "target": result.target,
        "multiply": result.multiply,
        "summary": describe(result),
        "parts": json.loads(result.parts.to_json(orient="records")),
        "points": json.loads(table(result).to_json(orient="records")),
        "vega_lite": chart_spec(result).to_dict(),
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def save(result: QIChart, path: Path) -> Path:
    """Write the chart to ``path``; the suffix (.csv, .json, .svg, .png) says what."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise QIChartError(
            f"cannot write {path.name}: the file must end in {', '.join(SUFFIXES)}.",
            hint="--out chart.png draws the chart; --out points.csv writes the table.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        table(result).to_csv(path, index=False)
    elif suffix == ".json":
        path.write_text(to_json(result), encoding="utf-8")
    elif suffix == ".svg":
        path.write_text(to_svg(result), encoding="utf-8")
    else:
        path.write_bytes(to_png(result))
    return path


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
