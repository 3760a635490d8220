"""``wellchild link`` on synthetic sources: the aim, the outputs, and user mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from wellchild.linkage.link import LinkResult, link, one_to_one
from wellchild.synth import SynthResult

AIM = 0.98


@pytest.fixture(scope="module")
def linked(separate: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> LinkResult:
    return link(
        separate.out / "medical",
        separate.out / "dental",
        tmp_path_factory.mktemp("linked"),
        truth=separate.files["truth"],
    )


def test_reaches_the_aim_without_labels(linked: LinkResult) -> None:
    assert linked.scores is not None
    assert linked.scores.f1 >= AIM
    assert linked.scores.precision >= AIM
    assert linked.scores.recall >= AIM


def test_crosswalk_is_one_to_one_and_above_the_accept_threshold(linked: LinkResult) -> None:
    crosswalk = pd.read_csv(linked.files["crosswalk"], dtype={"medical_id": str, "dental_id": str})
    assert list(crosswalk.columns) == [
        "medical_id",
        "dental_id",
        "match_probability",
        "match_weight",
    ]
    assert crosswalk["medical_id"].is_unique
    assert crosswalk["dental_id"].is_unique
    assert (crosswalk["match_probability"] >= 0.95).all()
    assert len(crosswalk) == linked.linked


def test_review_holds_the_uncertain_band_side_by_side(linked: LinkResult) -> None:
    review = pd.read_csv(linked.files["review"])
    assert len(review) == linked.review
    assert review["match_probability"].between(0.5, 0.95, inclusive="left").all()
    assert {"medical_first_name", "dental_first_name", "dental_birth_date"} <= set(review.columns)


def test_report_has_the_figures_and_the_chart(linked: LinkResult) -> None:
    summary = json.loads(linked.files["summary"].read_text())
    assert summary["linked"] == linked.linked
    assert summary["scores"]["f1"] == pytest.approx(linked.scores.f1 if linked.scores else 0)
    assert linked.files["chart"].read_text().lstrip().startswith("<svg")
    assert "F1" in linked.files["report"].read_text()
    assert json.loads(linked.files["model"].read_text())["link_type"] == "link_only"


def test_one_to_one_keeps_the_most_probable_pair_per_id() -> None:
    pairs = pd.DataFrame(
        {
            "medical_id": ["a", "a", "b", "b", "c"],
            "dental_id": ["x", "y", "x", "z", "z"],
            "match_probability": [0.97, 0.96, 0.99, 0.6, 0.7],
        }
    )
    kept = one_to_one(pairs)
    assert kept[["medical_id", "dental_id"]].values.tolist() == [["b", "x"], ["a", "y"], ["c", "z"]]


def _wellchild(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wellchild", "link", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def _mistakes(separate: SynthResult, tmp: Path) -> dict[str, list[str | Path]]:
    medical, dental = separate.out / "medical", separate.out / "dental"
    broken = tmp / "broken"
    broken.mkdir()
    (broken / "member.csv").write_text("member_id,first_name\nA1,Ana\n")
    base: list[str | Path] = ["--out", tmp / "out"]
    return {
        "no such folder": ["--medical", tmp / "nope", "--dental", dental, *base],
        "no member file": ["--medical", tmp, "--dental", dental, *base],
        "missing column": ["--medical", broken, "--dental", dental, *base],
        "same folder": ["--medical", medical, "--dental", medical, *base],
        "inverted band": [
            "--medical",
            medical,
            "--dental",
            dental,
            "--review",
            "0.9",
            "--accept",
            "0.5",
            *base,
        ],
        "no truth file": [
            "--medical",
            medical,
            "--dental",
            dental,
            "--truth",
            tmp / "t.csv",
            *base,
        ],
    }


def test_mistakes_exit_2_with_a_message_and_no_traceback(
    separate: SynthResult, tmp_path: Path
) -> None:
    for what, args in _mistakes(separate, tmp_path).items():
        result = _wellchild(*args)
        assert result.returncode == 2, what
        assert result.stderr.startswith("Error: "), what
        assert "Traceback" not in result.stderr, what
