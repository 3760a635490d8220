"""The chart types: what each is for, what its y must be, and whether it takes a denominator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

ChartType = Literal["run", "i", "mr", "xbar", "s", "t", "p", "pp", "c", "u", "up", "g"]
RuleSet = Literal["anhoej", "ihi"]

CHART_TYPES: tuple[ChartType, ...] = get_args(ChartType)
RULE_SETS: tuple[RuleSet, ...] = get_args(RuleSet)


@dataclass(frozen=True)
class ChartKind:
    """One chart type as a user meets it."""

    name: str
    purpose: str
    #: "required": y/n is plotted; "optional": y, or y/n when n is given; "none": no n.
    denominator: Literal["required", "optional", "none"]
    #: "counts": y must be whole numbers >= 0; "positive": y > 0; "any": any number.
    values: Literal["counts", "positive", "any"]


KINDS: dict[ChartType, ChartKind] = {
    "run": ChartKind("Run chart", "any measure over time, against its median", "optional", "any"),
    "i": ChartKind("I chart", "individual measurements, one per subgroup", "optional", "any"),
    "mr": ChartKind("MR chart", "moving ranges of individual measurements", "none", "any"),
    "xbar": ChartKind("Xbar chart", "subgroup averages of measurements", "none", "any"),
    "s": ChartKind("S chart", "subgroup standard deviations of measurements", "none", "any"),
    "t": ChartKind("T chart", "time between rare events", "none", "positive"),
    "p": ChartKind("P chart", "proportions: cases / units examined", "required", "counts"),
    "pp": ChartKind("P′ chart", "proportions with very large denominators", "required", "counts"),
    "c": ChartKind("C chart", "counts of events in equal areas of opportunity", "none", "counts"),
    "u": ChartKind("U chart", "rates: events / area of opportunity", "required", "counts"),
    "up": ChartKind("U′ chart", "rates with very large denominators", "required", "counts"),
    "g": ChartKind("G chart", "opportunities between rare events", "none", "counts"),
}

RULE_SET_NAMES: dict[RuleSet, str] = {"anhoej": "Anhøj rules", "ihi": "IHI run chart rules"}
