"""Files a practice takes away: its (filtered) gap list as XLSX, and its outreach records
as a referral register that ``wellchild referrals import`` reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from wellchild.hub.portal.models import GapEntry, OutreachRecord

HEADER_FILL = "DDEBF7"
MAX_WIDTH = 48
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Outreach statuses that are steps of a dental referral, as the register names them;
# calls and letters are ways of reaching the family and have no row there.
REGISTER_STATUS = {
    OutreachRecord.Status.REFERRAL_GIVEN: "given",
    OutreachRecord.Status.APPOINTMENT_MADE: "appointment made",
    OutreachRecord.Status.SEEN: "seen",
    OutreachRecord.Status.DECLINED: "declined",
    OutreachRecord.Status.UNREACHABLE: "unreachable",
}

GAP_LIST_COLUMNS: Sequence[tuple[str, Any]] = (
    ("member_id", lambda e: e.child.member_id),
    ("last_name", lambda e: e.last_name),
    ("first_name", lambda e: e.first_name),
    ("birth_date", lambda e: e.birth_date),
    ("age_years", lambda e: e.age_years),
    ("language", lambda e: e.language),
    ("guardian_name", lambda e: e.guardian_name),
    ("phone", lambda e: e.phone),
    ("address", lambda e: e.address),
    ("city", lambda e: e.city),
    ("zip", lambda e: e.zip),
    ("plan_id", lambda e: e.plan_id),
    ("pcp_name", lambda e: e.pcp_name),
    ("last_dental_visit", lambda e: e.last_dental_visit),
    ("last_well_child_visit", lambda e: e.last_well_child_visit),
    ("well_child_due", lambda e: e.well_child_due),
    ("well_child_overdue", lambda e: "yes" if e.well_child_overdue else ""),
    ("gap_dental", lambda e: "yes" if e.gap_dental else ""),
    ("gap_w30", lambda e: "yes" if e.gap_w30 else ""),
    ("gap_wcv", lambda e: "yes" if e.gap_wcv else ""),
    ("outreach_status", lambda e: e.status or ""),
    ("outreach_date", lambda e: e.status_date),
    ("dentists", lambda e: "; ".join(f"{d['name']} {d['phone']}".strip() for d in e.dentists)),
)
REGISTER_COLUMNS = ("member_id", "practice_id", "status", "status_date", "appointment_date", "note")


def gap_list_xlsx(entries: Iterable[GapEntry], *, title: str) -> bytes:
    """The rows as one sheet: bold frozen header with filters, dates as dates, widths
    that fit. Text is always stored as text, never as a formula."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    names = [name for name, _ in GAP_LIST_COLUMNS]
    sheet.append(names)
    widths = [len(n) for n in names]
    count = 0
    for entry in entries:
        count += 1
        values = [value(entry) for _, value in GAP_LIST_COLUMNS]
        sheet.append([None if v in ("", None) else v for v in values])
        for i, v in enumerate(values):
            widths[i] = max(widths[i], len(str(v or "")))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(names))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, width + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_rows(records: Iterable[OutreachRecord]) -> list[dict[str, str]]:
    """The records that are referral steps, oldest first, in the register's columns."""
    rows = []
    for r in sorted(records, key=lambda r: (r.date, r.recorded_at, r.pk or 0)):
        status = REGISTER_STATUS.get(OutreachRecord.Status(r.status))
        if status is None:
            continue
        rows.append(
            {
                "member_id": r.child.member_id,
                "practice_id": r.child.practice.practice_id,
                "status": status,
                "status_date": r.date.isoformat(),
                "appointment_date": r.appointment_date.isoformat() if r.appointment_date else "",
                "note": r.note,
            }
        )
    return rows


def register_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REGISTER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
