"""Hand-worked cases for the reference measures (tests/reference_measures.py): each
child is built to sit on one side of one rule of docs/measure-rules.md."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import reference_measures as rm

PCP = "1234567893"  # valid NPIs of a pcp, a clinic, a lab (kind other) and a dentist
CLINIC = "1245319599"
LAB = "1003000126"
DENTIST = "1992999999"
Tables = dict[str, pd.DataFrame]


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def build(
    members: list[tuple[str, str]],
    *,
    enrollment: list[tuple[str, str, str | None]] | None = None,
    medical: list[dict[str, str | None]] | None = None,
    dental: list[dict[str, str | None]] | None = None,
    deaths: dict[str, str] | None = None,
) -> Tables:
    """Six small tables: members (id, birth), spans (id, start, end); every member is
    enrolled from birth with no end unless spans are given."""
    deaths = deaths or {}
    member = pd.DataFrame(
        {
            "member_id": [m for m, _ in members],
            "birth_date": [day(b) for _, b in members],
            "death_date": [pd.Timestamp(deaths[m]) if m in deaths else pd.NaT for m, _ in members],
            "race_ethnicity": "Hispanic",
        }
    )
    spans = enrollment if enrollment is not None else [(m, b, None) for m, b in members]
    enrollment_frame = pd.DataFrame(
        {
            "member_id": [s[0] for s in spans],
            "start_date": [day(s[1]) for s in spans],
            "end_date": [day(s[2]) if s[2] else pd.NaT for s in spans],
        }
    )
    provider = pd.DataFrame(
        {
            "npi": [PCP, CLINIC, LAB, DENTIST],
            "kind": ["pcp", "clinic", "other", "dentist"],
            "practice_id": ["P1", "P2", "L1", "D1"],
        }
    )
    assignment = pd.DataFrame(
        {
            "member_id": [m for m, _ in members],
            "npi": PCP,
            "practice_id": "P1",
            "start_date": [day(b) for _, b in members],
            "end_date": pd.NaT,
        }
    )
    defaults = {
        "status": "paid",
        "place_of_service": "11",
        "rendering_npi": PCP,
        "billing_npi": PCP,
    }
    lines = [
        {**defaults, "procedure_code": "99391", "diagnosis_codes": "Z00.129", **row}
        for row in medical or []
    ]
    medical_frame = pd.DataFrame(
        lines,
        columns=["member_id", "service_date", "rendering_npi", "billing_npi", "procedure_code",
                 "diagnosis_codes", "place_of_service", "status"],
    )  # fmt: skip
    medical_frame["service_date"] = pd.to_datetime(medical_frame["service_date"])
    teeth = [{"status": "paid", "procedure_code": "D0120", **row} for row in dental or []]
    dental_frame = pd.DataFrame(
        teeth, columns=["member_id", "service_date", "procedure_code", "status"]
    )
    dental_frame["service_date"] = pd.to_datetime(dental_frame["service_date"])
    return {
        "member": member,
        "enrollment": enrollment_frame,
        "pcp_assignment": assignment,
        "provider": provider,
        "medical_claim": medical_frame,
        "dental_claim": dental_frame,
    }


def well(member: str, *dates: str, **override: str | None) -> list[dict[str, str | None]]:
    return [{"member_id": member, "service_date": d, **override} for d in dates]


def flags(result: pd.DataFrame) -> dict[str, bool]:
    return dict(zip(result["member_id"], result["met"], strict=True))


# -- dates -------------------------------------------------------------------------------


def test_birthdays_of_a_leap_day_child() -> None:
    birth = pd.Series([day("2020-02-29")])
    assert rm.birthday(birth, 1).iloc[0] == day("2021-02-28")
    assert rm.birthday(birth, 4).iloc[0] == day("2024-02-29")
    assert (rm.birthday(birth, 1) + pd.Timedelta(days=90)).iloc[0] == day("2021-05-29")
    assert (rm.birthday(birth, 2) + pd.Timedelta(days=180)).iloc[0] == day("2022-08-27")


def test_six_month_birthday_falls_back_to_the_month_end() -> None:
    births = pd.Series([day("2023-08-31"), day("2022-08-31"), day("2024-01-15")])
    assert rm.add_months(births, 6).tolist() == [
        day("2024-02-29"),
        day("2023-02-28"),
        day("2024-07-15"),
    ]


def test_overlapping_and_adjacent_spans_merge() -> None:
    spans = pd.DataFrame(
        {
            "member_id": ["A", "A", "A", "A"],
            "start_date": [
                day("2024-01-01"),
                day("2024-02-01"),
                day("2024-03-16"),
                day("2024-06-01"),
            ],
            "end_date": [day("2024-01-31"), day("2024-03-20"), day("2024-04-30"), pd.NaT],
        }
    )
    merged = rm.merged_spans(spans)
    assert merged[["start", "end"]].values.tolist() == [
        [day("2024-01-01"), day("2024-04-30")],
        [day("2024-06-01"), rm.FAR_FUTURE],
    ]


# -- W30 rate 1 --------------------------------------------------------------------------

BORN = "2022-10-15"  # 15-month birthday 2024-01-13
SIX = ("2022-10-18", "2022-11-15", "2022-12-15", "2023-02-15", "2023-04-15", "2023-07-15")


def test_w30_rate1_counts_six_distinct_dates_of_paid_primary_care_well_visits() -> None:
    medical = (
        well("six", *SIX)
        + well("six", "2022-11-15", procedure_code="90460", diagnosis_codes="Z23")
        + well("lab", *SIX[:5])
        + well("lab", SIX[5], place_of_service="81")
        + well("denied", *SIX[:5])
        + well("denied", SIX[5], status="denied")
        + well("other", *SIX[:5])
        + well("other", SIX[5], rendering_npi=LAB)
        + well("billing", *SIX[:5])
        + well("billing", SIX[5], rendering_npi=None, billing_npi=CLINIC)
        + well("dx_only", *SIX[:5])
        + well("dx_only", SIX[5], procedure_code="99213", diagnosis_codes="j06.9;z00129")
        + well("twice", *SIX[:5])
        + well("twice", SIX[4], procedure_code="99213")
        + well("on_day", *SIX[:5], "2024-01-13")
        + well("day_after", *SIX[:5], "2024-01-14")
    )
    names = ["six", "lab", "denied", "other", "billing", "dx_only", "twice", "on_day", "day_after"]
    tables = build([(n, BORN) for n in names], medical=medical)
    result = rm.w30_rate1(tables, 2024)
    assert flags(result) == {
        "six": True,
        "lab": False,
        "denied": False,
        "other": False,
        "billing": True,
        "dx_only": True,
        "twice": False,
        "on_day": True,
        "day_after": False,
    }
    assert set(result["practice_id"]) == {"P1"}
    assert rm.rate(result) == pytest.approx(4 / 9)


def test_w30_rate1_denominator_follows_the_birthday_and_the_gap_rule() -> None:
    members = [
        ("early", "2022-09-30"),  # 15-month birthday 2023-12-29: not in 2024
        ("gap45", BORN),
        ("gap46", BORN),
        ("two_gaps", BORN),
        ("late_start", BORN),
        ("ends_early", BORN),
        ("late_46", BORN),
    ]
    enrollment = [
        ("early", "2022-09-30", None),
        ("gap45", BORN, "2023-03-31"),
        ("gap45", "2023-05-16", None),  # 45 days uncovered: 1 April - 15 May
        ("gap46", BORN, "2023-03-31"),
        ("gap46", "2023-05-17", None),
        ("two_gaps", BORN, "2023-03-31"),
        ("two_gaps", "2023-04-11", "2023-06-30"),
        ("two_gaps", "2023-07-11", None),
        ("late_start", "2022-12-30", None),  # 15 Nov (31 days of age) - 29 Dec: 45 days
        ("ends_early", BORN, "2024-01-03"),  # the window's last 10 days are a gap
        ("late_46", "2022-12-31", None),  # 15 Nov - 30 Dec: 46 days
    ]
    tables = build(members, enrollment=enrollment)
    denominator = set(rm.w30_rate1(tables, 2024)["member_id"])
    assert denominator == {"gap45", "late_start", "ends_early"}


def test_a_death_in_the_year_excludes() -> None:
    tables = build([("a", BORN), ("b", BORN)], medical=well("a", *SIX) + well("b", *SIX),
                   deaths={"b": "2024-03-01"})  # fmt: skip
    result = rm.w30_rate1(tables, 2024)
    assert dict(zip(result["member_id"], result["excluded"], strict=True)) == {
        "a": False,
        "b": True,
    }
    assert rm.rate(result) == 1.0


# -- W30 rate 2 and wcv_6m -----------------------------------------------------------------


def test_w30_rate2_counts_after_the_15_month_birthday_up_to_the_30_month_birthday() -> None:
    born = "2022-02-20"  # 15 months 2023-05-21, 30 months 2024-08-18
    medical = well("in", "2023-05-21", "2023-08-01", "2024-08-18") + well(
        "out",
        "2023-05-21",
        "2024-08-19",
        "2023-08-01",
        procedure_code="99213",
        diagnosis_codes="J06.9",
    )
    result = rm.w30_rate2(build([("in", born), ("out", born)], medical=medical), 2024)
    assert flags(result) == {"in": True, "out": False}


def test_w30_rate2_of_a_leap_day_child() -> None:
    medical = well("leap", "2021-06-01", "2022-08-27")
    result = rm.w30_rate2(build([("leap", "2020-02-29")], medical=medical), 2022)
    assert flags(result) == {"leap": True}


def test_wcv_6m_two_visits_by_the_six_month_birthday() -> None:
    born = "2023-08-31"  # 6-month birthday 2024-02-29
    medical = well("yes", "2023-09-05", "2024-02-29") + well("no", "2023-09-05", "2024-03-01")
    result = rm.wcv_6m(build([("yes", born), ("no", born)], medical=medical), 2024)
    assert flags(result) == {"yes": True, "no": False}


# -- dental_12m ------------------------------------------------------------------------------


def test_dental_12m_ages_enrollment_and_the_12_months() -> None:
    members = [
        ("one_today", "2023-12-31"),
        ("six_today", "2018-12-31"),
        ("five", "2019-01-01"),
        ("left", "2021-05-05"),
        ("edge", "2021-05-05"),
        ("denied", "2021-05-05"),
        ("lower", "2021-05-05"),
        ("medical_only", "2021-05-05"),
    ]
    enrollment = [(m, b, None) for m, b in members if m != "left"] + [
        ("left", "2021-05-05", "2024-12-30")
    ]
    dental = [
        {"member_id": "one_today", "service_date": "2024-12-31"},
        {"member_id": "five", "service_date": "2024-01-01"},
        {"member_id": "left", "service_date": "2024-06-01"},
        {"member_id": "edge", "service_date": "2023-12-31"},
        {"member_id": "denied", "service_date": "2024-06-01", "status": "denied"},
        {"member_id": "lower", "service_date": "2024-06-01", "procedure_code": "d1206"},
    ]
    medical = well("medical_only", "2024-06-01", procedure_code="99188")
    tables = build(members, enrollment=enrollment, dental=dental, medical=medical)
    result = rm.dental_12m(tables, 2024)
    assert flags(result) == {
        "one_today": True,
        "five": True,
        "edge": False,
        "denied": False,
        "lower": True,
        "medical_only": False,
    }
    assert rm.rate(result) == pytest.approx(0.5)


def test_dental_12m_other_as_of_date() -> None:
    tables = build([("a", "2021-05-05")], dental=[{"member_id": "a", "service_date": "2024-02-29"}])
    assert flags(rm.dental_12m(tables, 2025, as_of=dt.date(2025, 2, 28))) == {"a": True}
    assert flags(rm.dental_12m(tables, 2025, as_of=dt.date(2025, 3, 1))) == {"a": False}
