"""A medical–dental pilot played in a synthetic population (``wellchild synth
--pilot-practices N --pilot-start DATE [--pilot-effect K]``).

The six files are written first, as without a pilot. The population is then loaded into
a scratch store and the pilot is played on it with the project's own outreach code, on
the pilot's timeline (docs/outreach.md):

- the Los Angeles practices are ranked on the programme start (``outreach.rank``) and
  N of the top 25 by number or by share of non-utilizers take part, drawn at random;
- their gap lists of that day (``outreach.gaps``) name the cohort;
- each practice works its list: a listed child seen at the practice is handed the
  referral at that visit, the others are called; families referred go to a dentist on
  their form (``outreach.gaps.nearest``) more often than they would have;
- the registers the practices send back are written as ``wellchild referrals import``
  reads them, and the dental visits the referrals brought are added to ``dental_claim``.

The effect is planted on the data, not on a summary: a referred child with no dental
visit in the 6 months after the referral gets one with probability ``q``, chosen so that
``dental_after_pcp`` (computed by the measure itself) at the participating practices
rises by ``K`` points in expectation: ``q = K × children in the measure / children
referred at their index visit who did not meet it``. Without ``K`` the participating
practices are brought to the Los Angeles pilot's 58%. Every rate is in
``synth/rates.py`` (``PILOT_*``) and in docs/synth.md.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from wellchild.core.services import practice_visits
from wellchild.engines.base import Engine
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.errors import WellchildError
from wellchild.outreach.evaluation import COMPARISON_PER_PRACTICE, outcome
from wellchild.outreach.gaps import dental_offices, listed, nearest
from wellchild.outreach.rank import rank_practices
from wellchild.outreach.referrals import COLUMNS
from wellchild.synth import rates
from wellchild.synth.columns import Ints
from wellchild.synth.dates import day_number
from wellchild.synth.dental import DentalVisits, DentalVocabulary, dental_lines, dental_table
from wellchild.synth.enrollment import NOT_COVERED
from wellchild.synth.generator import CHUNK, CLAIMS_PER_CHUNK, SynthResult
from wellchild.synth.providers import build_directory
from wellchild.synth.region import Region
from wellchild.synth.writer import decoded, plain_schema

LOS_ANGELES = "06037"
TOP = 25  # the pilot recruited among the top 25 practices by number or share
FOLLOW_UP_MONTHS = 6
STREAM = 5  # spawn key of the pilot's random stream (0-4 are the generator's)


@dataclass(frozen=True)
class Pilot:
    """What :func:`plant_pilot` played and wrote."""

    folder: Path  # OUT/pilot: practices.txt and <practice_id>/referral_register.csv
    practices: tuple[str, ...]  # the participating practices, in rank order
    start: dt.date
    end: dt.date  # the last day of the data: the registers run to it
    denominator: int  # children in dental_after_pcp at the participating practices
    baseline: float  # their rate before the referrals' visits were added
    effect: float  # the planted rise, in proportion points
    cohort: int  # children on the participating practices' gap lists on the start
    referred: int  # children handed or sent a referral
    planted: int  # dental visits the referrals brought (added to dental_claim)
    statuses: int  # status rows in the registers
    registers: dict[str, Path]

    def summary(self) -> str:
        """What was played, in words."""
        return (
            f"Pilot from {self.start}: {len(self.practices)} practices "
            f"({', '.join(self.practices)}), {self.cohort:,} children on their gap lists, "
            f"{self.referred:,} referred, {self.planted:,} dental visits added; "
            f"{self.statuses:,} statuses in {self.folder}/<practice>/referral_register.csv "
            f"(the practices: {self.folder / 'practices.txt'}). dental_after_pcp there: "
            f"{self.baseline:.1%} of {self.denominator:,} without the pilot, "
            f"+{100 * self.effect:.1f} points planted."
        )


def check(year: int, practices: int, start: dt.date, effect: float | None) -> None:
    """The pilot's arguments, or a :class:`WellchildError` saying what to change."""
    first, last = dt.date(year - 1, 1, 1), dt.date(year, 6, 30)
    if practices < 1:
        raise WellchildError(
            f"--pilot-practices must be at least 1; got {practices}.",
            hint="The Los Angeles pilot recruited 9 practices: --pilot-practices 9.",
        )
    if not first <= start <= last:
        raise WellchildError(
            f"--pilot-start {start} must lie between {first} and {last}.",
            hint=f"The programme needs a year of data before it for the evaluation's "
            f"baseline and 6 months of follow-up before 31 December {year}: "
            f"--pilot-start {year}-01-01.",
        )
    if effect is not None and not 0 <= effect < 100:
        raise WellchildError(
            f"--pilot-effect is in percentage points from 0 to below 100; got {effect}.",
            hint="Leave it out to bring the participating practices to the pilot's 58%.",
        )


def plant_pilot(
    result: SynthResult,
    *,
    practices: int,
    start: dt.date,
    effect: float | None = None,
    db: Path | None = None,
) -> Pilot:
    """Play a pilot in the population ``result`` wrote; ``effect`` in percentage points.

    ``db`` is a store already loaded from ``result.out`` (before any pilot); without it
    the folder is loaded into a scratch store that is removed afterwards.
    """
    check(result.year, practices, start, effect)
    end = dt.date(result.year, 12, 31)
    with tempfile.TemporaryDirectory(prefix="wellchild-pilot-") as scratch:
        store = db
        if store is None:
            store = Path(scratch) / "population.duckdb"
            load_folder(result.out, store)
        play = _play(store, result, practices, start, end, effect)
    visits = play.visits
    if len(visits):
        _append(result.files["dental_claim"], _claims(result, visits), result.fmt)
    folder = result.out / "pilot"
    registers = {}
    for practice_id in play.practices:
        path = folder / practice_id / "referral_register.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        play.registers[play.registers["practice_id"] == practice_id].to_csv(path, index=False)
        registers[practice_id] = path
    (folder / "practices.txt").write_text("".join(f"{p}\n" for p in play.practices))
    filled = int((play.registers["status"] != "").sum())
    return Pilot(folder, play.practices, start, end, play.denominator, play.baseline,
                 play.effect, play.cohort, play.referred, len(visits), filled,
                 registers)  # fmt: skip


@dataclass(frozen=True)
class _Play:
    practices: tuple[str, ...]
    denominator: int
    baseline: float
    effect: float
    cohort: int
    referred: int
    visits: pd.DataFrame  # member_id, birth_date, day, dentist (practice id), plan, dmc
    registers: pd.DataFrame  # the registers' rows, every practice


def _play(
    store: Path, result: SynthResult, n: int, start: dt.date, end: dt.date, effect: float | None
) -> _Play:

    rng = np.random.default_rng(np.random.SeedSequence(result.seed, spawn_key=(STREAM,)))
    engine = DuckDBEngine.open(store)
    try:
        ranking = rank_practices(engine, start, counties=[LOS_ANGELES], top=TOP)
        top = ranking.combined["practice_id"].tolist()
        if n > len(top) or n * (1 + COMPARISON_PER_PRACTICE) > len(ranking.table):
            most = min(len(top), len(ranking.table) // (1 + COMPARISON_PER_PRACTICE))
            raise WellchildError(
                f"--pilot-practices {n} is too many for this population: Los Angeles has "
                f"{len(ranking.table)} practices with children aged 1–5 on {start}, "
                f"{len(top)} of them in the top {TOP}, and the evaluation compares each "
                f"participating practice with {COMPARISON_PER_PRACTICE} others.",
                hint=f"Use --pilot-practices {most} or fewer, or more --children.",
            )
        picked = set(rng.choice(np.array(top), n, replace=False).tolist())
        chosen = tuple(p for p in top if p in picked)
        cohort = listed(engine, chosen, start).sort_values(["practice_id", "member_id"])
        ids = cohort["member_id"].tolist()
        facts = _facts(engine, ids, start, end)
        rows = outcome(engine, start, end)
        offices = dental_offices(engine.to_arrow(engine.inputs().provider).to_pandas())
    finally:
        engine.close()
    rows = rows[rows["practice_id"].isin(chosen)]
    children = cohort.merge(facts["member"], on="member_id", how="left")
    seen = facts["visits"].merge(cohort, on=["member_id", "practice_id"])
    index = seen.groupby("member_id")["service_date"].min()
    children["index_date"] = children["member_id"].map(index)
    given, calls = _referrals(rng, children, start)
    # Calibration: the referred children the measure counts who did not meet it.
    misses = rows.loc[~rows["met"].astype(bool), ["member_id", "practice_id"]]
    referred = np.array([g is not None for g in given], dtype=bool)
    at_visit = children[referred & children["index_date"].notna().to_numpy()]
    measured = set(at_visit.merge(misses, on=["member_id", "practice_id"])["member_id"])
    eligible = len(measured)
    baseline = float(rows["met"].mean()) if len(rows) else float("nan")
    k = (
        (max(0.0, rates.PILOT_TARGET - baseline) if effect is None else effect / 100)
        if len(rows)
        else 0.0
    )
    q = k * len(rows) / eligible if eligible else (0.0 if k == 0 else float("inf"))
    if q > 1:
        ceiling = 100 * eligible / len(rows) if len(rows) else 0.0
        raise WellchildError(
            f"An effect of {100 * k:.1f} points cannot be planted: of the {len(rows):,} "
            f"children in dental_after_pcp at the participating practices, {eligible:,} were "
            f"referred at their visit and did not see a dentist, at most {ceiling:.1f} points.",
            hint="Choose a smaller --pilot-effect, or more --pilot-practices or --children.",
        )
    visits = _dental_visits(rng, children, given, facts, (q, measured), offices, end)
    registers = _registers(rng, children, given, calls, facts["dental"], visits, end)
    return _Play(chosen, len(rows), baseline, k, len(children), int(referred.sum()),
                 visits, registers)  # fmt: skip


def _facts(engine: Engine, ids: list[str], start: dt.date, end: dt.date) -> dict[str, pd.DataFrame]:
    """What the pilot needs to know of the cohort: the children, their visits with
    their practices, their dental visits and their coverage from the programme start."""

    i = engine.inputs()
    m = i.member.filter(i.member.member_id.isin(ids))
    member = m.select("member_id", "birth_date", "death_date", "zip", "county_fips",
                      "language", "phone")  # fmt: skip
    mc = i.medical_claim
    lines = mc.filter(mc.member_id.isin(ids) & mc.service_date.between(start, end))
    visits = practice_visits(lines, i.provider, i.pcp_assignment)
    d = i.dental_services
    dental = d.filter(d.member_id.isin(ids) & (d.service_date > start)).select(
        "member_id", "service_date"
    )
    e = i.enrollment
    spans = e.filter(e.member_id.isin(ids)).select(
        "member_id", "start_date", "end_date", "dental_delivery"
    )
    tables = {"member": member, "visits": visits, "dental": dental.distinct(), "spans": spans}
    return {name: engine.to_arrow(t).to_pandas() for name, t in tables.items()}


def _days(start: dt.date, low: int, high: int, size: int, rng: np.random.Generator) -> pd.Series:
    return pd.Series([start + dt.timedelta(days=int(x)) for x in rng.integers(low, high + 1, size)])


def _referrals(
    rng: np.random.Generator, children: pd.DataFrame, start: dt.date
) -> tuple[list[dt.date | None], pd.DataFrame]:
    """The day each child was handed or sent a referral (NaN: none), and the calls to
    children not seen: ``member_id, status, status_date, note``."""
    n = len(children)
    handed = children["index_date"].notna().to_numpy() & (
        rng.random(n) < rates.PILOT_GIVEN_AT_VISIT
    )
    called = children["index_date"].isna().to_numpy()
    outcomes = list(rates.PILOT_CALL)
    result = rng.choice(len(outcomes), n, p=list(rates.PILOT_CALL.values()))
    no_phone = children["phone"].isna().to_numpy() | (children["phone"] == "").to_numpy()
    status = np.where(no_phone, outcomes.index("unreachable"), result)
    call_day = _days(start, 0, rates.PILOT_CALL_DAYS, n, rng)
    mailed = called & (status == outcomes.index("given"))
    given: list[dt.date | None] = [
        visit if at_visit else (call if by_post else None)
        for visit, call, at_visit, by_post in zip(
            children["index_date"], call_day, handed, mailed, strict=True
        )
    ]
    recorded = called & (np.array(outcomes)[status] != "not recorded")
    notes = np.where(no_phone, "no phone on file", "")
    notes = np.where(mailed, "form mailed after a call", notes)
    calls = pd.DataFrame({
        "member_id": children["member_id"].to_numpy()[recorded],
        "status": np.array(outcomes)[status][recorded],
        "status_date": call_day.to_numpy()[recorded],
        "note": notes[recorded],
    })  # fmt: skip
    return given, calls


def _add_months(day: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def _dental_visits(
    rng: np.random.Generator,
    children: pd.DataFrame,
    given: list[dt.date | None],
    facts: dict[str, pd.DataFrame],
    share: tuple[float, set[str]],
    offices: pd.DataFrame,
    end: dt.date,
) -> pd.DataFrame:
    """The dental visits the referrals brought: of the referred children with no dental
    visit in the 6 months after the referral, a share ``q`` (drawn without replacement,
    separately among the children the measure counts, so that its rise is the one
    planted) goes to one of the dentists on the form."""

    dental = facts["dental"].groupby("member_id")["service_date"].apply(sorted).to_dict()
    spans = facts["spans"]
    where = {
        (name, f"{address}, {city} {code}"): practice
        for name, address, city, code, practice in zip(
            offices["name"], offices["address"], offices["city"], offices["zip"],
            offices["practice_id"], strict=True,
        )
    }  # fmt: skip
    q, measured = share
    members = children["member_id"].tolist()
    waiting = [
        i
        for i, (member, day) in enumerate(zip(members, given, strict=True))
        if day is not None
        and not any(day < v <= _add_months(day, FOLLOW_UP_MONTHS) for v in dental.get(member, []))
    ]
    goes: set[int] = set()
    for inside in (True, False):
        part = np.array([i for i in waiting if (members[i] in measured) == inside], dtype=np.int64)
        goes.update(rng.permutation(part)[: round(q * len(part))].tolist())
    out = []
    for i, row in enumerate(children.itertuples()):
        day = given[i]
        if day is None or i not in goes:
            continue
        low, high = rates.PILOT_VISIT_DAYS
        visit = day + dt.timedelta(days=int(rng.integers(low, high + 1)))
        died = row.death_date if isinstance(row.death_date, dt.date) else end
        if visit > min(end, died):
            continue
        born = row.birth_date
        assert isinstance(born, dt.date)
        age = visit.year - born.year - ((visit.month, visit.day) < (born.month, born.day))
        forms = nearest(offices, str(row.zip), str(row.county_fips), age, str(row.language))
        if not forms:
            continue
        weights = np.array(rates.PILOT_DENTIST_CHOICE[: len(forms)])
        form = forms[int(rng.choice(len(forms), p=weights / weights.sum()))]
        dentist = where[(form["name"], form["address"])]
        mine = spans[(spans["member_id"] == row.member_id) & (spans["start_date"] <= visit)
                     & (spans["end_date"].isna() | (spans["end_date"] >= visit))]  # fmt: skip
        out.append({"member_id": row.member_id, "birth_date": row.birth_date, "day": visit,
                    "dentist": str(dentist), "covered": not mine.empty,
                    "dmc": bool((mine["dental_delivery"] == "DMC").any())})  # fmt: skip
    return pd.DataFrame(out, columns=["member_id", "birth_date", "day", "dentist", "covered",
                                      "dmc"])  # fmt: skip


def _registers(
    rng: np.random.Generator,
    children: pd.DataFrame,
    given: list[dt.date | None],
    calls: pd.DataFrame,
    dental: pd.DataFrame,
    planted: pd.DataFrame,
    end: dt.date,
) -> pd.DataFrame:
    """The registers the practices send back: one row per status change, a child with
    none keeps its blank row (as the folder's register gave it)."""

    brought = planted[["member_id", "day"]].rename(columns={"day": "service_date"})
    visits = pd.concat([dental[["member_id", "service_date"]], brought])
    by_child = visits.groupby("member_id")["service_date"].apply(sorted).to_dict()
    practice = dict(zip(children["member_id"], children["practice_id"], strict=True))
    rows: list[dict[str, object]] = [
        {"member_id": c.member_id, "status": c.status, "status_date": c.status_date,
         "note": c.note}
        for c in calls.itertuples() if c.status != "given"
    ]  # fmt: skip
    after = list(rates.PILOT_NO_VISIT)
    for i, member in enumerate(children["member_id"]):
        day = given[i]
        if day is None:
            continue
        mailed = bool(((calls["member_id"] == member) & (calls["status"] == "given")).any())
        rows.append({"member_id": member, "status": "given", "status_date": day,
                     "note": "form mailed after a call" if mailed else "at the visit"})  # fmt: skip
        until = _add_months(day, FOLLOW_UP_MONTHS)
        went = [v for v in by_child.get(member, []) if day < v <= until]
        u = rng.random(3)
        if went:
            visit = went[0]
            if u[0] < rates.PILOT_BOOKED:
                lead = int(rng.integers(rates.PILOT_BOOKED_DAYS[0], rates.PILOT_BOOKED_DAYS[1] + 1))
                rows.append({"member_id": member, "status": "appointment made",
                             "status_date": max(day, visit - dt.timedelta(days=lead)),
                             "appointment_date": visit})  # fmt: skip
            if u[1] < rates.PILOT_SEEN:
                lag = int(rng.integers(rates.PILOT_SEEN_DAYS[0], rates.PILOT_SEEN_DAYS[1] + 1))
                rows.append({"member_id": member, "status": "seen",
                             "status_date": visit + dt.timedelta(days=lag)})  # fmt: skip
            continue
        cut = np.cumsum(list(rates.PILOT_NO_VISIT.values()))
        k = int(np.searchsorted(cut, u[2], side="right"))
        if k < len(after):
            when = day + dt.timedelta(days=int(rng.integers(14, 61)))
            row: dict[str, object] = {"member_id": member, "status": after[k], "status_date": when}
            if after[k] == "appointment made":
                row["appointment_date"] = when + dt.timedelta(days=int(rng.integers(7, 31)))
                row["note"] = "did not come"
            rows.append(row)
    frame = pd.DataFrame(rows, columns=["member_id", "status", "status_date", "appointment_date",
                                        "note"])  # fmt: skip
    frame = frame[frame["status_date"] <= end]
    frame["practice_id"] = frame["member_id"].map(practice)
    order = {s: i for i, s in enumerate(("given", "appointment made", "seen", "declined",
                                         "unreachable"))}  # fmt: skip
    frame = frame.assign(_o=frame["status"].map(order)).sort_values(
        ["practice_id", "member_id", "status_date", "_o"]
    )
    silent = children[~children["member_id"].isin(frame["member_id"])]
    blank = pd.DataFrame({"member_id": silent["member_id"], "practice_id": silent["practice_id"]})
    frame = pd.concat([frame.drop(columns="_o"), blank], ignore_index=True)
    frame = frame.sort_values(["practice_id", "member_id"], kind="stable")
    for column in ("status_date", "appointment_date"):
        frame[column] = frame[column].map(lambda d: d.isoformat() if isinstance(d, dt.date) else "")
    return frame.reindex(columns=list(COLUMNS)).fillna("").reset_index(drop=True)


def _claims(result: SynthResult, visits: pd.DataFrame) -> pa.Table:
    """The referrals' dental visits as ``dental_claim`` rows, made the way the generator
    makes every dental visit (lines, clinicians, noise), numbered after its claims."""
    d = build_directory(
        np.random.default_rng(np.random.SeedSequence(result.seed, spawn_key=(0,))),
        result.children,
        Region.load(),
    )
    rng = np.random.default_rng(np.random.SeedSequence(result.seed, spawn_key=(STREAM, 1)))
    index = {p: i for i, p in enumerate(d.practice_ids.to_pylist())}
    n = len(visits)
    v = DentalVisits(
        child=np.arange(n, dtype=np.int64),
        day=np.array([day_number(x) for x in visits["day"]], dtype=np.int64),
        practice=np.array([index[p] for p in visits["dentist"]], dtype=np.int64),
        plan=np.where(visits["covered"].to_numpy(dtype=bool), 0, NOT_COVERED).astype(np.int64),
    )
    born = _Born(np.array([day_number(x) for x in visits["birth_date"]], dtype=np.int64))
    lines = dental_lines(rng, v, born, d, visits["dmc"].to_numpy(dtype=bool))
    ids = visits["member_id"].astype(str).tolist()
    width = len(ids[0])
    if any(len(x) != width for x in ids):
        raise AssertionError("member ids of one width expected")
    matrix = np.frombuffer("".join(ids).encode("ascii"), dtype=np.uint8).reshape(n, width)
    base = -(-result.children // CHUNK) * CLAIMS_PER_CHUNK
    return dental_table(lines, matrix, base, DentalVocabulary(d))


@dataclass(frozen=True)
class _Born:
    birth: Ints


def _append(path: Path, table: pa.Table, fmt: str) -> None:
    """Add rows to a written table file, replacing it atomically."""
    temporary = path.with_name(f".{path.name}.partial")
    table = decoded(table).cast(plain_schema("dental_claim"))
    if fmt == "csv":
        shutil.copyfile(path, temporary)
        buffer = io.BytesIO()
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        pacsv.write_csv(table, buffer, write_options=options)
        with temporary.open("ab") as f:
            f.write(buffer.getvalue())
    else:
        whole = pa.concat_tables([pq.read_table(path), table])
        pq.write_table(whole, temporary, compression="zstd", store_schema=False)
    os.replace(temporary, path)
