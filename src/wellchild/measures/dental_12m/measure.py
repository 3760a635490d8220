"""The pilot's dental visit in the last 12 months, ages 1–5 (met = false: non-utilizer)."""

import datetime as dt

from wellchild.core.dates import add_years_py
from wellchild.measures.blocks import (
    AS_OF,
    Window,
    age_between,
    all_of,
    died,
    enrolled_on,
    hospice,
    services_on_dates,
)
from wellchild.measures.context import Period
from wellchild.measures.registry import Measure, load_spec

LAST_12_MONTHS = Window(after=AS_OF.minus_years(1), through=AS_OF)

denominator = all_of(age_between(1, 5, on=AS_OF), enrolled_on(AS_OF))
exclusions = (died(LAST_12_MONTHS), hospice(LAST_12_MONTHS))
numerator = services_on_dates(1, LAST_12_MONTHS, dental=("dental_visit",))


def period(p: Period) -> tuple[dt.date, dt.date]:
    return add_years_py(p.as_of, -1) + dt.timedelta(days=1), p.as_of


MEASURE = Measure(load_spec("dental_12m"), denominator, exclusions, numerator, AS_OF, period)
