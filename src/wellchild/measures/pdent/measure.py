"""Preventive dental services (CMS-416 12b, DTI domain 1) for children aged 1–20."""

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

denominator = all_of(age_between(1, 20, on=PERIOD_END), continuous_days(90, MEASUREMENT_YEAR))
exclusions = REQUIRED_EXCLUSIONS
numerator = services_on_dates(1, MEASUREMENT_YEAR, dental=("preventive_dental",))

MEASURE = Measure(load_spec("pdent"), denominator, exclusions, numerator, PERIOD_END)
