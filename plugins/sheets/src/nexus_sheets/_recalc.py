"""Recalculation of a workbook Doc with the ``formulas`` engine.

The whole workbook is handed to ``formulas.ExcelModel`` (every sheet, so cross-sheet
references work); the computed value of each formula cell is written back into the Doc in
one transaction, and only where it differs from the value the Doc holds — so a second
recalculation of an unchanged workbook writes nothing (the event handler's guard against
triggering itself). A formula the engine cannot parse gets ``#NAME?``; a cell on a
reference cycle gets ``#CYCLE!`` (Excel shows 0 and a warning, LibreOffice ``Err:522``).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import formulas
import numpy as np
from formulas.errors import FormulaError
from formulas.tokens.operand import XlError

from nexus_sheets._model import Scalar, plain_number, sheets_of

if TYPE_CHECKING:
    from pycrdt import Doc

__all__ = ("CYCLE", "RECALC_ORIGIN", "recalculate")

RECALC_ORIGIN = "nexus-sheets-recalc"
CYCLE = "#CYCLE!"
_BOOK = "nexus"
_KEY = re.compile(r"^'\[" + _BOOK + r"\](.+)'!([A-Z]+[0-9]+)$")


def _key(sheet: str, ref: str) -> str:
    return f"'[{_BOOK}]{sheet.upper()}'!{ref}"


def _parses(formula: str) -> bool:
    try:
        formulas.Parser().ast(formula)
    except (FormulaError, ValueError, TypeError, IndexError):
        return False
    return True


def _scalar(value: Any) -> Scalar:
    """A value the engine computed, as what a cell holds."""
    if hasattr(value, "value"):  # a Ranges of one cell
        value = value.value
    if isinstance(value, np.ndarray):
        value = value.ravel()[0] if value.size else None
    if isinstance(value, XlError):
        return str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "#NUM!"
    if value is None or isinstance(value, bool | int | float | str):
        return plain_number(value) if isinstance(value, float) else value
    # the engine's EMPTY marker (a formula pointing at a blank cell) reads as 0 in Excel
    return 0


def _inputs(doc: Doc[Any]) -> tuple[dict[str, Any], dict[str, tuple[str, str]], dict[str, str]]:
    """The engine's inputs, the formula cells by engine key, and the unparsable ones."""
    inputs: dict[str, Any] = {}
    formula_cells: dict[str, tuple[str, str]] = {}
    broken: dict[str, str] = {}
    for sheet in sheets_of(doc).to_py() or []:
        name = sheet["name"]
        for ref, cell in (sheet.get("cells") or {}).items():
            key = _key(name, ref)
            formula = cell.get("formula")
            if formula:
                if _parses(formula):
                    inputs[key] = formula
                    formula_cells[key] = (name, ref)
                else:
                    broken[key] = "#NAME?"
                    formula_cells[key] = (name, ref)
            elif cell.get("value") is not None:
                inputs[key] = plain_number(cell["value"])
    return inputs, formula_cells, broken


def compute(doc: Doc[Any]) -> dict[tuple[str, str], Scalar]:
    """The value every formula cell should hold, by (sheet, ref); the Doc is not changed."""
    inputs, formula_cells, broken = _inputs(doc)
    if not formula_cells:
        return {}
    solution: dict[str, Any] = {}
    if inputs:
        solution = dict(formulas.ExcelModel().from_dict(inputs).calculate())
    computed: dict[tuple[str, str], Scalar] = {}
    for key, where in formula_cells.items():
        if key in broken:
            computed[where] = broken[key]
        elif key in solution:
            computed[where] = _scalar(solution[key])
        else:
            computed[where] = CYCLE
    return computed


def _same(held: Scalar, value: Scalar) -> bool:
    # True == 1 in Python, but a cell holding TRUE is not one holding 1
    return held == value and isinstance(held, bool) == isinstance(value, bool)


def recalculate(doc: Doc[Any]) -> int:
    """Recalculate every formula; write changed values in one transaction; answer how many.

    Example::

        doc = new_workbook()
        set_cell(doc, "Sheet1", "A1", value=2)
        set_cell(doc, "Sheet1", "B1", formula="=A1*2")
        assert recalculate(doc) == 1 and recalculate(doc) == 0
    """
    computed = compute(doc)
    sheets = {str(sheet["name"]): sheet for sheet in sheets_of(doc)}
    changes = []
    for (name, ref), value in computed.items():
        cell = sheets[name]["cells"][ref]
        if not _same(plain_number(cell.get("value")), value):
            changes.append((cell, value))
    if changes:
        with doc.transaction(origin=RECALC_ORIGIN):
            for cell, value in changes:
                cell["value"] = value
    return len(changes)
