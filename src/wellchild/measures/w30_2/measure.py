"""W30 rate 2: two or more well-child visits after 15 months, by the 30-month birthday."""

from wellchild.measures.blocks import (
    DAY_AFTER_FIFTEEN_MONTHS,
    FIFTEEN_MONTHS,
    REQUIRED_EXCLUSIONS,
    THIRTY_MONTHS,
    Window,
    all_of,
    continuously_enrolled,
    falls_in_period,
    well_child_visits,
)
from wellchild.measures.registry import Measure, load_spec

denominator = all_of(
    falls_in_period(THIRTY_MONTHS),
    continuously_enrolled(DAY_AFTER_FIFTEEN_MONTHS, THIRTY_MONTHS),
)
exclusions = REQUIRED_EXCLUSIONS
numerator = well_child_visits(
    at_least=2, within=Window(after=FIFTEEN_MONTHS, through=THIRTY_MONTHS)
)

MEASURE = Measure(load_spec("w30_2"), denominator, exclusions, numerator, THIRTY_MONTHS)
