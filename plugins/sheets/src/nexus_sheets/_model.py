"""The workbook document: a pycrdt (Yjs) Doc, and plain views of it.

The Doc's root is a Y.Array ``sheets`` of sheet Y.Maps, in tab order::

    {"name": "Sheet1",
     "cells": {"A1": {"value": 3, "formula": "=B1*2",
                      "format": {"number_format": "0.00", "bold": true,
                                 "color": "FF0000", "align": "right"}}},
     "cols": {"A": 18.5},
     "charts": [{"type": "bar", "range": "A1:B4", "title": "Sales", "anchor": "E2"}]}

Cells, their formats and the columns are nested Y.Maps so that two people editing
different cells (or the bold and the colour of one cell) merge without losing either;
``value`` of a formula cell is what the server computed last (``_recalc``). Yjs numbers
are doubles, so an integer comes back as a float; ``plain_number`` gives the int back.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Array, Doc, Map

__all__ = (
    "ALIGNMENTS",
    "CHART_TYPES",
    "CellView",
    "ChartView",
    "SheetView",
    "add_chart",
    "add_sheet",
    "decode_doc",
    "encode_state",
    "new_workbook",
    "plain_number",
    "read_workbook",
    "set_cell",
    "set_column_width",
    "sheet_names",
    "sheets_of",
)

CHART_TYPES = ("bar", "line", "pie")
ALIGNMENTS = ("left", "center", "right")
FORMAT_KEYS = ("number_format", "bold", "color", "align")
CELL_REF = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6})$")
RANGE_REF = re.compile(r"^[A-Z]{1,3}[1-9][0-9]{0,6}:[A-Z]{1,3}[1-9][0-9]{0,6}$")
# Excel's own rule for sheet names: 1-31 characters, none of []:*?/\ and no apostrophe at
# either end; we refuse apostrophes altogether so a name never needs escaping in a formula.
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")

Scalar = float | int | str | bool | None


@dataclass(frozen=True)
class CellView:
    """One cell as plain data: its value, its formula (with ``=``) and its format."""

    value: Scalar
    formula: str | None = None
    format: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChartView:
    """One chart: its type, the data range (first column categories, first row titles)."""

    type: str
    range: str
    title: str = ""
    anchor: str = "H2"


@dataclass(frozen=True)
class SheetView:
    """One sheet as plain data."""

    name: str
    cells: dict[str, CellView]
    cols: dict[str, float]
    charts: list[ChartView]


def sheets_of(doc: Doc[Any]) -> Array[Any]:
    """The Doc's ``sheets`` array (made empty on a new Doc)."""
    sheets: Array[Any] = doc.get("sheets", type=Array)
    return sheets


def new_workbook(names: tuple[str, ...] = ("Sheet1",)) -> Doc[Any]:
    """A new workbook Doc with empty sheets of these names."""
    doc: Doc[Any] = Doc()
    for name in names:
        add_sheet(doc, name)
    return doc


def check_sheet_name(name: str, existing: list[str]) -> str:
    """The name, or ValueError saying why Excel (and we) would refuse it."""
    if not 1 <= len(name) <= 31 or _BAD_SHEET_NAME.search(name):
        raise ValueError("a sheet name is 1 to 31 characters, none of []:*?/\\'")
    if name.upper() in (other.upper() for other in existing):
        raise ValueError(f"a sheet named {name!r} exists already")
    return name


def sheet_names(doc: Doc[Any]) -> list[str]:
    """The sheets' names, in tab order."""
    return [str(sheet["name"]) for sheet in sheets_of(doc)]


def add_sheet(doc: Doc[Any], name: str) -> Map[Any]:
    """Append an empty sheet; ValueError for a bad or taken name."""
    check_sheet_name(name, sheet_names(doc))
    sheets = sheets_of(doc)
    with doc.transaction():
        sheets.append(Map({"name": name, "cells": Map(), "cols": Map(), "charts": Array()}))
    return sheets[len(sheets) - 1]  # type: ignore[no-any-return]


def _sheet(doc: Doc[Any], name: str) -> Map[Any]:
    for sheet in sheets_of(doc):
        if str(sheet["name"]).upper() == name.upper():
            return sheet  # type: ignore[no-any-return]
    raise KeyError(name)


def check_ref(ref: str) -> str:
    """A cell reference like ``B12``, or ValueError."""
    if not CELL_REF.match(ref):
        raise ValueError(f"{ref!r} is not a cell reference like B12")
    return ref


def set_cell(
    doc: Doc[Any],
    sheet: str,
    ref: str,
    *,
    value: Scalar = None,
    formula: str | None = None,
    format: dict[str, Any] | None = None,  # noqa: A002 - the document's own key
) -> None:
    """Write one cell: a value, or a formula (``=A1*2``); its format keys when given."""
    check_ref(ref)
    if formula is not None and not formula.startswith("="):
        raise ValueError("a formula starts with '='")
    cells = _sheet(doc, sheet)["cells"]
    with doc.transaction():
        if ref not in cells:
            cells[ref] = Map({"value": None, "formula": None, "format": Map()})
        cell = cells[ref]
        cell["formula"] = formula
        cell["value"] = value
        if format:
            fmt = cell["format"]
            for key, item in format.items():
                if key not in FORMAT_KEYS:
                    raise ValueError(f"unknown format key {key!r}")
                fmt[key] = item


def set_column_width(doc: Doc[Any], sheet: str, column: str, width: float) -> None:
    """Set one column's width (in Excel's character units)."""
    with doc.transaction():
        _sheet(doc, sheet)["cols"][column] = float(width)


def add_chart(doc: Doc[Any], sheet: str, chart: ChartView) -> None:
    """Append a chart to a sheet; ValueError for an unknown type or a bad range."""
    if chart.type not in CHART_TYPES:
        raise ValueError(f"a chart is one of {', '.join(CHART_TYPES)}")
    if not RANGE_REF.match(chart.range):
        raise ValueError(f"{chart.range!r} is not a range like A1:B5")
    with doc.transaction():
        _sheet(doc, sheet)["charts"].append(
            Map(
                {
                    "type": chart.type,
                    "range": chart.range,
                    "title": chart.title,
                    "anchor": chart.anchor,
                }
            )
        )


def plain_number(value: Any) -> Scalar:
    """A Doc value as plain Python: integral floats as int (Yjs keeps only doubles)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return str(value)


def read_workbook(doc: Doc[Any]) -> list[SheetView]:
    """The whole workbook as plain data, in tab order."""
    views: list[SheetView] = []
    for sheet in sheets_of(doc).to_py() or []:
        cells = {
            ref: CellView(
                value=plain_number(cell.get("value")),
                formula=cell.get("formula") or None,
                format=dict(cell.get("format") or {}),
            )
            for ref, cell in (sheet.get("cells") or {}).items()
        }
        charts = [
            ChartView(
                type=chart["type"],
                range=chart["range"],
                title=chart.get("title") or "",
                anchor=chart.get("anchor") or "H2",
            )
            for chart in sheet.get("charts") or []
        ]
        views.append(
            SheetView(
                name=sheet["name"],
                cells=cells,
                cols={col: float(width) for col, width in (sheet.get("cols") or {}).items()},
                charts=charts,
            )
        )
    return views


def encode_state(doc: Doc[Any]) -> str:
    """The Doc's full state as one base64 Yjs update (what ``collab`` stores)."""
    return base64.b64encode(doc.get_update()).decode("ascii")


def decode_doc(state: str) -> Doc[Any]:
    """A Doc from a base64 Yjs update; ValueError when it is not one."""
    doc: Doc[Any] = Doc()
    try:
        doc.apply_update(base64.b64decode(state, validate=True))
    except Exception as exc:  # pycrdt raises its own errors for a malformed update
        raise ValueError("not a base64 Yjs update") from exc
    return doc
