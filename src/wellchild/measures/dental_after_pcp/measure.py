"""The pilot's outcome: a dental visit within 6 months of a visit with the practice."""

import datetime as dt

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
from wellchild.measures.context import Period
from wellchild.measures.registry import Measure, load_spec

NON_UTILIZER_LOOKBACK = Window(after=PROGRAM_START.minus_years(1), through=PROGRAM_START)
PROGRAMME = Window(start=PROGRAM_START, through=AS_OF)

denominator = all_of(
    age_between(1, 5, on=PROGRAM_START),
    enrolled_on(PROGRAM_START),
    without(
        services_on_dates(1, NON_UTILIZER_LOOKBACK, dental=("dental_visit",)),
        "no dental visit in the 12 months ending on the programme start date",
    ),
    practice_visit(PROGRAM_START, follow_up_months=6, ends_by=AS_OF),
)
exclusions = (died(PROGRAMME), hospice(PROGRAMME))
numerator = services_on_dates(
    1, Window(after=INDEX_VISIT, through=INDEX_VISIT.plus_months(6)), dental=("dental_visit",)
)


def period(p: Period) -> tuple[dt.date, dt.date]:
    return p.program_start, p.as_of


MEASURE = Measure(load_spec("dental_after_pcp"), denominator, exclusions, numerator, AS_OF, period)
