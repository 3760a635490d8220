"""wellchild publish and withdraw: the run folder checked, the policy applied before
anything is stored, one transaction with the signal, and the same run never twice."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import factories as make
import pandas as pd
import pytest
from data_run import tiny_run

from wellchild.errors import InputError, WellchildError
from wellchild.hub.data import monthly, policy, publishing
from wellchild.hub.data.models import Rate, Run, SeriesPoint, Team
from wellchild.hub.data.signals import run_published, run_withdrawn
from wellchild.measures.runfolder import read_run
from wellchild.measures.suppression import attack, primary, suppress


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "run"
    shutil.copytree(tiny_run().folder.path, target)
    return target


def _publish(label: str = "MY2024", *, public: bool = True, **kw: Any) -> publishing.Outcome:
    run = tiny_run()
    options: dict[str, Any] = {
        "folder": run.folder,
        "label": label,
        "public": public,
        "series": run.series,
        "outreach_dir": None,
        "db": run.db,
    }
    options.update(kw)
    return publishing.publish_run(**options)


class Heard:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, sender: Any, **kwargs: Any) -> None:
        kwargs.pop("signal", None)
        self.calls.append(kwargs)


@pytest.fixture
def heard() -> Any:
    published, withdrawn = Heard(), Heard()
    run_published.connect(published, weak=False)
    run_withdrawn.connect(withdrawn, weak=False)
    yield published, withdrawn
    run_published.disconnect(published)
    run_withdrawn.disconnect(withdrawn)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "summary.csv").unlink()
    with pytest.raises(InputError, match=r"summary.csv is missing"):
        read_run(folder)


def test_a_missing_column_is_named_with_its_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    summary = pd.read_csv(folder / "summary.csv", dtype=str)
    summary.drop(columns=["numerator"]).to_csv(folder / "summary.csv", index=False)
    with pytest.raises(InputError, match=r"summary.csv: missing column numerator"):
        read_run(folder)
    long = pd.read_parquet(folder / "measure_long.parquet")
    long.drop(columns=["met"]).to_parquet(folder / "measure_long.parquet")
    with pytest.raises(InputError, match=r"measure_long.parquet: missing column met"):
        read_run(folder)


def test_bad_values_are_reported_by_row_and_column_all_at_once(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    summary = pd.read_csv(folder / "summary.csv", dtype=str, keep_default_na=False)
    summary.loc[2, "numerator"] = "many"
    summary.loc[4, "dimension"] = "shoe size"
    summary.to_csv(folder / "summary.csv", index=False)
    with pytest.raises(InputError) as caught:
        read_run(folder)
    message = caught.value.message
    assert "2 problems" in message
    assert "row 4, column numerator: expected a whole number ≥ 0, found 'many'" in message
    assert "row 6, column dimension: expected one of total" in message


def test_a_summary_already_suppressed_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "run.json").read_text().replace('"public": false', '"public": true')
    (folder / "run.json").write_text(text)
    with pytest.raises(InputError, match="--public"):
        read_run(folder)


def test_the_command_line_says_what_is_wrong_without_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wellchild",
            "publish",
            "--run",
            str(tmp_path / "nope"),
            "--label",
            "X",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "no such folder" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_publish_stores_only_suppressed_counts_and_sends_the_signal(heard: Any) -> None:
    published, _ = heard
    outcome = _publish()
    run = outcome.run
    assert outcome.created
    assert (run.year, run.baseline_year, run.public) == (2024, 2023, True)
    assert list(run.measures.values_list("measure_id", flat=True)) == ["wcv_6m", "dental_12m"]
    stored = [
        n
        for pair in Rate.objects.values_list("denominator", "numerator")
        for n in pair
        if n is not None
    ]
    stored += [
        n
        for pair in SeriesPoint.objects.values_list("denominator", "numerator")
        for n in pair
        if n is not None
    ]
    assert stored
    assert [n for n in stored if 1 <= n <= 10] == []
    assert Rate.objects.filter(denominator__isnull=True).exists()  # the tiny run has small cells
    assert published.calls == [
        {"run": run, "run_dir": tiny_run().folder.path, "outreach_dir": None, "db": tiny_run().db}
    ]


def test_publishing_the_same_run_again_adds_nothing(heard: Any) -> None:
    published, _ = heard
    first = _publish(public=False)
    counts = (Run.objects.count(), Rate.objects.count(), SeriesPoint.objects.count())
    again = _publish("Another label", public=False)
    assert (again.run, again.created, again.made_public) == (first.run, False, False)
    assert "keeps its label 'MY2024'" in again.notes[0]
    assert (Run.objects.count(), Rate.objects.count(), SeriesPoint.objects.count()) == counts
    public = _publish(public=True)
    assert public.made_public
    assert Run.objects.get().public
    assert len(published.calls) == 1


def test_withdraw_then_publish_again_puts_it_back(heard: Any) -> None:
    published, withdrawn = heard
    run = _publish().run
    publishing.withdraw_run(label="MY2024")
    run.refresh_from_db()
    assert run.withdrawn
    assert withdrawn.calls == [{"run": run}]
    with pytest.raises(WellchildError, match="already withdrawn"):
        publishing.withdraw_run(label="MY2024")
    back = _publish()
    assert back.reinstated
    assert not Run.objects.get().withdrawn
    assert len(published.calls) == 2
    with pytest.raises(WellchildError, match="No published run is labelled 'Nope'"):
        publishing.withdraw_run(label="Nope")


def test_a_label_names_one_run(tmp_path: Path) -> None:
    _publish()
    other = read_run(_copy(tmp_path))
    other = other.__class__(other.path, other.info, other.summary, "0" * 64)
    with pytest.raises(WellchildError, match="belongs to another run") as raised:
        publishing.publish_run(
            folder=other, label="MY2024", public=True, series=None, outreach_dir=None, db=None
        )
    assert "--" not in str(raised.value)  # the command line names its own flags


def test_a_store_that_counts_other_children_is_refused() -> None:
    run = tiny_run()
    other = run.folder.summary.copy()
    other.loc[other["dimension"] == "total", "numerator"] += 1
    with pytest.raises(WellchildError, match="was not measured from this store") as raised:
        monthly.check_against_summary(run.series, other, db=run.db)
    assert "--" not in str(raised.value)  # the command line names its own flags


def test_the_month_of_the_runs_own_period_hides_what_the_summary_hides() -> None:
    run = tiny_run()
    shown = policy.public_summary(run.folder.summary)
    points = publishing._suppressed_series(run.folder, shown, run.series)
    december = points[
        (points["month"] == pd.Timestamp("2024-12-01").date()) & (points["scope"] != "practice")
    ]
    for row in december.to_dict("records"):
        dimension = "total" if row["scope"] == "all" else "county"
        group = "all" if row["scope"] == "all" else row["key"]
        summary_row = shown[
            (shown["measure_id"] == row["measure_id"])
            & (shown["dimension"] == dimension)
            & (shown["group"] == group)
        ].iloc[0]
        for kind in ("denominator", "numerator"):
            assert pd.isna(row[kind]) == pd.isna(summary_row[kind]), (row, kind)


def test_a_hidden_zero_numerator_is_protected() -> None:
    # A zero numerator is hidden when the denominator is small (D − N from 1 to 10): the
    # suppression must protect it (its rate of 0% too), and the attack must agree.
    table = pd.DataFrame(
        {
            "dimension": ["total", "county", "county", "county", "sex", "sex"],
            "group": ["all", "A", "B", "C", "F", "M"],
            "denominator": [400, 26, 280, 94, 3, 397],
            "numerator": [200, 9, 140, 51, 0, 200],
        }
    )
    assert attack(table, primary(table)) != []  # the attack sees the bare policy
    hidden = suppress(table)
    assert hidden.at[4, "numerator"]
    assert attack(table, hidden) == []


def test_the_practices_teams_follow_get_their_own_series() -> None:
    assert publishing.series_plan(tiny_run().folder, months=3).practices == []
    clinic = make.organization("Riverbend Family Clinic", category="health-care-providers")
    Team.objects.create(name="Riverbend", slug="riverbend", organization=clinic, practice_id="P9")
    plan = publishing.series_plan(tiny_run().folder, months=3)
    assert (plan.practices, plan.months, plan.measures) == (["P9"], 3, ["wcv_6m", "dental_12m"])


def test_the_commands_publish_say_so_again_and_withdraw(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        WELLCHILD_HUB_DATA_DIR=str(tmp_path / "hub"), WELLCHILD_HUB_SITE_URL="http://hub.test"
    )

    def wellchild(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "wellchild", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    init = wellchild("hub", "init", "--no-input")
    assert init.returncode == 0
    assert "No coordinator account was created: WELLCHILD_HUB_ADMIN_EMAIL and" in init.stdout
    run = str(tiny_run().folder.path)
    first = wellchild("publish", "--run", run, "--label", "MY2024", "--public", "--months", "0")
    assert first.returncode == 0, first.stderr
    assert "Published 'MY2024': 2 measure(s), 0 monthly points, public." in first.stdout
    assert "No monthly series: --months 0." in first.stdout
    assert re.search(
        r"Practice portal: \d+ practice\(s\) with their rates; no gap lists", first.stdout
    )
    assert "http://hub.test/data/runs/my2024/" in first.stdout
    again = wellchild("publish", "--run", run, "--label", "MY2024", "--months", "0")
    assert "already published as 'MY2024'" in again.stdout
    assert "nothing was changed" in again.stdout
    assert f'wellchild publish --run {run} --label "MY2024" --outreach DIR' in again.stdout
    missing = wellchild(
        "publish", "--run", run, "--label", "X", "--db", str(tmp_path / "none.duckdb")
    )
    assert missing.returncode == 2
    assert "no such store" in missing.stderr
    blank = wellchild("publish", "--run", run, "--label", " ", "--months", "0")
    assert blank.returncode == 2
    assert "--label must not be empty" in blank.stderr
    gone = wellchild("withdraw", "--label", "my2024")  # the address, as in /data/runs/my2024/
    assert gone.returncode == 0
    assert "Withdrawn: 'MY2024'" in gone.stdout
    unknown = wellchild("withdraw", "--label", "MY2024")
    assert unknown.returncode == 2
    assert "already withdrawn" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_hub_init_without_a_terminal_says_what_it_did_not_do(tmp_path: Path) -> None:
    """Run from a script (stdin not a terminal), without --no-input and without the
    coordinator variables: no prompt, no abort, and the missing account is named."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env = {k: v for k, v in env.items() if not k.startswith("WELLCHILD_")}
    env.update(WELLCHILD_HUB_DATA_DIR=str(tmp_path / "hub"), WELLCHILD_HUB_ADMIN_EMAIL="a@b.org")
    done = subprocess.run(
        [sys.executable, "-m", "wellchild", "hub", "init"],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Coordinator email" not in done.stdout
    assert (
        "No coordinator account was created: WELLCHILD_HUB_ADMIN_PASSWORD (or _FILE) not set "
        "and no terminal to ask at." in done.stdout
    )


def test_a_county_with_no_child_in_the_runs_december_shows_its_zero() -> None:
    # The summary leaves out a county with no child in it; the series of the run's own
    # period may still list it at 0 (it has children in other months). December must show
    # that 0: hiding it would be a cell the sums prove to be 0, and publishing would fail.
    december = pd.Timestamp("2024-12-01").date()
    window = {"window_start": "2024-01-01", "window_end": "2024-12-31"}
    series = pd.DataFrame(
        {
            "measure_id": "w30_1",
            "scope": ["all", "county", "county", "county"],
            "key": ["", "06005", "06037", "06067"],
            "month": december,
            **window,
            "denominator": [81, 0, 67, 14],
            "numerator": [40, 0, 31, 9],
        }
    )
    summary = pd.DataFrame(
        {
            "measure_id": "w30_1",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "dimension": ["total", "county", "county"],
            "group": ["all", "06037", "06067"],
            "denominator": [81, 67, 14],
            "numerator": [40, 31, 9],
        }
    )
    shown = summary.assign(numerator=pd.array([40, pd.NA, pd.NA], dtype="Int64"))
    points = policy.follow(
        policy.suppress_series(series), shown, published_truth=summary, same_children=True
    )
    zero = points[points["key"] == "06005"].iloc[0]
    counts = [zero["denominator"], zero["numerator"]]
    assert not any(pd.isna(c) for c in counts)
    assert [int(c) for c in counts] == [0, 0]
    assert points.loc[points["key"] == "06037", "numerator"].isna().all()
    policy.check_series(points, series)
