"""TFL-CH: two or more topical fluoride applications in the year, dental or medical."""

from wellchild.measures.blocks import (
    MEASUREMENT_YEAR,
    PERIOD_END,
    REQUIRED_EXCLUSIONS,
    age_between,
    all_of,
    continuous_days,
    services_on_dates,
)
from wellchild.measures.registry import Measure, load_spec

denominator = all_of(age_between(1, 20, on=PERIOD_END), continuous_days(180, MEASUREMENT_YEAR))
exclusions = REQUIRED_EXCLUSIONS
numerator = services_on_dates(
    2,
    MEASUREMENT_YEAR,
    dental=("topical_fluoride_dental",),
    medical=("topical_fluoride_medical",),
)

MEASURE = Measure(load_spec("tfl"), denominator, exclusions, numerator, PERIOD_END)
