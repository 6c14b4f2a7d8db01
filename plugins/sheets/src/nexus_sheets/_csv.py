"""CSV import and export of one sheet.

Export writes the sheet's values (a formula cell's computed value) over its used range,
from A1, as a rectangle. Import fills a sheet from A1: numbers become numbers, a field
starting with ``=`` a formula (as LibreOffice reads it), anything else text.
"""

from __future__ import annotations

import csv
from io import StringIO
from typing import TYPE_CHECKING, Any

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from nexus_sheets._model import CELL_REF, Scalar, add_sheet, read_workbook, set_cell

if TYPE_CHECKING:
    from pycrdt import Doc

__all__ = ("export_csv", "import_csv")

MAX_CELLS = 1_000_000


def _text(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def export_csv(doc: Doc[Any], sheet: str | None = None) -> str:
    """One sheet (the first when not named) as CSV text; KeyError for an unknown sheet."""
    sheets = read_workbook(doc)
    chosen = next((s for s in sheets if sheet is None or s.name.upper() == sheet.upper()), None)
    if chosen is None:
        raise KeyError(sheet)
    grid: dict[tuple[int, int], Scalar] = {}
    for ref, cell in chosen.cells.items():
        match = CELL_REF.match(ref)
        if match:
            grid[(int(match[2]), column_index_from_string(match[1]))] = cell.value
    rows = max((r for r, _ in grid), default=0)
    cols = max((c for _, c in grid), default=0)
    out = StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in range(1, rows + 1):
        writer.writerow([_text(grid.get((row, col))) for col in range(1, cols + 1)])
    return out.getvalue()


def _parse(field: str) -> Scalar:
    try:
        number = float(field)
    except ValueError:
        return field
    return (
        int(number)
        if number.is_integer() and "." not in field and "e" not in field.lower()
        else number
    )


def import_csv(text: str, doc: Doc[Any], *, sheet: str) -> None:
    """Fill a new sheet ``sheet`` of the Doc from CSV text; ValueError when too large."""
    rows = list(csv.reader(StringIO(text)))
    if sum(len(row) for row in rows) > MAX_CELLS:
        raise ValueError(f"a CSV file of more than {MAX_CELLS} fields is refused")
    add_sheet(doc, sheet)
    with doc.transaction():
        for r, row in enumerate(rows, start=1):
            for c, field in enumerate(row, start=1):
                if field == "":
                    continue
                ref = f"{get_column_letter(c)}{r}"
                if field.startswith("=") and len(field) > 1:
                    set_cell(doc, sheet, ref, formula=field)
                else:
                    set_cell(doc, sheet, ref, value=_parse(field))
