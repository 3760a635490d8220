"""Spreadsheets people open in Excel: a bold frozen header, filters, sensible widths,
percentages shown as percentages and dates as dates.

Each sheet is one pandas table; columns whose name is in ``percent`` get a ``0.0%``
format, so the numbers stay numbers (sortable, filterable) rather than text.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

HEADER_FILL = "DDEBF7"
MAX_WIDTH = 48


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    path: Path,
    *,
    percent: Collection[str] = (),
    notes: Mapping[str, str] | None = None,
    freeze: str = "A2",
    wrap: Collection[str] = (),
) -> Path:
    """Write each table to a sheet of one workbook; ``notes`` adds a sheet of text
    lines (what the columns mean, where the numbers come from). ``freeze`` is the first
    cell that scrolls (``D2`` keeps the header row and three columns in view); columns
    in ``wrap`` wrap their text. Every sheet prints landscape, fit to the page width,
    with its header row repeated on each page."""
    # openpyxl is slow to import; only spreadsheets need it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active) if book.active is not None else None
    for name, frame in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(list(map(str, frame.columns)))
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = freeze if len(frame.columns) > 3 else "A2"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:1"
        if len(frame.columns):
            last = get_column_letter(len(frame.columns))
            sheet.auto_filter.ref = f"A1:{last}{max(len(frame), 1) + 1}"
        for i, column in enumerate(frame.columns, start=1):
            letter = get_column_letter(i)
            values = [str(column), *(str(v) for v in frame[column].head(200))]
            lines = [line for v in values for line in v.splitlines() or [""]]
            sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(map(len, lines)) + 2)
            if wrap:  # a sheet with wrapped cells reads from the top of each row
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.alignment = Alignment(wrap_text=column in wrap, vertical="top")
            fmt = "0.0%" if column in percent else _format(frame[column])
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = fmt
        _row_heights(sheet, frame, wrap)
    for name, text in (notes or {}).items():
        sheet = book.create_sheet(name[:31])
        for line in text.splitlines():
            sheet.append([line])
        sheet.column_dimensions["A"].width = 120
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


LINE_POINTS = 15


def _row_heights(sheet: Any, frame: pd.DataFrame, wrap: Collection[str]) -> None:
    """Rows tall enough for their wrapped cells: spreadsheets do not always grow a row
    for wrapped text they did not lay out themselves."""
    # openpyxl is slow to import; only spreadsheets need it
    from openpyxl.utils import get_column_letter

    columns = [(i, c) for i, c in enumerate(frame.columns, start=1) if c in wrap]
    if not columns:
        return
    widths = {i: sheet.column_dimensions[get_column_letter(i)].width or 10 for i, _ in columns}
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        lines = 1
        for i, _ in columns:
            text = "" if row[i - 1] is None else str(row[i - 1])
            count = sum(max(1, math.ceil(len(line) / max(widths[i] - 1, 1)))
                        for line in text.splitlines() or [""])  # fmt: skip
            lines = max(lines, count)
        if lines > 1:
            sheet.row_dimensions[r].height = LINE_POINTS * lines


def _format(column: pd.Series) -> str | None:
    if pd.api.types.is_float_dtype(column):
        return "0.000"
    if column.map(lambda v: isinstance(v, dt.date)).any():
        return "yyyy-mm-dd"
    return None


def _cell(value: object) -> object:
    """A value openpyxl can store: missing values become empty cells."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
