"""ADV: a dental visit in the year for children aged 2–20."""

from wellchild.measures.blocks import (
    MEASUREMENT_YEAR,
    PERIOD_END,
    PERIOD_START,
    REQUIRED_EXCLUSIONS,
    age_between,
    all_of,
    continuously_enrolled,
    enrolled_on,
    services_on_dates,
)
from wellchild.measures.registry import Measure, load_spec

denominator = all_of(
    age_between(2, 20, on=PERIOD_END),
    continuously_enrolled(PERIOD_START, PERIOD_END),
    enrolled_on(PERIOD_END),
)
exclusions = REQUIRED_EXCLUSIONS
numerator = services_on_dates(1, MEASUREMENT_YEAR, dental=("dental_visit",))

MEASURE = Measure(load_spec("adv"), denominator, exclusions, numerator, PERIOD_END)
