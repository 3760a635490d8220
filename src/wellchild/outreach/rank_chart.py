"""The rank chart: non-utilizers per practice (bars) beside their share with its Wilson
interval (points and rules), for the practices of the combined top list.

Rendered like the QI charts: an Altair spec, turned into SVG and PNG by vl-convert with
the Noto fonts, so practice names in any script draw.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from wellchild.drawing import FONT, require_altair
from wellchild.geography.regions import region
from wellchild.outreach.sheets import write_xlsx

if TYPE_CHECKING:
    import altair as alt

    from wellchild.outreach.rank import Ranking


def county_names(fips: tuple[str, ...]) -> str:
    """The counties in words ("Los Angeles County"), as the region file names them; a
    county it lacks keeps its code."""
    known = region().counties
    names = [f"{known[f].name} County" if f in known else f for f in fips]
    return ", ".join(names) or "all counties"


def chart_spec(ranking: Ranking) -> alt.HConcatChart:
    """Two panels sharing the practice axis, the practice with the most non-utilizers
    on top, so the bars read as a sorted list."""
    # Altair is slow to import; only charts need it
    import altair as alt

    combined = ranking.combined.sort_values(
        ["non_utilizers", "practice_id"], ascending=[False, True]
    )
    data = combined.assign(
        label=lambda t: t["practice_name"] + " (" + t["practice_id"] + ")",
        flag=lambda t: t["small_panel"].map({True: "small panel", False: "panel"}),
    )[["label", "non_utilizers", "panel", "share", "share_ci_low", "share_ci_high", "flag"]]
    order = list(data["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    bars = (
        alt.Chart(data)
        .mark_bar(color="#4C78A8")
        .encode(
            y=y,
            x=alt.X("non_utilizers:Q", title="Children 1–5 with no dental visit in 12 months"),
            tooltip=["label", "non_utilizers", "panel"],
        )
        .properties(width=260, height=max(120, 18 * len(data)))
    )
    whiskers = (
        alt.Chart(data)
        .mark_rule(color="#888888")
        .encode(
            y=alt.Y("label:N", sort=order, axis=None),
            x=alt.X("share_ci_low:Q", title="Share of the practice's children 1–5 (95% CI)",
                    axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            x2="share_ci_high:Q",
        )
    )  # fmt: skip
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=60)
        .encode(
            y=alt.Y("label:N", sort=order, axis=None),
            x="share:Q",
            color=alt.Color("flag:N", title=None,
                            scale=alt.Scale(domain=["panel", "small panel"],
                                            range=["#D62728", "#BBBBBB"])),
            tooltip=["label", alt.Tooltip("share:Q", format=".1%"), "panel"],
        )
    )  # fmt: skip
    share = alt.layer(whiskers, points).properties(width=260, height=max(120, 18 * len(data)))
    chart: alt.HConcatChart = (
        alt.hconcat(bars, share, spacing=8)
        .properties(
            title=alt.TitleParams(
                f"Dental non-utilizers by practice, {county_names(ranking.counties)}, "
                f"as of {ranking.as_of}",
                subtitle=f"The pilot's list: the top {ranking.top} practices by number or by "
                f"share ({len(combined)} practices), most non-utilizers first",
            )
        )
        .configure(font=FONT)
    )
    return chart


def save_chart(ranking: Ranking, stem: Path) -> dict[str, Path]:
    """Write ``stem.svg`` and ``stem.png``; return both paths."""
    require_altair()
    # the Vega renderer is loaded only when a chart is drawn
    import vl_convert

    spec = chart_spec(ranking).to_dict()
    svg, png = stem.with_suffix(".svg"), stem.with_suffix(".png")
    svg.write_text(vl_convert.vegalite_to_svg(spec), encoding="utf-8")
    png.write_bytes(bytes(vl_convert.vegalite_to_png(spec, scale=2)))
    return {"svg": svg, "png": png}


def rank_files(ranking: Ranking, out: Path) -> dict[str, Path]:
    """Every file of a ranking: CSV (all practices), XLSX (combined list, all practices,
    notes) and the chart."""
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "rank.csv"
    ranking.table.to_csv(csv, index=False, float_format="%.6g")
    percent = [c for c in ranking.table.columns if c.startswith(("share", "lang_"))]
    xlsx = write_xlsx(
        {
            f"Top {ranking.top} by number or share": ranking.combined,
            "All practices": ranking.table,
        },
        out / "rank.xlsx",
        percent=percent,
        notes={"About": _notes(ranking)},
    )
    return {"csv": csv, "xlsx": xlsx, **save_chart(ranking, out / "rank")}


def _notes(ranking: Ranking) -> str:
    return "\n".join(
        [
            f"Practices ranked as of {ranking.as_of} ({county_names(ranking.counties)}).",
            "panel: children aged 1-5 on the as-of date, enrolled that day and assigned to "
            "the practice (dental_12m denominator, exclusions removed).",
            "non_utilizers: those of them with no dental visit in the 12 months ending on "
            "the as-of date; share = non_utilizers / panel, with a 95% Wilson interval.",
            f"rank_number ranks every practice by non_utilizers; rank_share ranks practices "
            f"with a panel of at least {ranking.min_panel} by share (smaller panels are "
            "flagged small_panel and get no share rank).",
            f"in_top: in the top {ranking.top} by number or by share (the combined list, "
            f'the pilot\'s "top {ranking.top} by number or by share").',
            "lang_<tag>: share of the practice's non-utilizers whose family prefers that "
            "written language; lang_other: any language not a threshold language here.",
        ]
    )
