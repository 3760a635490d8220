"""The learning community's aim measure: two or more well-child visits by 6 months."""

from wellchild.measures.blocks import (
    REQUIRED_EXCLUSIONS,
    SIX_MONTHS,
    Window,
    all_of,
    continuously_enrolled,
    days_of_age,
    falls_in_period,
    well_child_visits,
)
from wellchild.measures.registry import Measure, load_spec

denominator = all_of(
    falls_in_period(SIX_MONTHS),
    continuously_enrolled(days_of_age(31), SIX_MONTHS),
)
exclusions = REQUIRED_EXCLUSIONS
numerator = well_child_visits(at_least=2, within=Window(through=SIX_MONTHS))

MEASURE = Measure(load_spec("wcv_6m"), denominator, exclusions, numerator, SIX_MONTHS)
