"""The pilot's dental visit in the last 12 months, ages 1–5 (met = false: non-utilizer)."""

from wellchild.measures import windows
from wellchild.measures.blocks import (
    AS_OF,
    age_between,
    all_of,
    died,
    enrolled_on,
    hospice,
    services_on_dates,
)
from wellchild.measures.registry import Measure, load_spec

# The window of the exclusions and the numerator, and the period the measure reports.
LAST_12_MONTHS = windows.PeriodWindow(after=windows.AS_OF.minus_years(1), through=windows.AS_OF)

denominator = all_of(age_between(1, 5, on=AS_OF), enrolled_on(AS_OF))
exclusions = (died(LAST_12_MONTHS.window), hospice(LAST_12_MONTHS.window))
numerator = services_on_dates(1, LAST_12_MONTHS.window, dental=("dental_visit",))

MEASURE = Measure(
    load_spec("dental_12m"), denominator, exclusions, numerator, AS_OF, LAST_12_MONTHS.dates
)
