"""The linkage report: counts, the learnt match weights as a chart, the trained model,
and — when the truth is known, as for synthetic sources — precision, recall and F1.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wellchild.errors import InputError, WellchildError


@dataclass(frozen=True)
class Scores:
    """The crosswalk against the truth; ``recall_with_review`` counts review pairs as
    linked, the most a clerk could reach by accepting every one of them."""

    true_pairs: int
    linked: int
    correct: int
    precision: float
    recall: float
    f1: float
    recall_with_review: float


def read_truth(path: Path) -> pd.DataFrame:
    """The true pairs (``medical_id``, ``dental_id``), from a CSV or Parquet file."""
    if not path.is_file():
        raise WellchildError(
            f"--truth {path}: no such file.",
            hint="wellchild synth --separate-ids writes OUT/truth.csv.",
        )
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str)
    except (ValueError, OSError) as exc:
        raise InputError(f"--truth {path}: cannot be read ({exc}).") from None
    if not {"medical_id", "dental_id"} <= set(frame.columns):
        raise InputError(
            f"--truth {path}: needs the columns medical_id and dental_id; "
            f"found {', '.join(map(str, frame.columns))}.",
            hint="One row per child present in both sources.",
        )
    return frame[["medical_id", "dental_id"]].astype(str)


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["medical_id"].astype(str), frame["dental_id"].astype(str), strict=True))


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(crosswalk: pd.DataFrame, band: pd.DataFrame, truth: pd.DataFrame) -> Scores:
    """Precision, recall and F1 of the crosswalk's pairs against the true pairs."""
    true = _pairs(truth)
    linked = _pairs(crosswalk)
    correct = len(linked & true)
    precision = correct / len(linked) if linked else 0.0
    recall = correct / len(true) if true else 0.0
    reviewed = len((linked | _pairs(band)) & true)
    return Scores(
        true_pairs=len(true),
        linked=len(linked),
        correct=correct,
        precision=precision,
        recall=recall,
        f1=f1(precision, recall),
        recall_with_review=reviewed / len(true) if true else 0.0,
    )


def _chart(linker: Any, path: Path) -> None:
    """Splink's match-weights chart, rendered to SVG without a browser."""
    # the Vega renderer is loaded only when a chart is drawn
    import vl_convert

    spec = linker.visualisations.match_weights_chart(as_dict=True)
    path.write_text(vl_convert.vegalite_to_svg(spec), encoding="utf-8")


def _markdown(summary: dict[str, Any]) -> str:
    lines = [
        "# Linkage report",
        "",
        f"- medical members: {summary['medical']:,}",
        f"- dental members: {summary['dental']:,}",
        f"- linked (probability >= {summary['accept']}): {summary['linked']:,} (crosswalk.csv)",
        f"- to review ({summary['review']} <= probability < {summary['accept']}): "
        f"{summary['to_review']:,} (review.csv)",
    ]
    scores = summary.get("scores")
    if scores:
        lines += [
            "",
            f"Against the truth ({scores['true_pairs']:,} true pairs): "
            f"precision {scores['precision']:.4f}, recall {scores['recall']:.4f}, "
            f"F1 {scores['f1']:.4f}; recall if every review pair were accepted "
            f"{scores['recall_with_review']:.4f}.",
        ]
    lines += ["", "![Match weights](match_weights.svg)", ""]
    return "\n".join(lines)


def write_report(
    linker: Any,
    out: Path,
    counts: dict[str, int],
    linked: int,
    to_review: int,
    band: tuple[float, float],
    scores: Scores | None,
) -> dict[str, Path]:
    """Write ``report.md``, ``report.json``, ``match_weights.svg`` and ``model.json``."""
    files = {
        "report": out / "report.md",
        "summary": out / "report.json",
        "chart": out / "match_weights.svg",
        "model": out / "model.json",
    }
    summary: dict[str, Any] = {
        **counts,
        "linked": linked,
        "to_review": to_review,
        "review": band[0],
        "accept": band[1],
        "scores": asdict(scores) if scores is not None else None,
    }
    files["summary"].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    files["report"].write_text(_markdown(summary), encoding="utf-8")
    _chart(linker, files["chart"])
    linker.misc.save_model_to_json(str(files["model"]), overwrite=True)
    return files
