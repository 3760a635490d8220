"""W30 rate 1: six or more well-child visits by the 15-month birthday."""

from wellchild.measures.blocks import (
    FIFTEEN_MONTHS,
    REQUIRED_EXCLUSIONS,
    Window,
    all_of,
    continuously_enrolled,
    days_of_age,
    falls_in_period,
    well_child_visits,
)
from wellchild.measures.registry import Measure, load_spec

denominator = all_of(
    falls_in_period(FIFTEEN_MONTHS),
    continuously_enrolled(days_of_age(31), FIFTEEN_MONTHS),
)
exclusions = REQUIRED_EXCLUSIONS
numerator = well_child_visits(at_least=6, within=Window(through=FIFTEEN_MONTHS))

MEASURE = Measure(load_spec("w30_1"), denominator, exclusions, numerator, FIFTEEN_MONTHS)
