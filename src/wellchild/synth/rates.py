"""Every rate and distribution the generator uses, in one place.

Probabilities of care are combined on the logit scale: a child's own propensity, the
practice's quality, a disparity by race/ethnicity, the step of the schedule and whether
the child is covered that day. The constants marked *calibrated* were tuned so that the
measures of docs/measure-rules.md, computed on generated data, land where ``docs/synth.md`` says;
change one and re-run ``tests/synth/test_calibration.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wellchild.contract.member import RACE_ETHNICITIES

# -- population ------------------------------------------------------------------------

COUNTIES = ("06037", "06067", "06005")  # Los Angeles, Sacramento, Amador
COUNTY_SHARES = (0.85, 0.12, 0.03)

# Relative number of children of each age (0-20) on 31 December of the measurement year:
# Medi-Cal covers more infants and toddlers than teenagers.
AGE_WEIGHTS = np.array(
    [1.30, 1.30, 1.25, 1.20, 1.15, 1.10]
    + [1.0] * 7  # 6-12
    + [0.92] * 6  # 13-18
    + [0.70, 0.62]  # 19-20
)
SEXES = ("F", "M", "X", "U")
SEX_SHARES = (0.490, 0.508, 0.001, 0.001)

INFANT_DEATH = 0.004  # of children born in the window, die before their first birthday
INFANT_DEATH_MEAN_DAYS = 60.0
CHILD_DEATH_PER_YEAR = 0.0002

PHONE_MISSING = 0.08
APARTMENT = 0.35
GUARDIAN_MOTHER = 0.80
NEIGHBOURHOOD = 0.60  # share of a culture's families living in its neighbourhood ZIPs
QUIET_ZIP_WEIGHT = 0.2

# -- enrollment ------------------------------------------------------------------------

FFS_SHARE = 0.08  # children in fee-for-service Medi-Cal, never in a plan
PLANS = ("FFS", "LACARE", "HEALTHNET", "ANTHEM", "KAISER", "MOLINA", "CHW")
COUNTY_PLANS: dict[str, dict[str, float]] = {
    "06037": {"LACARE": 0.66, "HEALTHNET": 0.34},
    "06067": {"ANTHEM": 0.28, "HEALTHNET": 0.22, "KAISER": 0.27, "MOLINA": 0.23},
    "06005": {"ANTHEM": 0.55, "CHW": 0.45},
}
AID_CODES = ("1U", "7U", "8P", "M1", "T1", "T2", "T3", "E1", "K1", "3N", "5C", "4C")
AID_SHARES = (0.22, 0.10, 0.05, 0.20, 0.07, 0.05, 0.04, 0.06, 0.10, 0.05, 0.04, 0.02)
AID_CHANGE = 0.10
DENTAL_DMC = {"06037": 0.10, "06067": 0.50, "06005": 0.0}
DENTAL_DELIVERY_MISSING = 0.04

NEWBORN_FROM_BIRTH = 0.86  # newborns covered from the day of birth (deemed eligible)
NEWBORN_DELAY_P = 0.35  # otherwise coverage starts after a geometric number of months
NEWBORN_FFS_FIRST = 0.45  # plan newborns whose first month or two are fee-for-service
ENROLLED_AT_START = 0.82  # children born before the window, covered from its first day
PERMANENT_EXIT = 0.10  # lose coverage for good (moved away, over income)
AGE_OUT_19 = 0.15  # of those turning 19, leave when their children's aid code ends
GAP_COUNTS = (0.52, 0.30, 0.13, 0.05)  # children with 0, 1, 2, 3 gaps
GAP_ONE_MONTH = 0.50  # a gap of one month (at most 31 days, within the 45-day rule)
GAP_LONG_P = 0.12  # longer gaps last 2 + a geometric number of months
PLAN_SWITCH = 0.10
OVERLAP_QUIRK = 0.12  # plan switches sent as spans overlapping by a few days

# -- practices -------------------------------------------------------------------------

CHILDREN_PER_PRACTICE = 300
PRACTICES_MIN, PRACTICES_MAX = 20, 5000
CHILDREN_PER_DENTAL_PRACTICE = 500
DENTAL_MIN, DENTAL_MAX = 8, 4000
CLINIC_SHARE = 0.18  # FQHC-like clinics among primary care practices
CLINIC_SIZE = (np.log(7.0), 0.7)  # lognormal size weight (mean log, sd log)
OFFICE_SIZE = (0.0, 0.9)
CHILDREN_PER_CLINICIAN = 350
CHILDREN_PER_DENTIST = 700
SECOND_SITE = 0.03  # clinicians who also work at a second practice
DISTANCE_KM = {"06037": 6.0, "06067": 9.0, "06005": 20.0}
LANGUAGE_CONCORDANT = 0.55  # families who speak a threshold language other than en/es
SPANISH_SPOKEN = {"06037": 0.85, "06067": 0.60, "06005": 0.40}
QUALITY_SD = 0.6  # practice effect on well-child attendance (logit)
ORAL_HEALTH_SD = 0.45  # practice effect on its children's dental visits (logit)
REFERRAL = (1.6, 3.2)  # beta: chance a practice's well visit at 1-5 leads to a dentist
VARNISH = (2.0, 3.0)  # beta: fluoride varnish at well visits from 6 months to 5 years
PEDIATRIC_DENTIST = 0.30
PEDIATRIC_MIN_AGE = {0: 0.55, 1: 0.45}
GENERAL_MIN_AGE = {1: 0.20, 3: 0.45, 6: 0.35}

# -- well-child visits (calibrated) ----------------------------------------------------

PROPENSITY = (0.42, 0.38)  # beta: a family's habit of keeping well-child visits
DENTAL_CORRELATION = 0.55
DENTAL_SD = 1.25
RACE_WELL = {
    "Hispanic": 0.0, "White": 0.1, "Black": -1.2, "Asian": 0.1, "Pacific Islander": -0.6,
    "American Indian or Alaska Native": -1.2, "Other": -0.1, "Unknown": -0.25,
}  # fmt: skip
RACE_DENTAL = {
    "Hispanic": 0.10, "White": 0.0, "Black": -0.50, "Asian": 0.15, "Pacific Islander": -0.3,
    "American Indian or Alaska Native": -0.45, "Other": 0.0, "Unknown": -0.2,
}  # fmt: skip
UNCOVERED = -2.6  # logit shift for care due on a day without coverage
UNCOVERED_DENIED = 0.6  # such lines come back denied
UNCOVERED_SICK = 0.06  # sick and other visits on days without coverage that still leave a claim

# The Bright Futures schedule: (name, age in days or whole years, logit offset, jitter).
# Jitter: mean days late (exponential); a share of visits come up to a week early.
INFANT_STAGES = (
    ("newborn", 4, 0.0, 1.5),
    ("1m", 30, 0.5, 6.0),
    ("2m", 61, 1.5, 10.0),
    ("4m", 122, 1.5, 12.0),
    ("6m", 183, 2.05, 14.0),
    ("9m", 274, 1.85, 18.0),
    ("12m", 365, 2.05, 20.0),
    ("15m", 456, 1.3, 22.0),
    ("18m", 548, 1.2, 25.0),
    ("24m", 730, 1.15, 30.0),
    ("30m", 913, 0.5, 30.0),
)
EARLY = 0.12
CATCH_UP_STAGES = ("6m", "9m", "12m")
CATCH_UP_OFFSET = -0.3
CATCH_UP_DAYS = 25.0
YEARLY_AGES = tuple(range(3, 21))
YEARLY_OFFSET = {3: 0.1, 6: -0.2, 12: -0.6, 18: -1.0}  # from this age on
YEARLY_JITTER = 70.0
HOME_PRACTICE = 0.88  # visits at the usual practice; the rest at another one nearby
PRACTICE_CHANGE = 0.12
PROBLEM_CODED_WELL = 0.05  # well care billed as a problem visit with a Z00 diagnosis
TELEHEALTH_WELL = 0.015
NEW_PATIENT = 0.12

# -- other medical care ----------------------------------------------------------------

SICK_PER_YEAR = ((1, 5.8), (3, 5.2), (6, 3.8), (12, 2.8), (21, 2.3))  # (below age, rate)
FRAILTY_SHAPE = 1.4
SICK_SETTING = {"office": 0.86, "urgent": 0.05, "er": 0.06, "tele": 0.03}
SPECIALIST_PER_YEAR = 0.25
IMAGING = 0.03  # sick visits sending the child for an X-ray
SPECIALIST_FOLLOW_UPS = 1.2  # mean further visits after a referral
VISION_PER_YEAR = 0.15  # ages 5-20: eye exam, refraction, often glasses
THERAPY_PER_YEAR = 0.07  # ages 4-20: a year with a course of therapy sessions
THERAPY_SESSIONS = 24.0
OBGYN_PER_YEAR = 0.10  # girls 13-20
LAB_SENT_OUT = 0.35  # lead and hemoglobin tests billed by an independent lab

# -- dental (calibrated) ---------------------------------------------------------------

# Logit of at least one dental visit in a year of age (before the child's own propensity).
DENTAL_BY_AGE = (-3.6, -1.95, -0.42, 0.5, 0.58, 0.58) + (0.15,) * 15
DENTAL_SECOND_VISIT = 0.45  # a six-month recall visit in the same year of age
REFERRAL_SCALE = 0.55  # how strongly a practice's referral habit brings a dental visit
RESPECT_MIN_AGE = 0.96
DENTAL_NEW_PATIENT = 0.25

# -- noise -----------------------------------------------------------------------------

DENIED = 0.018
REVERSED = 0.015
REVERSAL_CORRECTED = 0.70
DENIAL_RESUBMITTED = 0.35
DUPLICATE_CLAIMS = 0.004
UNKNOWN_NPI = 0.003
NO_NPI = 0.002
BILLING_ONLY = 0.06
UNDOTTED = 0.28
LOWER_CASE = 0.02


def race_effects(table: dict[str, float]) -> np.ndarray:
    """A race/ethnicity effect table as an array indexed like RACE_ETHNICITIES."""
    return np.array([table[r] for r in RACE_ETHNICITIES])


# -- separate medical and dental sources (--separate-ids) ---------------------------------


@dataclass(frozen=True)
class SourceNoise:
    """How one source system mis-records a child: each rate is a share of its rows."""

    present: float  # the child is in this source at all
    nickname: float  # of children whose given name has a common nickname
    first_typo: float  # one letter substituted, dropped, doubled or two swapped
    first_missing: float
    last_typo: float
    last_missing: float
    birth_swap: float  # day and month swapped, where both are 12 or less and differ
    birth_typo: float  # day off by one
    birth_missing: float
    sex_unknown: float  # recorded as U
    moved: float  # another address and ZIP of the same county
    address_typo: float
    address_missing: float
    unit_dropped: float  # of addresses with an apartment number
    zip_typo: float  # last digit wrong
    guardian_other: float  # the other parent, or another caregiver
    guardian_typo: float
    guardian_missing: float
    upper_case: float  # names and address written in capitals


MEDICAL_SOURCE = SourceNoise(
    present=0.97,
    nickname=0.06,
    first_typo=0.02,
    first_missing=0.003,
    last_typo=0.02,
    last_missing=0.002,
    birth_swap=0.01,
    birth_typo=0.01,
    birth_missing=0.003,
    sex_unknown=0.01,
    moved=0.04,
    address_typo=0.02,
    address_missing=0.01,
    unit_dropped=0.10,
    zip_typo=0.005,
    guardian_other=0.05,
    guardian_typo=0.02,
    guardian_missing=0.05,
    upper_case=0.0,
)
DENTAL_SOURCE = SourceNoise(
    present=0.93,
    nickname=0.15,
    first_typo=0.03,
    first_missing=0.005,
    last_typo=0.03,
    last_missing=0.003,
    birth_swap=0.02,
    birth_typo=0.015,
    birth_missing=0.005,
    sex_unknown=0.02,
    moved=0.10,
    address_typo=0.03,
    address_missing=0.03,
    unit_dropped=0.25,
    zip_typo=0.01,
    guardian_other=0.10,
    guardian_typo=0.03,
    guardian_missing=0.15,
    upper_case=0.40,
)

# The medical–dental pilot (`wellchild synth --pilot-practices`, outreach/synthetic_pilot.py): what
# the recruited practices do with their gap lists and what families do with a referral.
PILOT_TARGET = 0.58  # Los Angeles: 58% saw a dentist within 6 months of a doctor's visit
PILOT_GIVEN_AT_VISIT = 0.85  # a listed child seen at the practice is handed the referral
PILOT_CALL_DAYS = 90  # children not seen are called within the first 90 days
# The call's outcome for a listed child not seen (a child with no phone is unreachable).
PILOT_CALL = {"given": 0.35, "declined": 0.10, "unreachable": 0.25, "not recorded": 0.30}
PILOT_DENTIST_CHOICE = (0.6, 0.25, 0.15)  # the first, second or third dentist on the form
PILOT_VISIT_DAYS = (7, 180)  # days from the referral to the dental visit it brings
PILOT_BOOKED = 0.75  # "appointment made" recorded before a dental visit that happened
PILOT_BOOKED_DAYS = (7, 28)  # that many days before the visit
PILOT_SEEN = 0.80  # "seen" recorded (the dentist's part of the form came back)
PILOT_SEEN_DAYS = (0, 14)  # that many days after the visit
# After a referral with no dental visit: a booked appointment missed, declined, or the
# family unreachable at the follow-up call; otherwise nothing more is recorded.
PILOT_NO_VISIT = {"appointment made": 0.15, "declined": 0.10, "unreachable": 0.20}
