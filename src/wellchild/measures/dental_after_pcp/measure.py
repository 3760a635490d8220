"""The pilot's outcome: a dental visit within 6 months of a visit with the practice."""

from wellchild.measures import windows
from wellchild.measures.blocks import (
    AS_OF,
    INDEX_VISIT,
    PROGRAM_START,
    Window,
    age_between,
    all_of,
    died,
    enrolled_on,
    hospice,
    practice_visit,
    services_on_dates,
    without,
)
from wellchild.measures.registry import Measure, load_spec

SPEC = load_spec("dental_after_pcp")
FOLLOW_UP_MONTHS = int(SPEC["follow_up_months"])
NON_UTILIZER_LOOKBACK = Window(after=PROGRAM_START.minus_years(1), through=PROGRAM_START)
# The window of the exclusions, and the period the measure reports.
PROGRAMME = windows.PeriodWindow(start=windows.PROGRAM_START, through=windows.AS_OF)

denominator = all_of(
    age_between(1, 5, on=PROGRAM_START),
    enrolled_on(PROGRAM_START),
    without(
        services_on_dates(1, NON_UTILIZER_LOOKBACK, dental=("dental_visit",)),
        "no dental visit in the 12 months ending on the programme start date",
    ),
    practice_visit(PROGRAM_START, follow_up_months=FOLLOW_UP_MONTHS, ends_by=AS_OF),
)
exclusions = (died(PROGRAMME.window), hospice(PROGRAMME.window))
numerator = services_on_dates(
    1,
    Window(after=INDEX_VISIT, through=INDEX_VISIT.plus_months(FOLLOW_UP_MONTHS)),
    dental=("dental_visit",),
)

MEASURE = Measure(SPEC, denominator, exclusions, numerator, AS_OF, PROGRAMME.dates)
