"""XLSX import and export with openpyxl: formulas kept as formulas, formats, widths, charts.

Export writes each formula cell as its formula (``=B1+1``), so Excel and LibreOffice
recalculate on opening; the values our engine computed are not cached in the file
(openpyxl writes none). Import reads the formulas, and the values a spreadsheet program
cached beside them (a second, ``data_only`` read) as the cells' values until the next
recalculation. Charts go out as openpyxl bar, line and pie charts over the cells, and come
back from the charts openpyxl reads.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.formula import ArrayFormula

from nexus_sheets._model import (
    ALIGNMENTS,
    ChartView,
    add_chart,
    add_sheet,
    read_workbook,
    set_cell,
    set_column_width,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet
    from pycrdt import Doc

__all__ = ("export_xlsx", "import_xlsx")

_CHARTS: dict[str, Any] = {"bar": BarChart, "line": LineChart, "pie": PieChart}


def _chart(ws: Worksheet, view: ChartView) -> Any:
    """An openpyxl chart over ``view.range``: first column categories, first row titles."""
    min_col, min_row, max_col, max_row = range_boundaries(view.range)
    chart = _CHARTS[view.type]()
    chart.title = view.title or None
    if max_col > min_col:
        data = Reference(ws, min_col=min_col + 1, min_row=min_row, max_col=max_col, max_row=max_row)
        cats = Reference(ws, min_col=min_col, min_row=min_row + 1, max_row=max_row)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
    else:
        chart.add_data(Reference(ws, min_col=min_col, min_row=min_row, max_row=max_row))
    return chart


def export_xlsx(doc: Doc[Any]) -> bytes:
    """The workbook as an XLSX file."""
    book = Workbook()
    book.remove(book.active)
    for sheet in read_workbook(doc):
        ws = book.create_sheet(sheet.name)
        for ref, cell in sheet.cells.items():
            target = ws[ref]
            target.value = cell.formula if cell.formula else cell.value
            fmt = cell.format
            if fmt.get("number_format"):
                target.number_format = str(fmt["number_format"])
            if fmt.get("bold") or fmt.get("color"):
                target.font = Font(bold=bool(fmt.get("bold")), color=fmt.get("color") or None)
            if fmt.get("align") in ALIGNMENTS:
                target.alignment = Alignment(horizontal=fmt["align"])
        for column, width in sheet.cols.items():
            ws.column_dimensions[column].width = width
        for view in sheet.charts:
            ws.add_chart(_chart(ws, view), view.anchor)
    if not book.worksheets:
        book.create_sheet("Sheet1")
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_value(value: Any) -> Any:
    if isinstance(value, ArrayFormula):
        return value.text
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return to_excel(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


def _format(cell: Any) -> dict[str, Any]:
    fmt: dict[str, Any] = {}
    if cell.number_format and cell.number_format != "General":
        fmt["number_format"] = cell.number_format
    if cell.font is not None and cell.font.b:
        fmt["bold"] = True
    color = getattr(getattr(cell.font, "color", None), "rgb", None)
    if isinstance(color, str) and len(color) in (6, 8) and color not in ("FF000000", "000000"):
        fmt["color"] = color[-6:]
    if cell.alignment is not None and cell.alignment.horizontal in ALIGNMENTS:
        fmt["align"] = cell.alignment.horizontal
    return fmt


def _charts_of(ws: Worksheet) -> list[ChartView]:
    """The charts openpyxl read from a sheet, as far as our model holds them."""
    views: list[ChartView] = []
    for chart in getattr(ws, "_charts", []):
        kind = {"BarChart": "bar", "LineChart": "line", "PieChart": "pie"}.get(type(chart).__name__)
        refs: list[str] = []
        for series in chart.series:
            for ref in (series.cat, series.tx, series.val):
                formula = _ref_formula(ref)
                if formula:
                    refs.append(formula.split("!")[-1].replace("$", ""))
        if kind is None or not refs:
            continue
        bounds = [range_boundaries(ref if ":" in ref else f"{ref}:{ref}") for ref in refs]
        first = f"{get_column_letter(min(b[0] for b in bounds))}{min(b[1] for b in bounds)}"
        last = f"{get_column_letter(max(b[2] for b in bounds))}{max(b[3] for b in bounds)}"
        views.append(
            ChartView(
                type=kind, range=f"{first}:{last}", title=_title(chart), anchor=_anchor(chart)
            )
        )
    return views


def _ref_formula(ref: Any) -> str | None:
    for attr in ("numRef", "strRef"):
        inner = getattr(ref, attr, None)
        if inner is not None and inner.f:
            return str(inner.f)
    return None


def _anchor(chart: Any) -> str:
    """The cell a read chart's top left corner sits on (openpyxl reads an anchor object)."""
    start = getattr(chart.anchor, "_from", None)
    if start is None:
        return chart.anchor if isinstance(chart.anchor, str) else "H2"
    return f"{get_column_letter(start.col + 1)}{start.row + 1}"


def _title(chart: Any) -> str:
    try:
        runs = chart.title.tx.rich.p[0].r
    except (AttributeError, IndexError, TypeError):
        return ""
    return "".join(run.t for run in runs or [])


def import_xlsx(data: bytes, doc: Doc[Any]) -> None:
    """Fill an empty workbook Doc from an XLSX file; ValueError when it is not one."""
    try:
        book = load_workbook(BytesIO(data))
        cached = load_workbook(BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML errors alike
        raise ValueError("not an XLSX workbook") from exc
    for ws in book.worksheets:
        add_sheet(doc, ws.title)
        values = cached[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                value = _cell_value(cell.value)
                fmt = _format(cell)
                if value is None and not fmt:
                    continue
                formula = value if isinstance(value, str) and value.startswith("=") else None
                held = _cell_value(values[cell.coordinate].value) if formula else value
                set_cell(doc, ws.title, cell.coordinate, value=held, formula=formula, format=fmt)
        for column, dim in ws.column_dimensions.items():
            if dim.customWidth and dim.width:
                set_column_width(doc, ws.title, column, float(dim.width))
        for view in _charts_of(ws):
            add_chart(doc, ws.title, view)
