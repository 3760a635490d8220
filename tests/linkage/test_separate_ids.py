"""``synth --separate-ids``: deterministic noisy sources, the truth, and clean defaults."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wellchild.synth import CHUNK, SynthResult, generate
from wellchild.synth.rates import DENTAL_SOURCE, MEDICAL_SOURCE

from .conftest import YEAR

CONTRACT = [
    "dental_claim.csv",
    "enrollment.csv",
    "medical_claim.csv",
    "member.csv",
    "pcp_assignment.csv",
    "provider.csv",
]
SOURCE_FILES = ["dental/member.csv", "medical/member.csv", "truth.csv"]


def _bytes(folder: Path, names: list[str]) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in names}


def test_same_seed_gives_identical_sources(tmp_path: Path) -> None:
    children = CHUNK + 300  # two chunks, so the per-chunk noise streams are exercised
    a = generate(tmp_path / "a", children=children, seed=4, year=YEAR, separate_ids=True)
    b = generate(tmp_path / "b", children=children, seed=4, year=YEAR, separate_ids=True)
    names = CONTRACT + SOURCE_FILES
    assert _bytes(a.out, names) == _bytes(b.out, names)
    c = generate(tmp_path / "c", children=children, seed=5, year=YEAR, separate_ids=True)
    for name in SOURCE_FILES:
        assert (a.out / name).read_bytes() != (c.out / name).read_bytes(), name


def test_the_six_files_do_not_change_with_the_option(tmp_path: Path) -> None:
    plain = generate(tmp_path / "plain", children=1_500, seed=8, year=YEAR)
    both = generate(tmp_path / "both", children=1_500, seed=8, year=YEAR, separate_ids=True)
    assert _bytes(plain.out, CONTRACT) == _bytes(both.out, CONTRACT)
    assert sorted(p.name for p in plain.out.iterdir()) == CONTRACT


def test_parquet_sources(tmp_path: Path) -> None:
    result = generate(tmp_path, children=300, seed=2, year=YEAR, fmt="parquet", separate_ids=True)
    assert result.files["truth"] == tmp_path / "truth.parquet"
    assert len(pd.read_parquet(result.files["medical"])) == result.rows["medical"]


def test_truth_pairs_children_present_in_both_sources(separate: SynthResult) -> None:
    member = pd.read_csv(separate.files["member"], dtype=str)
    medical = pd.read_csv(separate.files["medical"], dtype=str)
    dental = pd.read_csv(separate.files["dental"], dtype=str)
    truth = pd.read_csv(separate.files["truth"], dtype=str)
    assert medical["member_id"].is_unique
    assert dental["member_id"].is_unique
    assert set(medical["member_id"]) <= set(member["member_id"])  # the medical side keeps the CIN
    assert not set(dental["member_id"]) & set(member["member_id"])
    assert truth["medical_id"].is_unique
    assert truth["dental_id"].is_unique
    assert set(truth["medical_id"]) <= set(medical["member_id"])
    assert set(truth["dental_id"]) <= set(dental["member_id"])
    n = len(member)
    both = MEDICAL_SOURCE.present * DENTAL_SOURCE.present
    assert abs(len(truth) / n - both) < 0.02
    assert abs(len(medical) / n - MEDICAL_SOURCE.present) < 0.02
    assert abs(len(dental) / n - DENTAL_SOURCE.present) < 0.02


def test_noise_lands_at_its_rates(separate: SynthResult) -> None:
    member = pd.read_csv(separate.files["member"], dtype=str).set_index("member_id")
    truth = pd.read_csv(separate.files["truth"], dtype=str)
    dental = pd.read_csv(separate.files["dental"], dtype=str).set_index("member_id")
    clean = member.loc[truth["medical_id"]].reset_index(drop=True)
    noisy = dental.loc[truth["dental_id"]].reset_index(drop=True)
    upper = noisy["last_name"].str.isupper() & ~clean["last_name"].str.isupper()
    assert abs(upper.mean() - DENTAL_SOURCE.upper_case) < 0.04
    missing_guardian = noisy["guardian_name"].isna().mean()
    assert abs(missing_guardian - DENTAL_SOURCE.guardian_missing) < 0.03
    changed_zip = (noisy["zip"] != clean["zip"]).mean()
    expected = DENTAL_SOURCE.moved + DENTAL_SOURCE.zip_typo  # a move may keep the ZIP
    assert expected - 0.04 < changed_zip < expected + 0.02
    swapped = (
        (noisy["birth_date"].str[5:7] == clean["birth_date"].str[8:10])
        & (noisy["birth_date"].str[8:10] == clean["birth_date"].str[5:7])
        & (noisy["birth_date"] != clean["birth_date"])
    )
    assert 0 < swapped.sum() < 0.05 * len(truth)
    same_first = noisy["first_name"].str.lower() == clean["first_name"].str.lower()
    assert 0.75 < same_first.mean() < 0.97
