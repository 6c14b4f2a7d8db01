"""XLSX, CSV and PDF: formulas survive a round trip; LibreOffice opens what we export."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

import pytest
from nexus_sheets._csv import export_csv, import_csv
from nexus_sheets._model import (
    ChartView,
    add_chart,
    new_workbook,
    read_workbook,
    set_cell,
    set_column_width,
)
from nexus_sheets._pdf import export_pdf
from nexus_sheets._recalc import recalculate
from nexus_sheets._xlsx import export_xlsx, import_xlsx
from openpyxl import Workbook, load_workbook
from sheets_office import convert_to_pdf

if TYPE_CHECKING:
    from pycrdt import Doc


def budget() -> Doc:
    doc = new_workbook(("Budget", "Summary"))
    set_cell(doc, "Budget", "A1", value="Month", format={"bold": True})
    set_cell(doc, "Budget", "B1", value="Sales", format={"bold": True, "color": "1F4E79"})
    for row, (month, sales) in enumerate([("Jan", 10), ("Feb", 20), ("Mar", 35)], start=2):
        set_cell(doc, "Budget", f"A{row}", value=month)
        set_cell(doc, "Budget", f"B{row}", value=sales, format={"number_format": "#,##0.00"})
    # the chain: B5 = SUM, C5 = B5*2, D5 = C5+1, and a cross-sheet reference to it
    set_cell(doc, "Budget", "B5", formula="=SUM(B2:B4)", format={"align": "right"})
    set_cell(doc, "Budget", "C5", formula="=B5*2")
    set_cell(doc, "Budget", "D5", formula="=C5+1")
    set_cell(doc, "Summary", "A1", formula="=Budget!D5*10")
    set_column_width(doc, "Budget", "A", 18.0)
    add_chart(doc, "Budget", ChartView(type="bar", range="A1:B4", title="Sales", anchor="F2"))
    add_chart(doc, "Budget", ChartView(type="pie", range="A1:B4", title="Share", anchor="F20"))
    recalculate(doc)
    return doc


def values(doc: Doc) -> dict[str, dict[str, object]]:
    return {s.name: {ref: c.value for ref, c in s.cells.items()} for s in read_workbook(doc)}


def test_a_formula_chain_survives_an_xlsx_round_trip():
    doc = budget()
    set_cell(doc, "Budget", "B2", value=15)
    recalculate(doc)
    data = export_xlsx(doc)

    book = load_workbook(BytesIO(data))  # what openpyxl reads back: formulas as formulas
    assert book["Budget"]["B5"].value == "=SUM(B2:B4)"
    assert book["Budget"]["C5"].value == "=B5*2"
    assert book["Budget"]["D5"].value == "=C5+1"
    assert book["Summary"]["A1"].value == "=Budget!D5*10"

    back = new_workbook(())
    import_xlsx(data, back)
    recalculate(back)
    assert values(back) == values(doc)
    assert values(back)["Budget"]["D5"] == 141 and values(back)["Summary"]["A1"] == 1410
    [sheet, _] = read_workbook(back)
    assert sheet.cells["D5"].formula == "=C5+1"
    assert sheet.cells["B1"].format == {"bold": True, "color": "1F4E79"}
    assert sheet.cells["B2"].format == {"number_format": "#,##0.00"}
    assert sheet.cells["B5"].format == {"align": "right"}
    assert sheet.cols == {"A": 18.0}
    assert sheet.charts == [
        ChartView(type="bar", range="A1:B4", title="Sales", anchor="F2"),
        ChartView(type="pie", range="A1:B4", title="Share", anchor="F20"),
    ]


def test_an_xlsx_from_elsewhere_brings_its_cached_values_and_dates():
    import datetime as dt

    book = Workbook()
    ws = book.active
    ws.title = "Data"
    ws["A1"] = dt.date(2026, 12, 7)
    ws["A1"].number_format = "yyyy-mm-dd"
    ws["B1"] = "=A1+1"
    out = BytesIO()
    book.save(out)
    doc = new_workbook(())
    import_xlsx(out.getvalue(), doc)
    recalculate(doc)
    cells = read_workbook(doc)[0].cells
    assert cells["A1"].value == 46363 and cells["A1"].format == {"number_format": "yyyy-mm-dd"}
    assert cells["B1"].value == 46364


def test_a_file_that_is_not_xlsx_is_refused():
    with pytest.raises(ValueError, match="not an XLSX"):
        import_xlsx(b"PK\x03\x04 not really", new_workbook(()))


def test_csv_exports_values_and_imports_numbers_text_and_formulas():
    doc = budget()
    assert export_csv(doc, "budget").splitlines() == [
        "Month,Sales,,",
        "Jan,10,,",
        "Feb,20,,",
        "Mar,35,,",
        ",65,130,131",
    ]
    imported = new_workbook(())
    import_csv('Item,Price\n"Tea, green",2.5\nCoffee,3\nTotal,=SUM(B2:B3)\n', imported, sheet="S")
    recalculate(imported)
    assert values(imported) == {
        "S": {
            "A1": "Item",
            "B1": "Price",
            "A2": "Tea, green",
            "B2": 2.5,
            "A3": "Coffee",
            "B3": 3,
            "A4": "Total",
            "B4": 5.5,
        }
    }
    with pytest.raises(KeyError):
        export_csv(doc, "Nowhere")


def test_the_pdf_export_is_a_pdf_with_every_sheet():
    pdf = export_pdf(budget(), title="Budget 2027")
    assert (
        pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2
    )


def test_libreoffice_converts_the_exported_xlsx_to_pdf(tmp_path):
    source = tmp_path / "budget.xlsx"
    source.write_bytes(export_xlsx(budget()))
    pdf = convert_to_pdf(source)
    assert pdf.read_bytes().startswith(b"%PDF-")
