"""``link``: pair the members of a medical and a dental source that share no id.

Splink scores candidate pairs; each member then keeps at most one partner (the most
probable pair first), because a child has one record on each side. Pairs at or above
``accept`` form the crosswalk; those from ``review`` up to ``accept`` go to a clerk.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wellchild.engines.splink_backend import duckdb_api
from wellchild.errors import WellchildError
from wellchild.linkage.band import ACCEPT, REVIEW, check_band
from wellchild.linkage.model import trained_linker
from wellchild.linkage.report import Scores, read_truth, score, write_report
from wellchild.linkage.sources import prepare, read_source

CROSSWALK_COLUMNS = ["medical_id", "dental_id", "match_probability", "match_weight"]


@dataclass(frozen=True)
class LinkResult:
    """What :func:`link` wrote and how well it did."""

    out: Path
    files: dict[str, Path]
    medical: int
    dental: int
    linked: int
    review: int
    scores: Scores | None = None
    seconds: float = field(default=0.0, compare=False)


def one_to_one(pairs: pd.DataFrame) -> pd.DataFrame:
    """Keep each id in at most one pair, the most probable first (ties by id, so the
    result does not depend on the order Splink returned the pairs in).

    Examples
    --------
    >>> pairs = pd.DataFrame({"medical_id": ["a", "a", "b"], "dental_id": ["x", "y", "x"],
    ...                       "match_probability": [0.99, 0.6, 0.9]})
    >>> one_to_one(pairs)[["medical_id", "dental_id"]].values.tolist()
    [['a', 'x']]
    """
    ordered = pairs.sort_values(
        ["match_probability", "medical_id", "dental_id"], ascending=[False, True, True]
    )
    taken_medical: set[str] = set()
    taken_dental: set[str] = set()
    keep = []
    for row, m, d in zip(ordered.index, ordered["medical_id"], ordered["dental_id"], strict=True):
        if m not in taken_medical and d not in taken_dental:
            taken_medical.add(m)
            taken_dental.add(d)
            keep.append(row)
    return ordered.loc[keep].reset_index(drop=True)


def _oriented(predictions: pd.DataFrame) -> pd.DataFrame:
    """Scored pairs as medical_id, dental_id, whichever side Splink put each source on."""
    left_is_medical = predictions["source_dataset_l"] == "medical"
    return pd.DataFrame(
        {
            "medical_id": predictions["member_id_l"].where(
                left_is_medical, predictions["member_id_r"]
            ),
            "dental_id": predictions["member_id_r"].where(
                left_is_medical, predictions["member_id_l"]
            ),
            "match_probability": predictions["match_probability"].astype(float),
            "match_weight": predictions["match_weight"].astype(float),
        }
    )


def _review_rows(band: pd.DataFrame, medical: pd.DataFrame, dental: pd.DataFrame) -> pd.DataFrame:
    """Uncertain pairs with both records side by side, so a clerk can decide."""
    shown = ["member_id", "first_name", "last_name", "birth_date", "sex", "address", "zip"]
    shown.append("guardian_name")
    left = medical[shown].add_prefix("medical_").rename(columns={"medical_member_id": "medical_id"})
    right = dental[shown].add_prefix("dental_").rename(columns={"dental_member_id": "dental_id"})
    return band.merge(left, on="medical_id", how="left").merge(right, on="dental_id", how="left")


def link(
    medical_dir: Path,
    dental_dir: Path,
    out: Path,
    *,
    truth: Path | None = None,
    review: float = REVIEW,
    accept: float = ACCEPT,
) -> LinkResult:
    """Link two sources and write ``crosswalk.csv``, ``review.csv`` and the report.

    Raises
    ------
    WellchildError
        For a missing or unreadable folder or file, a bad band, or the same folder twice.
    """
    # Splink narrates every training step, and warns on every run that a wrong sex is
    # never seen among blocked pairs; the report says what matters.
    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    check_band(review, accept)
    if Path(medical_dir).resolve() == Path(dental_dir).resolve():
        raise WellchildError(
            f"--medical and --dental are the same folder ({medical_dir}).",
            hint="Pass the medical source's folder and the dental source's folder.",
        )
    medical_raw = read_source(Path(medical_dir), "medical")
    dental_raw = read_source(Path(dental_dir), "dental")
    truth_pairs = read_truth(truth) if truth is not None else None
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    linker = trained_linker(prepare(medical_raw), prepare(dental_raw), duckdb_api())
    scored = linker.inference.predict(threshold_match_probability=review).as_pandas_dataframe()
    pairs = one_to_one(_oriented(scored))
    crosswalk = pairs[pairs["match_probability"] >= accept]
    band = pairs[pairs["match_probability"] < accept]

    files = {"crosswalk": out / "crosswalk.csv", "review": out / "review.csv"}
    crosswalk[CROSSWALK_COLUMNS].to_csv(files["crosswalk"], index=False, float_format="%.6f")
    _review_rows(band, medical_raw, dental_raw).to_csv(
        files["review"], index=False, float_format="%.6f"
    )
    scores = score(crosswalk, band, truth_pairs) if truth_pairs is not None else None
    counts = {"medical": len(medical_raw), "dental": len(dental_raw)}
    files |= write_report(linker, out, counts, len(crosswalk), len(band), (review, accept), scores)
    return LinkResult(
        out=out,
        files=files,
        medical=len(medical_raw),
        dental=len(dental_raw),
        linked=len(crosswalk),
        review=len(band),
        scores=scores,
        seconds=time.perf_counter() - started,
    )
