"""Payslips: one employee's pay in a run, read from the tables and printed as a PDF (fpdf2).

Text is set in DejaVu Sans, shipped with the plugin (``fonts/``, the same subset Finance
ships: Latin, Greek and Cyrillic), so no system font is needed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nexus_hookspecs.http import not_found

from nexus_hr._payroll import quantize

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("Payslip", "PayslipLine", "load_payslip", "render_payslip")

_FONTS = Path(__file__).parent / "fonts"
_FONT = "DejaVu"
logging.getLogger("fpdf.output").setLevel(logging.ERROR)

_SECTIONS = (
    ("earning", "Earnings"),
    ("deduction", "Deductions"),
    ("employer_cost", "Employer costs (not deducted)"),
)


@dataclass(frozen=True)
class PayslipLine:
    """A line of a payslip."""

    kind: str
    code: str
    label: str
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal
    liability: str | None


@dataclass(frozen=True)
class Payslip:
    """One employee's payslip in one run."""

    payrun_id: UUID
    number: str
    state: str
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    employee_id: UUID
    employee_name: str
    country: str | None
    rule_set: str
    currency: str
    days_employed: int
    hours: Decimal
    overtime_hours: Decimal
    gross: Decimal
    deductions: Decimal
    net: Decimal
    employer_costs: Decimal
    lines: tuple[PayslipLine, ...]
    id: UUID | None = None
    """The payslip's row (``hr_payslip.id``)."""

    def money(self, amount: Decimal) -> str:
        """An amount in the payslip's currency, rounded to its minor unit."""
        return f"{quantize(amount, self.currency):,f}"


async def load_payslip(conn: Connection, payrun_id: UUID, employee_id: UUID) -> Payslip:
    """The payslip of ``employee_id`` in ``payrun_id``; 404 when there is none."""
    row = await conn.fetchrow(
        "select s.*, r.number, r.state, r.period_start, r.period_end, r.pay_date "
        "from hr_payslip s join hr_payrun r on r.id = s.payrun_id "
        "where s.payrun_id = $1 and s.employee_id = $2",
        payrun_id,
        employee_id,
    )
    if row is None:
        not_found()
    lines = await conn.fetch(
        "select kind, code, label, quantity, rate, amount, liability from hr_payslip_line "
        "where payslip_id = $1 order by position",
        row["id"],
    )
    return Payslip(
        payrun_id=payrun_id,
        number=row["number"],
        state=row["state"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        pay_date=row["pay_date"],
        employee_id=employee_id,
        employee_name=row["employee_name"],
        country=(row["country"] or "").strip() or None,
        rule_set=row["rule_set"],
        currency=row["currency"].strip(),
        days_employed=row["days_employed"],
        hours=row["hours"],
        overtime_hours=row["overtime_hours"],
        gross=row["gross"],
        deductions=row["deductions"],
        net=row["net"],
        employer_costs=row["employer_costs"],
        lines=tuple(PayslipLine(**dict(line)) for line in lines),
        id=row["id"],
    )


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text if "." not in text or len(text.split(".")[1]) <= 4 else f"{value:.4f}"


def render_payslip(slip: Payslip, *, company: str | None = None) -> bytes:
    """The payslip as a PDF (A4, DejaVu Sans embedded): earnings, deductions, net, costs."""
    # fpdf2 is imported with the first payslip printed, not at start-up.
    from fpdf import FPDF  # noqa: PLC0415
    from fpdf.enums import XPos, YPos  # noqa: PLC0415

    pdf = FPDF(format="A4")
    pdf.set_title(f"Payslip {slip.number} {slip.employee_name}")
    pdf.set_creator("Nexus HR")
    pdf.add_font(_FONT, "", str(_FONTS / "DejaVuSans.ttf"))
    pdf.add_font(_FONT, "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    if slip.state == "draft":
        with pdf.local_context(text_color=(235, 190, 190)):
            pdf.set_font(_FONT, "B", 80)
            with pdf.rotation(35, x=pdf.w / 2, y=pdf.h / 2):
                pdf.text(pdf.w / 2 - 60, pdf.h / 2 + 15, "DRAFT")
    pdf.set_font(_FONT, "B", 16)
    pdf.cell(0, 9, "Payslip", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=9)
    facts = [
        ("Employee", slip.employee_name),
        ("Pay run", slip.number),
        ("Period", f"{slip.period_start.isoformat()} to {slip.period_end.isoformat()}"),
        ("Pay date", slip.pay_date.isoformat()),
        ("Currency", slip.currency),
        ("Rules", slip.rule_set + (f" ({slip.country})" if slip.country else "")),
    ]
    if company:
        facts.insert(0, ("Employer", company))
    if slip.hours or slip.overtime_hours:
        facts.append(("Hours", f"{_number(slip.hours)} (overtime {_number(slip.overtime_hours)})"))
    for label, value in facts:
        pdf.cell(35, 5, label)
        pdf.cell(0, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for kind, title in _SECTIONS:
        lines = [line for line in slip.lines if line.kind == kind]
        if not lines and kind != "earning":
            continue
        pdf.set_font(_FONT, "B", 10)
        pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(_FONT, size=9)
        for line in lines:
            pdf.cell(95, 5, line.label)
            pdf.cell(25, 5, _number(line.quantity), align="R")
            rate = _number(line.rate)
            pdf.cell(30, 5, f"{rate} %" if rate and kind != "earning" else rate, align="R")
            pdf.cell(30, 5, slip.money(line.amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    pdf.set_draw_color(120, 120, 120)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    totals = [
        ("Gross pay", slip.gross, False),
        ("Deductions", slip.deductions, False),
        ("Net pay", slip.net, True),
        ("Employer costs", slip.employer_costs, False),
    ]
    for label, amount, strong in totals:
        pdf.set_font(_FONT, "B" if strong else "", 11 if strong else 9)
        pdf.cell(150, 6, label)
        pdf.cell(30, 6, slip.money(amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
