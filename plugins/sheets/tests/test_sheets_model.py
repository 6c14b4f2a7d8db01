"""The workbook Doc: cells, formats, charts, and recalculation with the formulas engine."""

from __future__ import annotations

import pytest
from nexus_sheets._model import (
    ChartView,
    add_chart,
    add_sheet,
    decode_doc,
    encode_state,
    new_workbook,
    read_workbook,
    set_cell,
    sheets_of,
)
from nexus_sheets._recalc import CYCLE, RECALC_ORIGIN, recalculate
from pycrdt import Doc


def values(doc: Doc) -> dict[str, dict[str, object]]:
    return {s.name: {ref: c.value for ref, c in s.cells.items()} for s in read_workbook(doc)}


def chain() -> Doc:
    doc = new_workbook(("Sheet1", "Summary"))
    set_cell(doc, "Sheet1", "A1", value=3)
    set_cell(doc, "Sheet1", "B1", formula="=A1*2")
    set_cell(doc, "Sheet1", "C1", formula="=B1+1")
    set_cell(doc, "Sheet1", "D1", formula="=SUM(A1:C1)")
    set_cell(doc, "Summary", "A1", formula="=Sheet1!C1*10")
    return doc


def test_a_formula_chain_recalculates_after_an_edit():
    doc = chain()
    assert recalculate(doc) == 4
    assert values(doc)["Sheet1"] == {"A1": 3, "B1": 6, "C1": 7, "D1": 16}
    assert values(doc)["Summary"] == {"A1": 70}
    set_cell(doc, "Sheet1", "A1", value=5)
    assert recalculate(doc) == 4
    assert values(doc)["Sheet1"] == {"A1": 5, "B1": 10, "C1": 11, "D1": 26}
    assert values(doc)["Summary"] == {"A1": 110}


def test_a_second_recalculation_writes_nothing():
    doc = chain()
    recalculate(doc)
    updates: list[bytes] = []
    kept = doc.observe(lambda event: updates.append(event.update))
    assert recalculate(doc) == 0
    assert updates == [] and kept
    set_cell(doc, "Sheet1", "A1", value=4)
    assert recalculate(doc) == 4
    assert len(updates) == 2  # the edit, then the recalculation: the observer does see them


def test_only_changed_values_go_into_one_update_with_the_recalc_origin():
    doc = chain()
    recalculate(doc)
    set_cell(doc, "Sheet1", "C1", formula="=B1+2")
    seen = Doc()
    seen.apply_update(doc.get_update())
    before = seen.get_state()
    changed: list[tuple[object, object]] = []
    transactions: list[bytes] = []
    kept = (  # pycrdt drops a callback whose subscription is not kept
        sheets_of(doc).observe_deep(
            lambda events: changed.extend((e.path, e.transaction.origin) for e in events)
        ),
        doc.observe(lambda event: transactions.append(event.update)),
    )
    assert recalculate(doc) == 3  # C1, D1 and Summary!A1; B1 is still 6
    assert sorted(str(path) for path, _ in changed) == sorted(
        str(path) for path in ([0, "cells", "C1"], [0, "cells", "D1"], [1, "cells", "A1"])
    )
    assert {origin for _, origin in changed} == {RECALC_ORIGIN}
    assert len(transactions) == 1 and kept
    seen.apply_update(doc.get_update(before))
    assert values(seen)["Summary"] == {"A1": 80}


def test_errors_are_cell_values_not_failures():
    doc = new_workbook()
    set_cell(doc, "Sheet1", "A1", formula="=1/0")
    set_cell(doc, "Sheet1", "A2", formula="=A1+")
    set_cell(doc, "Sheet1", "A3", formula="=A4")
    set_cell(doc, "Sheet1", "A4", formula="=A3")
    set_cell(doc, "Sheet1", "A5", formula='=IF(2>1,"yes","no")')
    recalculate(doc)
    assert values(doc)["Sheet1"] == {
        "A1": "#DIV/0!",
        "A2": "#NAME?",
        "A3": CYCLE,
        "A4": CYCLE,
        "A5": "yes",
    }


def test_formats_and_charts_are_kept_in_the_doc():
    doc = new_workbook()
    set_cell(doc, "Sheet1", "A1", value="Total", format={"bold": True, "align": "right"})
    set_cell(doc, "Sheet1", "A1", value="Total", format={"color": "FF0000"})
    add_chart(doc, "Sheet1", ChartView(type="line", range="A1:B3", title="Trend"))
    [sheet] = read_workbook(doc)
    assert sheet.cells["A1"].format == {"bold": True, "align": "right", "color": "FF0000"}
    assert sheet.charts == [ChartView(type="line", range="A1:B3", title="Trend")]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: add_sheet(d, "sheet1"), "exists already"),
        (lambda d: add_sheet(d, "a/b"), "1 to 31 characters"),
        (lambda d: set_cell(d, "Sheet1", "1A", value=1), "not a cell reference"),
        (lambda d: set_cell(d, "Sheet1", "A1", formula="A2"), "starts with '='"),
        (lambda d: set_cell(d, "Sheet1", "A1", value=1, format={"size": 3}), "unknown format"),
        (lambda d: add_chart(d, "Sheet1", ChartView(type="radar", range="A1:B2")), "one of"),
        (lambda d: add_chart(d, "Sheet1", ChartView(type="bar", range="A1")), "not a range"),
    ],
    ids=[
        "taken-name",
        "bad-name",
        "bad-ref",
        "formula-without-equals",
        "format-key",
        "chart-type",
        "chart-range",
    ],
)
def test_bad_edits_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call(new_workbook())


def test_the_state_round_trips_through_base64():
    doc = chain()
    recalculate(doc)
    assert values(decode_doc(encode_state(doc))) == values(doc)
    with pytest.raises(ValueError, match="Yjs"):
        decode_doc("not base64!")
