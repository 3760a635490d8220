"""CSV inputs for every chart type, made from the qicharts2 example data in tests/data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from paths import DATA

INPUTS = DATA / "qicharts2" / "inputs"


def _cabg() -> pd.DataFrame:
    cabg = pd.read_csv(INPUTS / "cabg.csv", parse_dates=["date"])
    return cabg.assign(month=cabg["date"].dt.strftime("%Y-%m-01"))


def _between_deaths() -> pd.DataFrame:
    """Surgeries and days between deaths after CABG (the vignette's G and T charts)."""
    cabg = _cabg().reset_index(drop=True)
    deaths = cabg[cabg["death"]]
    between = pd.DataFrame(
        {
            "death": range(1, len(deaths)),
            "surgeries": deaths.index.to_series().diff().dropna().astype(int).to_numpy(),
            "days": deaths["date"].diff().dropna().dt.days.to_numpy(),
        }
    )
    return between[between["days"] > 0]


@pytest.fixture(scope="session")
def chart_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One CSV per kind of data, keyed by name."""
    folder = tmp_path_factory.mktemp("qi-inputs")
    frames = {
        "cdi": pd.read_csv(INPUTS / "cdi.csv"),
        "nhs": pd.read_csv(INPUTS / "nhs_accidents.csv"),
        "infections": pd.read_csv(INPUTS / "hospital_infections.csv"),
        "ages": _cabg()[["month", "age"]],
        "deaths": _between_deaths(),
    }
    paths = {}
    for name, frame in frames.items():
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths
