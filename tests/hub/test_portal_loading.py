"""Publishing loads a run's practices, rates and named children into the portal; every
problem in what it reads is reported (file, rows, column) and nothing is loaded; a
withdrawn run takes its children and rates away, and outreach records stay."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse
from portal_factories import (
    KIDS,
    PRACTICE_A,
    PRACTICE_B,
    Kid,
    fast_passwords,  # noqa: F401  (autouse)
    publish,
    run,
    world,
    write_gap_list,
    write_run,
)

from wellchild.errors import InputError
from wellchild.hub.data.signals import run_withdrawn
from wellchild.hub.portal import access, audit
from wellchild.hub.portal.demo import attach_demo_staff
from wellchild.hub.portal.loading import parse_dentists
from wellchild.hub.portal.models import (
    AuditEvent,
    Child,
    GapEntry,
    GapList,
    MeasureRate,
    OutreachRecord,
    Practice,
    StaffGrant,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _entries(practice_id: str) -> list[tuple[str, str, str]]:
    practice = Practice.objects.get(practice_id=practice_id)
    return [(e.child.member_id, e.last_name, e.first_name) for e in access.entries(practice)]


def test_publishing_loads_practices_children_and_rates(tmp_path: Path) -> None:
    loaded = publish(run(), *write_run(tmp_path, KIDS))
    assert (loaded.practices, loaded.gap_lists, loaded.children, loaded.rates) == (2, 2, 5, 6)
    assert _entries(PRACTICE_A) == [
        ("M1003", "Chen", "Mei"),
        ("M1001", "Garcia", "Ana"),
        ("M1002", "Garcia", "Luis"),
    ]
    assert _entries(PRACTICE_B) == [("M2001", "Garcia", "Ana"), ("M2002", "Garcias", "Ana")]
    # Without the store, a practice is named by its id until a publication brings names.
    assert sorted(Practice.objects.values_list("practice_id", "name")) == [
        (PRACTICE_A, PRACTICE_A),
        (PRACTICE_B, PRACTICE_B),
    ]
    ana = GapEntry.objects.get(child__member_id="M1001")
    assert (ana.birth_date, ana.age_years, ana.language, ana.gap_wcv, ana.gap_w30_2) == (
        dt.date(2022, 3, 14),
        3,
        "es",
        True,
        False,
    )
    assert ana.dentists == [
        {
            "name": "Smile Kids Dental",
            "address": "",
            "phone": "(323) 555-0101",
            "languages": "",
            "distance": "1.2 km",
        },
        {
            "name": "Harbor Family Dentistry",
            "address": "",
            "phone": "(310) 555-0199",
            "languages": "",
            "distance": "3.4 km",
        },
    ]
    rate = MeasureRate.objects.get(practice__practice_id=PRACTICE_A, measure_id="dental_12m")
    assert (rate.eligible, rate.denominator, rate.numerator, rate.rate) == (5, 5, 2, 0.4)
    assert rate.target_rate == 0.5


def test_publishing_the_same_run_again_changes_nothing_and_keeps_keys(tmp_path: Path) -> None:
    published = run()
    folders = write_run(tmp_path, KIDS)
    publish(published, *folders)
    keys = dict(Child.objects.values_list("member_id", "key"))
    publish(published, *folders)
    assert dict(Child.objects.values_list("member_id", "key")) == keys
    assert GapEntry.objects.count() == 5
    assert MeasureRate.objects.count() == 6


def test_every_problem_is_reported_and_nothing_is_loaded(tmp_path: Path) -> None:
    run_dir, outreach = write_run(tmp_path, KIDS)
    path = outreach / PRACTICE_A / "gap_list.csv"
    rows = list(csv.DictReader(path.open()))
    rows[0]["birth_date"] = "14/03/2022"
    rows[1]["gap_wcv"] = "maybe"
    rows[2]["member_id"] = "M2001"  # B's child, in A's folder
    rows.append(dict(rows[0]))  # the same child twice
    rows[3]["birth_date"] = "2022-03-14"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    write_gap_list(outreach / "P999ZZ", [Kid("M9", "Zed", "Zulu", 2, "en")])
    (outreach / PRACTICE_B / "referral_register.csv").write_text(
        f"member_id,practice_id,status,status_date\nM2001,{PRACTICE_A},,\n"
    )
    with pytest.raises(InputError) as raised:
        publish(run(), run_dir, outreach)
    assert str(raised.value).splitlines()[1:-1] == [
        f"{outreach / 'P999ZZ'}: the run has no rows of a practice 'P999ZZ'; each folder is "
        "named by the practice id of its children.",
        f"{PRACTICE_A}/gap_list.csv, column birth_date: 1 row(s) are not dates as YYYY-MM-DD "
        "(rows 2)",
        f"{PRACTICE_A}/gap_list.csv, column gap_wcv: 1 row(s) are not True or False (rows 3)",
        f"{PRACTICE_A}/gap_list.csv, column member_id: 1 row(s) name children the run does "
        "not attribute to it (rows 4)",
        f"{PRACTICE_A}/gap_list.csv, column member_id: 1 row(s) repeat a child listed above "
        "(rows 5)",
        f"{PRACTICE_B}/referral_register.csv, column practice_id: 1 row(s) name another "
        "practice (rows 2)",
    ]
    assert str(raised.value).startswith(f"The outreach folders in {outreach}: 6 problem(s)")
    assert "Garcia" not in str(raised.value)
    assert (Practice.objects.count(), GapEntry.objects.count()) == (0, 0)


def test_a_gap_list_missing_columns_and_a_long_table_missing_columns(tmp_path: Path) -> None:
    run_dir, outreach = write_run(tmp_path, KIDS)
    path = outreach / PRACTICE_B / "gap_list.csv"
    frame = pd.read_csv(path, dtype=str).drop(columns=["phone", "gap_wcv"])
    frame.to_csv(path, index=False)
    with pytest.raises(
        InputError, match=rf"{PRACTICE_B}/gap_list.csv: missing column\(s\) phone, gap_wcv"
    ):
        publish(run(), run_dir, outreach)
    long = pd.read_parquet(run_dir / "measure_long.parquet").drop(columns=["met"])
    long.to_parquet(run_dir / "measure_long.parquet")
    with pytest.raises(InputError, match=r"measure_long.parquet: missing column met"):
        publish(run(label="again"), run_dir, None)


def test_withdrawing_drops_children_and_rates_but_keeps_outreach_records(tmp_path: Path) -> None:
    w = world(tmp_path)
    ana, luis = w.child("M1001"), w.child("M1002")
    client = Client()
    client.force_login(w.users["A nurse"], backend=BACKEND)
    client.post(reverse("portal:child", args=[ana.key]), {"status": "called", "date": "2026-01-02"})
    run_withdrawn.send(sender=type(w.run), run=w.run)
    assert (GapList.objects.count(), GapEntry.objects.count(), MeasureRate.objects.count()) == (
        0,
        0,
        0,
    )
    assert list(Child.objects.values_list("member_id", flat=True)) == ["M1001"]
    assert OutreachRecord.objects.get().child == ana
    page = client.get(reverse("portal:child", args=[ana.key]))
    assert "on no published gap list any more" in page.content.decode()
    assert client.get(reverse("portal:child", args=[luis.key])).status_code == 404
    assert client.get(reverse("portal:referral-pdf", args=[ana.key])).status_code == 404
    assert (
        "No gap list has been published"
        in client.get(reverse("portal:gap-list", args=[w.a.key])).content.decode()
    )


def test_the_latest_published_run_is_the_current_gap_list(tmp_path: Path) -> None:
    first = run("Measurement year 2024", year=2024)
    publish(first, *write_run(tmp_path / "2024", {PRACTICE_A: KIDS[PRACTICE_A]}))
    later = run()
    publish(later, *write_run(tmp_path / "2025", {PRACTICE_A: KIDS[PRACTICE_A][:1]}))
    assert _entries(PRACTICE_A) == [("M1001", "Garcia", "Ana")]
    run_withdrawn.send(sender=type(later), run=later)
    later.withdrawn_at = dt.datetime.now(dt.UTC)
    later.save()
    assert [m for m, _l, _f in _entries(PRACTICE_A)] == ["M1003", "M1001", "M1002"]


def test_parse_dentists_reads_the_gap_list_cell() -> None:
    offices = {
        ("Kids & Co. Dental (East)", "(323) 555-0114"): {
            "address": "1 Main St, Los Angeles 90001",
            "languages": "en, es",
        }
    }
    text = "Kids & Co. Dental (East) (323) 555-0114 (6.6 km); Valley Smiles 555-0121 ()"
    assert parse_dentists(text, offices) == [
        {
            "name": "Kids & Co. Dental (East)",
            "address": "1 Main St, Los Angeles 90001",
            "phone": "(323) 555-0114",
            "languages": "en, es",
            "distance": "6.6 km",
        },
        {
            "name": "Valley Smiles 555-0121",
            "address": "",
            "phone": "",
            "languages": "",
            "distance": "",
        },
    ]
    assert parse_dentists("", offices) == []


def test_the_demo_nurse_joins_the_biggest_practice_whenever_it_is_called(tmp_path: Path) -> None:
    before = attach_demo_staff()
    assert (before.email, before.practice) == ("nurse@example.org", None)
    publish(run(), *write_run(tmp_path, KIDS))
    after = attach_demo_staff()
    assert after.practice == f"{PRACTICE_A} ({PRACTICE_A})"
    assert attach_demo_staff() == after
    # The grant of the practice's children to the nurse is kept and audited, once.
    grant = StaffGrant.objects.get(practice__practice_id=PRACTICE_A)
    assert (grant.user_email, grant.state, grant.requested_by_email) == (
        "nurse@example.org",
        StaffGrant.State.GRANTED,
        "wellchild demo",
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.GRANT_STAFF)
    assert (event.user_email, event.practice_id) == ("wellchild demo", PRACTICE_A)
    assert event.detail.startswith("whom nurse@example.org; reason: Demo:")
    assert list(audit.verify()) == []
    client = Client()
    signed_in = client.post(
        reverse("login"), {"username": "nurse@example.org", "password": "wellchild-demo"}
    )
    assert signed_in.status_code == 302
    assert client.get("/practice/")["Location"] == reverse(
        "portal:gap-list", args=[Practice.objects.get(practice_id=PRACTICE_A).key]
    )


# The real pipeline: synthetic children, the store, the measures, an outreach folder.


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    from wellchild.engines.duckdb_engine import DuckDBEngine
    from wellchild.engines.duckdb_load import load_folder
    from wellchild.geography.regions import region
    from wellchild.measures.context import Period
    from wellchild.measures.registry import get
    from wellchild.measures.run import run_measures
    from wellchild.outreach.packets import build_folder
    from wellchild.synth import generate

    root = tmp_path_factory.mktemp("pipeline")
    generate(root / "input", children=1500, seed=5, year=2024)
    db = root / "store.duckdb"
    load_folder(root / "input", db)
    as_of = dt.date(2024, 12, 31)
    engine = DuckDBEngine.open(db)
    try:
        measured = run_measures(
            engine,
            Period.for_year(2024, as_of=as_of),
            out=root / "measures-2024",
            measures=[get(m) for m in ("dental_12m", "w30_2", "wcv")],
        )
        long = pd.read_parquet(measured.long_path)
        gaps = long[(long["measure_id"] == "dental_12m") & long["in_denominator"] & ~long["met"]]
        practice_id = str(gaps["practice_id"].value_counts().index[0])
        build_folder(engine, db, practice_id, as_of, root / "outreach", region())
    finally:
        engine.close()
    return {"db": db, "run_dir": root / "measures-2024", "outreach": root / "outreach",
            "practice_id": practice_id}  # fmt: skip


def test_a_real_run_and_outreach_folder_load_whole(pipeline: dict[str, Path | str]) -> None:
    practice_id = str(pipeline["practice_id"])
    gap_list = pd.read_csv(Path(pipeline["outreach"]) / practice_id / "gap_list.csv", dtype=str)
    loaded = publish(
        run("Measurement year 2024", year=2024),
        Path(pipeline["run_dir"]),
        Path(pipeline["outreach"]),
        Path(pipeline["db"]),
    )
    assert loaded.gap_lists == 1
    practice = Practice.objects.get(practice_id=practice_id)
    assert practice.name != practice_id  # named from the store
    listed = [e.child.member_id for e in access.entries(practice)]
    assert sorted(listed) == sorted(gap_list["member_id"])
    with_offices = [e for e in access.entries(practice) if e.dentists]
    assert with_offices
    assert all(d["address"] and d["phone"] for e in with_offices for d in e.dentists)
    long = pd.read_parquet(Path(pipeline["run_dir"]) / "measure_long.parquet")
    mine = long[(long["practice_id"] == practice_id) & (long["measure_id"] == "dental_12m")]
    rate = MeasureRate.objects.get(practice=practice, measure_id="dental_12m")
    counted = mine[mine["in_denominator"] & ~mine["excluded"]]
    assert (rate.denominator, rate.numerator) == (len(counted), int(counted["met"].sum()))
    assert rate.denominator - rate.numerator == len(gap_list)


def test_publishing_a_published_run_with_its_outreach_adds_the_gap_lists(
    pipeline: dict[str, Path | str],
) -> None:
    from wellchild.hub.data import publishing
    from wellchild.measures.runfolder import read_run

    folder = read_run(Path(pipeline["run_dir"]))
    first = publishing.publish_run(
        folder=folder, label="MY2024", public=True, series=None, outreach_dir=None, db=None
    )
    assert first.created
    assert not GapList.objects.exists()
    again = publishing.publish_run(
        folder=folder, label="my2024", public=True, series=None,
        outreach_dir=Path(pipeline["outreach"]), db=Path(pipeline["db"]),
    )  # fmt: skip
    assert (again.run, again.created, again.outreach_loaded) == (first.run, False, True)
    practice = Practice.objects.get(practice_id=str(pipeline["practice_id"]))
    assert GapList.objects.filter(run=first.run, practice=practice).count() == 1
    assert any("gap list" in note for note in again.notes), again.notes
    # The label is found whatever its case or spacing, or by the run's address.
    assert publishing.find_run(" my2024 ") == first.run
    assert publishing.find_run(first.run.slug) == first.run
    assert publishing.withdraw_run(label="MY 2024".replace(" ", "")) == first.run
