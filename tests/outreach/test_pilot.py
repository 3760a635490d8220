"""A pilot planted in the synthetic population (``synth --pilot-practices``) is found by
the evaluation: effects of 0, +10 and +25 points planted in the dental claims, the
practices' registers imported as a plan would, and the difference-in-differences'
interval covering what was planted on this population: 0 not called an effect, +25 found."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.errors import WellchildError
from wellchild.outreach.evaluation import ELIGIBLE, FALLBACK, Evaluation, evaluate, outcome
from wellchild.outreach.rank import rank_practices
from wellchild.outreach.referrals import import_file, read_register, roster
from wellchild.outreach.synthetic_pilot import Pilot, plant_pilot
from wellchild.synth import SynthResult, generate

# 10,000 children give 28 Los Angeles practices, 25 to 27 of them in the top list the
# pilot recruits from: 8 take part, 16 compare. Over 60 seeds with no effect planted the
# interval (CR2, Satterthwaite degrees of freedom) covered 0 on 54 (docs/synth.md, "How
# often the evaluation's interval covers what was planted"), seeds 1 and 4 among the
# misses: so this end-to-end check runs on one seed, where it holds, and what holds on
# every seed measured -- the estimate moves by what was planted -- is checked too. The
# interval's coverage itself is checked over 800 simulated trials in test_clustered.py;
# a second seed here would cost another ~30 s CPU and could only be one picked because
# it passes.
SEED = 3
CHILDREN = 10_000
YEAR = 2024
START, AS_OF = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
PRACTICES = 8


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[SynthResult, Path]:
    """The population without a pilot, written and loaded once."""
    folder = tmp_path_factory.mktemp("pilot")
    result = generate(folder / "base", children=CHILDREN, seed=SEED, year=YEAR)
    load_folder(result.out, folder / "base.duckdb")
    return result, folder / "base.duckdb"


def play(
    base: tuple[SynthResult, Path], effect: float | None, folder: Path
) -> tuple[Pilot, Path, Evaluation]:
    """Plant a pilot in a copy of the base population, load it, import the registers the
    practices sent back and evaluate the practices that took part."""
    result, base_db = base
    shutil.copytree(result.out, folder / "input")
    copy = dataclasses.replace(
        result,
        out=folder / "input",
        files={name: folder / "input" / path.name for name, path in result.files.items()},
    )
    pilot = plant_pilot(copy, practices=PRACTICES, start=START, effect=effect, db=base_db)
    db = folder / "store.duckdb"
    load_folder(copy.out, db)
    engine = DuckDBEngine.open(db)
    try:
        people = roster(engine)
        for register in pilot.registers.values():
            import_file(register, db, people)
        evaluation = evaluate(engine, START, AS_OF, pilot.practices, read_register(db))
    finally:
        engine.close()
    return pilot, db, evaluation


EFFECTS = (0, 10, 25)


@pytest.fixture(scope="module")
def played(
    base: tuple[SynthResult, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[int, tuple[Pilot, Path, Evaluation]]:
    """The same practices' pilot played with each planted effect."""
    return {k: play(base, k, tmp_path_factory.mktemp(f"planted{k}")) for k in EFFECTS}


@pytest.fixture(params=EFFECTS, ids=lambda k: f"planted+{k}")
def planted(
    request: pytest.FixtureRequest, played: dict[int, tuple[Pilot, Path, Evaluation]]
) -> tuple[int, Pilot, Path, Evaluation]:
    effect = int(request.param)
    return effect, *played[effect]


def test_the_interval_covers_the_planted_effect(
    planted: tuple[int, Pilot, Path, Evaluation],
) -> None:
    effect, _, _, evaluation = planted
    did = evaluation.did
    assert did["ci_low"] <= effect / 100 <= did["ci_high"], did
    if effect == 0:
        assert did["ci_low"] < 0 < did["ci_high"], "no effect was planted, none may be called"
    if effect == 25:
        assert did["ci_low"] > 0, "an effect of 25 points must be found"


def test_the_estimate_moves_by_what_was_planted(
    played: dict[int, tuple[Pilot, Path, Evaluation]],
) -> None:
    """Same population, same practices, same comparison group: whatever the estimate's
    error on this population, planting K points more moves it by K (a few denied claims
    aside). This holds on every seed measured, unlike the interval's coverage."""
    zero = played[0][2].did["estimate"]
    for effect in EFFECTS[1:]:
        moved = played[effect][2].did["estimate"] - zero
        assert moved == pytest.approx(effect / 100, abs=0.025), (effect, moved)


def test_the_planted_visits_are_in_the_dental_claims(
    planted: tuple[int, Pilot, Path, Evaluation], base: tuple[SynthResult, Path]
) -> None:
    """dental_after_pcp, computed by the measure from the claims, rises at the
    participating practices by what was planted (nothing when nothing was planted)."""
    effect, pilot, db, _ = planted

    def rate(store: Path) -> float:
        engine = DuckDBEngine.open(store)
        try:
            rows = outcome(engine, START, AS_OF)
        finally:
            engine.close()
        return float(rows[rows["practice_id"].isin(pilot.practices)]["met"].mean())

    before, after = rate(base[1]), rate(db)
    assert before == pytest.approx(pilot.baseline)
    if effect == 0:
        assert pilot.planted == 0
        assert after == before
    else:
        # The share of families who go is exact; a few visits' claims come back denied.
        assert after - before == pytest.approx(effect / 100, abs=0.025)


def test_the_registers_name_the_cohort_and_import_whole(
    planted: tuple[int, Pilot, Path, Evaluation],
) -> None:
    """Every status row the practices sent back is a child of the cohort, dated in the
    programme; the flow runs from given to seen with realistic shares."""
    _, pilot, _, evaluation = planted
    lines = evaluation.accounting.set_index("line")["statuses"]
    assert lines.iloc[0] == lines["every status recorded"] == pilot.statuses > 0
    flow = evaluation.funnel.set_index("step")["children"]
    cohort = flow["on a gap list at the programme start (the cohort)"]
    assert cohort == pilot.cohort
    assert 0.5 < flow["referral given"] / cohort < 0.9
    assert 0 < flow["seen, as recorded by the practice"] < flow["referral given"]
    for step in ("appointment made", "declined", "unreachable"):
        assert flow[step] > 0, step


def test_the_comparison_group_is_chosen_as_the_docs_say(
    planted: tuple[int, Pilot, Path, Evaluation],
) -> None:
    """docs/outreach.md: for each participating practice, the two practices of its county
    that were in the ranking's top list on the programme start but were not recruited,
    closest in panel size, each used once; the county's other practices only when that
    list runs short, marked so."""
    _, pilot, db, evaluation = planted
    engine = DuckDBEngine.open(db)
    try:
        top = set(rank_practices(engine, START, counties=["06037"], top=25).combined["practice_id"])
    finally:
        engine.close()
    t = evaluation.practices
    mine, others = t[t["group"] == "participating"], t[t["group"] == "comparison"]
    assert sorted(mine["practice_id"]) == sorted(pilot.practices)
    assert set(pilot.practices) <= top
    assert len(others) == 2 * len(mine)
    assert set(others["county_fips"]) <= set(mine["county_fips"])
    from_top = others["practice_id"].isin(top)
    assert others.loc[from_top, "matched"].eq(ELIGIBLE).all()
    assert others.loc[~from_top, "matched"].eq(FALLBACK).all()
    # The list is used up before anyone from outside it is taken.
    if (~from_top).any():
        assert top <= set(t["practice_id"])


def test_comparison_practices_are_each_used_once() -> None:
    """Two participating practices of the same size compete for the closest eligible
    ones: the larger takes the two closest, the other the next two; another county's
    practice is never taken, however close, nor one outside the top list while the list
    lasts."""
    from wellchild.outreach.evaluation import comparison_group

    sizes = pd.DataFrame({
        "practice_id": ["A", "B", "c1", "c2", "c3", "c4", "c5", "x", "y"],
        "county_fips": ["06037"] * 7 + ["06067", "06037"],
        "panel": [100, 98, 102, 96, 120, 80, 400, 100, 99],
    })  # fmt: skip
    eligible = ["A", "B", "c1", "c2", "c3", "c4", "c5", "x"]
    groups = comparison_group(sizes, ["A", "B"], eligible).set_index("practice_id")["group"]
    assert groups[["c1", "c2", "c3", "c4"]].eq("comparison").all()
    assert groups["c5"] == groups["x"] == groups["y"] == "none"


def test_a_pilot_too_big_for_the_population_is_a_clear_error(
    base: tuple[SynthResult, Path], tmp_path: Path
) -> None:
    result, db = base
    shutil.copytree(result.out, tmp_path / "input")
    copy = dataclasses.replace(
        result,
        out=tmp_path / "input",
        files={name: tmp_path / "input" / path.name for name, path in result.files.items()},
    )
    with pytest.raises(WellchildError, match="too many for this population"):
        plant_pilot(copy, practices=20, start=START, db=db)
    with pytest.raises(WellchildError, match="must lie between"):
        plant_pilot(copy, practices=3, start=dt.date(2020, 1, 1), db=db)


def test_the_synth_command_checks_the_pilot_options_before_generating(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wellchild.cli import app

    args = ["synth", "--children", "100", "--seed", "1", "--year", str(YEAR),
            "--out", str(tmp_path / "out")]  # fmt: skip
    done = CliRunner().invoke(app, [*args, "--pilot-practices", "9"])
    assert done.exit_code != 0
    assert "needs both --pilot-practices and --pilot-start" in str(done.exception or done.output)
    assert not (tmp_path / "out").exists()


def test_a_pilot_refused_after_generating_leaves_no_population(tmp_path: Path) -> None:
    # Too many practices can only be told once the population exists: the files written
    # for the pilot are removed, so nobody loads a population without the pilot asked for.
    from typer.testing import CliRunner

    from wellchild.cli import app

    out = tmp_path / "out"
    args = ["synth", "--children", "300", "--seed", "1", "--year", str(YEAR), "--out",
            str(out), "--separate-ids", "--pilot-practices", "40",
            "--pilot-start", f"{YEAR}-01-01"]  # fmt: skip
    done = CliRunner().invoke(app, args)
    assert done.exit_code != 0
    said = str(done.exception or done.output)
    assert "too many for this population" in said
    assert f"The population written to {out} was removed." in said
    assert not any(out.iterdir())
