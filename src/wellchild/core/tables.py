"""The core tables, built from the input tables at load (and by Spark when it reads
input tables alone): each a name and an Ibis expression over the inputs.

- ``core__enrollment_span``: one row per child and merged coverage span (overlapping and
  adjacent spans merged);
- ``core__well_care_visit``: one row per child and date with a well-care visit, with the
  evidence code under each counting rule;
- ``core__dental_service``: one row per child, date and CDT code of a paid dental visit
  (D0100–D9999);
- ``core__medical_service``: one row per child, date and code of a paid hospice or
  fluoride-varnish line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ibis.expr.types as ir

from wellchild.core.enrollment import merge_spans
from wellchild.core.services import dental_services, medical_services, well_care_visits

Builder = Callable[[Mapping[str, ir.Table]], ir.Table]

CORE_TABLES: dict[str, Builder] = {
    "core__enrollment_span": lambda t: merge_spans(t["input__enrollment"]).order_by(
        ["member_id", "start_date"]
    ),
    "core__well_care_visit": lambda t: well_care_visits(
        t["input__medical_claim"], t["input__provider"]
    ).order_by(["member_id", "service_date"]),
    "core__dental_service": lambda t: dental_services(t["input__dental_claim"]).order_by(
        ["member_id", "service_date", "code"]
    ),
    "core__medical_service": lambda t: medical_services(t["input__medical_claim"]).order_by(
        ["member_id", "service_date", "code"]
    ),
}
