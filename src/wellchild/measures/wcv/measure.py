"""WCV: a well-care visit in the year for children and young adults aged 3–21."""

from wellchild.measures.blocks import (
    MEASUREMENT_YEAR,
    PERIOD_END,
    PERIOD_START,
    PRIMARY_CARE_AND_OBGYN,
    REQUIRED_EXCLUSIONS,
    age_between,
    all_of,
    continuously_enrolled,
    enrolled_on,
    well_child_visits,
)
from wellchild.measures.registry import Measure, load_spec

denominator = all_of(
    age_between(3, 21, on=PERIOD_END),
    continuously_enrolled(PERIOD_START, PERIOD_END),
    enrolled_on(PERIOD_END),
)
exclusions = REQUIRED_EXCLUSIONS
numerator = well_child_visits(
    at_least=1, within=MEASUREMENT_YEAR, provider_kinds=PRIMARY_CARE_AND_OBGYN
)

MEASURE = Measure(load_spec("wcv"), denominator, exclusions, numerator, PERIOD_END)
