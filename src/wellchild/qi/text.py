"""The plain-text summary of a chart: its lines, and which rules fired where.

Written for a reader who cannot see the chart (screen readers, e-mail, the hub's text
beside the chart), so it names points by their x value and says what each signal means.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from wellchild.qi.catalogue import KINDS, RULE_SET_NAMES
from wellchild.qi.chart import QIChart

#: Gives a sentence's template in the reader's language (``gettext``); English as it stands.
Translate = Callable[[str], str]


def same(text: str) -> str:
    return text


def describe(result: QIChart, *, translate: Translate = same) -> str:
    """A plain-text summary: per facet and part, the lines and every signal with its points.

    Examples
    --------
    >>> import pandas as pd
    >>> from wellchild.qi import qi_chart
    >>> data = pd.DataFrame({"week": range(1, 21), "waits": [3] * 10 + [9] * 10})
    >>> print(describe(qi_chart(data, x="week", y="waits")).splitlines()[-1])
    - Unusually few crossings: the line crosses the centre line 1 time (fewer than 6 is unusual).
    """
    t = translate
    kind = KINDS[result.chart]
    lines = [
        t("{title}. {kind} ({purpose}); signals by the {rules}.").format(
            title=result.title,
            kind=t(kind.name),
            purpose=t(kind.purpose),
            rules=t(RULE_SET_NAMES[result.method]),
        )
    ]
    if result.target is not None:
        target = format_value(result.target, percent=shows_percent(result))
        lines.append(t("Target: {value}.").format(value=target))
    for (facet, _), points in result.points.groupby(["facet", "part"], sort=False, dropna=False):
        lines.append("")
        lines.append(_heading(result, facet, int(points["part"].iloc[0]), points, t))
        signals = _signals(result, points, t)
        lines.extend(signals or [t("No signal: only common-cause (random) variation.")])
    return "\n".join(lines)


def format_value(value: float, *, percent: bool = False) -> str:
    """Four significant digits: enough to read a rate or a count off the chart; a
    proportion drawn as a percentage reads as one (0.7676 → 76.76%)."""
    return f"{value * 100:.4g}%" if percent else f"{value:.4g}"


def shows_percent(result: QIChart) -> bool:
    """Whether the chart draws its proportions as percentages (p and p' charts, unscaled)."""
    return result.chart in ("p", "pp") and result.multiply == 1


def format_x(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _heading(result: QIChart, facet: object, part: int, points: pd.DataFrame, t: Translate) -> str:
    where = []
    if result.faceted:
        where.append(str(facet))
    if _same_facet(result.parts["facet"], facet).sum() > 1:
        where.append(t("part {part}").format(part=part))
    first, last = format_x(points["x"].iloc[0]), format_x(points["x"].iloc[-1])
    head = f"{', '.join(where).capitalize()}: " if where else ""
    text = head + t("{count} points, {first} to {last}.").format(
        count=len(points), first=first, last=last
    )
    percent = shows_percent(result)
    centre = points["cl"].dropna()
    if not centre.empty:
        value = format_value(float(centre.iloc[0]), percent=percent)
        if result.chart in ("run", "g"):
            text += " " + t("Centre line (median) {value}.").format(value=value)
        else:
            text += " " + t("Centre line (mean) {value}.").format(value=value)
    baseline = points[points["baseline"]]
    if len(baseline) < len(points):
        sentence = (
            "The centre line comes from the baseline, the first {count} points (to {last})."
            if result.chart == "run"
            else "The lines come from the baseline, the first {count} points (to {last})."
        )
        text += " " + t(sentence).format(count=len(baseline), last=format_x(baseline["x"].iloc[-1]))
    lcl, ucl = points["lcl"].dropna(), points["ucl"].dropna()
    if not ucl.empty:
        varying = lcl.nunique() > 1 or ucl.nunique() > 1

        def limit(values: pd.Series) -> str:
            if not varying:
                return format_value(float(values.iloc[0]), percent=percent)
            low, high = float(values.min()), float(values.max())
            return f"{format_value(low, percent=percent)}–{format_value(high, percent=percent)}"

        low, high = limit(lcl), limit(ucl)
        text += " " + t("Lower control limit {low}, upper {high}.").format(low=low, high=high)
    excluded = points.loc[~points["include"], "x"]
    if not excluded.empty:
        text += " " + t("Left out of the calculations: {points}.").format(
            points=", ".join(map(format_x, excluded))
        )
    notes = points.loc[points["notes"] != "", ["x", "notes"]]
    for x, note in notes.itertuples(index=False):
        text += " " + t("Note at {x}: {note}.").format(x=format_x(x), note=note)
    return text


def _signals(result: QIChart, points: pd.DataFrame, t: Translate) -> list[str]:
    found: list[str] = []
    first = points.iloc[0]
    if result.method == "anhoej":
        for segment in _segments(points, "anhoej_long_run", by_side=True):
            sentence = (
                "- Unusually long run: {count} points above the centre line, {span} "
                "(longer than {most} is unusual)."
                if _above(segment)
                else "- Unusually long run: {count} points below the centre line, {span} "
                "(longer than {most} is unusual)."
            )
            found.append(
                t(sentence).format(
                    count=len(segment), span=_span(segment, t), most=first["longest_run_max"]
                )
            )
        if points["runs_signal"].any() and _few_crossings(first):
            sentence = (
                "- Unusually few crossings: the line crosses the centre line {count} time "
                "(fewer than {least} is unusual)."
                if first["n_crossings"] == 1
                else "- Unusually few crossings: the line crosses the centre line {count} times "
                "(fewer than {least} is unusual)."
            )
            found.append(
                t(sentence).format(count=first["n_crossings"], least=first["n_crossings_min"])
            )
        outside = points[points["sigma_signal"]]
        if not outside.empty:
            found.append(
                t("- Outside the 3-sigma limits: {points}.").format(
                    points=_list_points(result, outside, t)
                )
            )
        return found
    for segment in _segments(points, "ihi_shift", by_side=True):
        found.append(
            f"- Shift: {len(segment)} points {_side(segment)} the {_centre(result)}, "
            f"{_span(segment, t)}."
        )
    for segment in _segments(points, "ihi_trend", by_side=False):
        rising = segment["y"].iloc[-1] > segment["y"].iloc[0]
        found.append(
            f"- Trend: {len(segment)} points {'rising' if rising else 'falling'}, "
            f"{_span(segment, t)}."
        )
    part = result.parts[
        (result.parts["part"] == first["part"]) & _same_facet(result.parts["facet"], first["facet"])
    ].iloc[0]
    if points["ihi_too_few_runs"].any():
        found.append(
            f"- Too few runs: {part['ihi_n_runs']} runs around the {_centre(result)} "
            f"(fewer than {part['ihi_runs_min']} is unusual)."
        )
    if points["ihi_too_many_runs"].any():
        found.append(
            f"- Too many runs: {part['ihi_n_runs']} runs around the {_centre(result)} "
            f"(more than {part['ihi_runs_max']} is unusual)."
        )
    astronomical = points[points["ihi_astronomical_point"]]
    if not astronomical.empty:
        found.append(f"- Astronomical point: {_list_points(result, astronomical, t)}.")
    return found


def _centre(result: QIChart) -> str:
    return "median" if result.chart in ("run", "g") else "centre line"


def _same_facet(column: pd.Series, facet: object) -> pd.Series:
    return (
        column.isna()
        if facet is None or (isinstance(facet, float) and np.isnan(facet))
        else column == facet
    )


def _few_crossings(point: pd.Series) -> bool:
    if pd.isna(point["n_crossings"]):
        return False
    return bool(point["n_crossings"] < point["n_crossings_min"])


def _segments(points: pd.DataFrame, column: str, *, by_side: bool) -> list[pd.DataFrame]:
    """Consecutive flagged points among the included ones.

    With ``by_side``, a point on the centre line neither breaks nor joins a segment (as in
    the rules themselves), and a segment ends where the points change side.
    """
    segments: list[pd.DataFrame] = []
    current: list[object] = []
    current_side = 0.0
    for index, row in points[points["include"] & points["y"].notna()].iterrows():
        side = float(np.sign(row["y"] - row["cl"]))
        if by_side and side == 0:
            continue
        if not row[column] or (by_side and current and side != current_side):
            if current:
                segments.append(points.loc[current])
            current = []
        if row[column]:
            current.append(index)
            current_side = side
    if current:
        segments.append(points.loc[current])
    return segments


def _above(segment: pd.DataFrame) -> bool:
    return bool((segment["y"] > segment["cl"]).sum() >= (segment["y"] < segment["cl"]).sum())


def _side(segment: pd.DataFrame) -> str:
    return "above" if _above(segment) else "below"


def _span(segment: pd.DataFrame, t: Translate) -> str:
    first, last = format_x(segment["x"].iloc[0]), format_x(segment["x"].iloc[-1])
    return t("{first} to {last}").format(first=first, last=last)


def _list_points(result: QIChart, points: pd.DataFrame, t: Translate) -> str:
    percent = shows_percent(result)
    items = [
        (t("{x} ({value}, high)") if y > cl else t("{x} ({value}, low)")).format(
            x=format_x(x), value=format_value(y, percent=percent)
        )
        for x, y, cl in zip(
            points["x"], points["y"].astype(float), points["cl"].astype(float), strict=True
        )
    ]
    head = t("{count} point: ") if len(items) == 1 else t("{count} points: ")
    return head.format(count=len(items)) + ", ".join(items)
