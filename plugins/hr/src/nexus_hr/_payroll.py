"""Pay runs: gross pay from contracts and approved time, rule sets, payslips, the journal.

Payroll journals, not a payroll engine. A draft run pays every employee with a contract
(running, or ended inside the period) in the run's currency:

- a ``monthly`` wage is prorated by calendar days: for each month the period touches, the
  wage × days employed in it ÷ days in the month (a whole month pays the wage exactly);
- an ``hourly`` wage pays the approved hours (``time.timesheet.approved.v1``, by day) of
  the days the contract covers, × the wage;
- overtime hours of an approved week count in the run whose contract covers the week's
  last day (``week_start`` + 6): an hourly contract adds the premium (hours × wage ×
  (multiplier − 1), its hours are in the hours worked already), a monthly one pays them
  at its hourly equivalent (wage × 12 ÷ 52 ÷ weekly hours of its schedule, 40 without)
  × the multiplier. The multiplier is the contract's ``overtime_rate``, else the setting
  ``overtime_multiplier``.

The employee's rule set (see :mod:`nexus_hr.hooks`) then adds deductions and employer
costs. Approving locks the run and publishes ``hr.payrun.posted.v1`` with the balanced
journal: Dr wages expense (gross), Dr employer costs expense; Cr each liability, Cr wages
payable (net).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from babel.numbers import get_currency_precision
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_hr._events import PAYRUN_POSTED, PayrunJournalLine, PayrunPosted
from nexus_hr.hooks import LIABILITIES, PayLine, PayrollFacts, rule_set_for, rule_sets

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_hr._settings import HrSettings

__all__ = (
    "Earning",
    "Slip",
    "approve_payrun",
    "delete_payrun",
    "draft_payrun",
    "monthly_pay",
    "quantize",
)

_ZERO = Decimal(0)
_ONE = Decimal(1)
_MAX_DAYS = 366
_WEEKS = Decimal(52)
_MONTHS = Decimal(12)
_DEFAULT_WEEK = Decimal(40)
_TOO_LARGE = Decimal("1e13")  # amounts are numeric(20, 6); totals of many slips must fit
_LIABILITY_TEXT = {
    "tax_payable": "Tax withheld",
    "pension_payable": "Pension contributions",
    "other_payable": "Other payroll liabilities",
}


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to the currency's minor unit (2 places when unknown)."""
    try:
        places = get_currency_precision(currency)
    except Exception:  # babel knows every ISO 4217 code; be safe with odd ones
        places = 2
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def monthly_pay(wage: Decimal, first: date, last: date) -> tuple[Decimal, int]:
    """A monthly wage for the days ``first`` to ``last``: per month, wage × days ÷ month days.

    Returns:
        The unrounded amount and the number of days.
    """
    amount = _ZERO
    days = 0
    day = first
    while day <= last:
        month_days = calendar.monthrange(day.year, day.month)[1]
        month_end = day.replace(day=month_days)
        until = min(month_end, last)
        span = (until - day).days + 1
        amount += wage * span / month_days
        days += span
        day = until + timedelta(days=1)
    return amount, days


@dataclass
class Earning:
    """An earning line of a payslip (before the rule set's lines)."""

    code: str
    label: str
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal


@dataclass
class Slip:
    """One employee's payslip being computed."""

    employee_id: UUID
    name: str
    country: str | None
    earnings: list[Earning] = field(default_factory=list)
    wage_types: set[str] = field(default_factory=set)
    days: set[date] = field(default_factory=set)
    hours: Decimal = _ZERO
    overtime_hours: Decimal = _ZERO


def _percent(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:  # the settings pattern makes this unreachable
        return _ZERO


def _rates(settings: HrSettings) -> dict[str, Decimal]:
    return {
        "tax_withholding_percent": _percent(settings.tax_withholding_percent),
        "pension_employee_percent": _percent(settings.pension_employee_percent),
        "pension_employer_percent": _percent(settings.pension_employer_percent),
    }


async def _weekly_hours(conn: Connection, schedule_id: UUID | None) -> Decimal:
    row = await conn.fetchrow(
        "select monday_hours + tuesday_hours + wednesday_hours + thursday_hours + "
        "friday_hours + saturday_hours + sunday_hours as week from hr_working_schedule "
        "where id = $1 or ($1::uuid is null and is_default) limit 1",
        schedule_id,
    )
    week: Decimal = row["week"] if row is not None and row["week"] else _DEFAULT_WEEK
    return week


def _check_period(period_start: date, period_end: date, pay_date: date) -> None:
    if period_end < period_start:
        invalid("period_end", "the period ends before it starts")
    if (period_end - period_start).days >= _MAX_DAYS:
        invalid("period_end", f"a pay run covers at most {_MAX_DAYS} days")
    if pay_date < period_start:
        invalid("pay_date", "the pay date is before the period starts")
    for key, day in (("period_start", period_start), ("pay_date", pay_date)):
        if not date(1900, 1, 1) <= day <= date(2999, 12, 31):
            invalid(key, "dates run from 1900-01-01 to 2999-12-31")
    if period_end > date(2999, 12, 31):
        invalid("period_end", "dates run from 1900-01-01 to 2999-12-31")


async def _contract_earnings(
    conn: Connection,
    slip: Slip,
    contract: Mapping[str, Any],
    first: date,
    last: date,
    multiplier: Decimal,
) -> None:
    """Add one contract's earnings for the days ``first`` to ``last`` to ``slip``."""
    wage: Decimal = contract["wage"]
    currency = contract["currency"]
    overtime = await conn.fetchval(
        "select coalesce(sum(overtime_hours), 0) from hr_approved_timesheet "
        "where employee_id = $1 and week_start + 6 between $2 and $3",
        slip.employee_id,
        first,
        last,
    )
    overtime = Decimal(overtime)
    slip.days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    slip.wage_types.add(contract["wage_type"])
    span = f"{first.isoformat()} – {last.isoformat()}"
    if contract["wage_type"] == "hourly":
        hours = Decimal(
            await conn.fetchval(
                "select coalesce(sum(hours), 0) from hr_approved_time "
                "where employee_id = $1 and work_date between $2 and $3",
                slip.employee_id,
                first,
                last,
            )
        )
        slip.hours += hours
        slip.earnings.append(
            Earning(
                code="hours",
                label=f"Hours worked ({span})",
                quantity=hours,
                rate=wage,
                amount=quantize(hours * wage, currency),
            )
        )
        premium = wage * (multiplier - _ONE)
        if overtime and premium > 0:
            slip.overtime_hours += overtime
            slip.earnings.append(
                Earning(
                    code="overtime",
                    label=f"Overtime premium (× {multiplier.normalize():f})",
                    quantity=overtime,
                    rate=premium,
                    amount=quantize(overtime * premium, currency),
                )
            )
        return
    amount, days = monthly_pay(wage, first, last)
    slip.earnings.append(
        Earning(
            code="salary",
            label=f"Salary ({span})",
            quantity=Decimal(days),
            rate=wage,
            amount=quantize(amount, currency),
        )
    )
    if overtime and multiplier > 0:
        week = await _weekly_hours(conn, contract["schedule_id"])
        rate = (wage * _MONTHS / _WEEKS / week * multiplier).quantize(Decimal("0.000001"))
        slip.overtime_hours += overtime
        slip.earnings.append(
            Earning(
                code="overtime",
                label=f"Overtime (× {multiplier.normalize():f})",
                quantity=overtime,
                rate=rate,
                amount=quantize(overtime * rate, currency),
            )
        )


_CONTRACTS = """
select c.id, c.employee_id, c.start_date, c.end_date, c.wage, c.currency, c.wage_type,
       c.overtime_rate, coalesce(c.working_schedule_id, e.working_schedule_id) as schedule_id,
       e.name, e.country, e.hire_date, e.termination_date
from hr_contract c join hr_employee e on e.id = c.employee_id
where c.state in ('running', 'ended') and c.start_date <= $2
  and (c.end_date is null or c.end_date >= $1)
order by e.name, e.id, c.start_date, c.id
"""


async def _slips(
    conn: Connection, period_start: date, period_end: date, currency: str, settings: HrSettings
) -> tuple[list[Slip], list[dict[str, str]]]:
    slips: dict[UUID, Slip] = {}
    skipped: list[dict[str, str]] = []
    default_multiplier = Decimal(settings.overtime_multiplier)
    for contract in await conn.fetch(_CONTRACTS, period_start, period_end):
        first = max(d for d in (period_start, contract["start_date"], contract["hire_date"]) if d)
        last = min(d for d in (period_end, contract["end_date"], contract["termination_date"]) if d)
        if first > last:
            continue
        if contract["currency"].strip() != currency:
            skipped.append(
                {
                    "employee_id": str(contract["employee_id"]),
                    "reason": f"contract in {contract['currency']}, not {currency}",
                }
            )
            continue
        slip = slips.get(contract["employee_id"])
        if slip is None:
            slip = slips[contract["employee_id"]] = Slip(
                employee_id=contract["employee_id"],
                name=contract["name"],
                country=(contract["country"] or "").strip() or settings.country,
            )
        multiplier = contract["overtime_rate"]
        if multiplier is None:
            multiplier = default_multiplier
        await _contract_earnings(conn, slip, contract, first, last, multiplier)
    return list(slips.values()), skipped


def _rule_lines(lines: list[PayLine], currency: str, key: str) -> list[PayLine]:
    kept = []
    for line in lines:
        if (
            not isinstance(line, PayLine)
            or line.kind not in ("deduction", "employer_cost")
            or line.liability not in LIABILITIES
        ):
            conflict(f"the payroll rule set {key} returned a malformed line")
        try:
            amount = quantize(Decimal(line.amount), currency)
        except (InvalidOperation, TypeError, ValueError):
            conflict(f"the payroll rule set {key} returned a malformed amount")
        if not amount.is_finite() or amount < 0:
            conflict(f"the payroll rule set {key} returned a negative amount")
        rate = line.rate
        if rate is not None and not (isinstance(rate, Decimal) and abs(rate) < _TOO_LARGE):
            rate = None
        if amount:
            kept.append(
                PayLine(
                    kind=line.kind,
                    code=str(line.code)[:40],
                    label=str(line.label)[:200],
                    amount=amount,
                    liability=line.liability,
                    rate=rate,
                )
            )
    return kept


async def _next_number(conn: Connection, year: int) -> str:
    start = f"PR/{year}/"
    last = await conn.fetchval(
        "select max(substr(number, $2)::int) from hr_payrun where number like $1 || '%' "
        "and substr(number, $2) ~ '^[0-9]+$'",
        start,
        len(start) + 1,
    )
    return f"{start}{(last or 0) + 1:04d}"


async def draft_payrun(
    conn: Connection,
    *,
    period_start: date,
    period_end: date,
    pay_date: date,
    currency: str | None,
    settings: HrSettings,
) -> tuple[UUID, list[dict[str, str]]]:
    """Draft a pay run for the period and write its payslips; return its id and who was skipped.

    Raises:
        ValidationException: 422 for a malformed period or pay date.
        HTTPException: 409 when an approved run overlaps the period, the pinned rule set is
            not registered, or a rule set leaves a net below zero. A period nobody has a
            contract in drafts an empty run (which cannot be approved).
    """
    _check_period(period_start, period_end, pay_date)
    currency = currency or settings.currency
    overlap = await conn.fetchval(
        "select number from hr_payrun where state = 'approved' and period_start <= $2 "
        "and period_end >= $1 limit 1",
        period_start,
        period_end,
    )
    if overlap:
        conflict(f"the approved pay run {overlap} already pays part of this period")
    found = rule_sets()
    if settings.payroll_rule_set is not None and settings.payroll_rule_set not in found:
        conflict(f"the payroll rule set {settings.payroll_rule_set} is not installed")
    slips, skipped = await _slips(conn, period_start, period_end, currency, settings)
    rates = _rates(settings)
    payrun_id = new_id()
    number = await _next_number(conn, period_start.year)
    await conn.execute(
        "insert into hr_payrun (id, number, period_start, period_end, pay_date, currency) "
        "values ($1, $2, $3, $4, $5, $6)",
        payrun_id,
        number,
        period_start,
        period_end,
        pay_date,
        currency,
    )
    totals: defaultdict[str, Decimal] = defaultdict(Decimal)
    for slip in slips:
        gross = sum((earning.amount for earning in slip.earnings), _ZERO)
        rule_set = rule_set_for(found, slip.country, settings.payroll_rule_set)
        facts = PayrollFacts(
            employee_id=slip.employee_id,
            employee_name=slip.name,
            country=slip.country,
            currency=currency,
            period_start=period_start,
            period_end=period_end,
            pay_date=pay_date,
            wage_type=slip.wage_types.pop() if len(slip.wage_types) == 1 else "mixed",
            days_employed=len(slip.days),
            hours=slip.hours,
            overtime_hours=slip.overtime_hours,
            rates=rates,
        )
        try:
            made = list(rule_set.lines(gross, facts))
        except Exception as error:  # a country plugin's bug must not answer a 500
            conflict(f"the payroll rule set {rule_set.key} failed: {type(error).__name__}")
        lines = _rule_lines(made, currency, rule_set.key)
        deductions = sum((x.amount for x in lines if x.kind == "deduction"), _ZERO)
        employer = sum((x.amount for x in lines if x.kind == "employer_cost"), _ZERO)
        net = gross - deductions
        if net < 0:
            conflict(f"the deductions of {slip.name} exceed their gross pay")
        figures = (e.rate or _ZERO for e in slip.earnings)
        if max(gross, employer, *figures) >= _TOO_LARGE:
            conflict(f"the pay of {slip.name} is too large to book")
        slip_id = new_id()
        await conn.execute(
            "insert into hr_payslip (id, payrun_id, employee_id, employee_name, country, "
            "rule_set, currency, days_employed, hours, overtime_hours, gross, deductions, net, "
            "employer_costs) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            slip_id,
            payrun_id,
            slip.employee_id,
            slip.name,
            slip.country,
            rule_set.key,
            currency,
            facts.days_employed,
            slip.hours,
            slip.overtime_hours,
            gross,
            deductions,
            net,
            employer,
        )
        position = 0
        for earning in slip.earnings:
            position += 1
            await conn.execute(
                "insert into hr_payslip_line (id, payslip_id, position, kind, code, label, "
                "quantity, rate, amount) values ($1, $2, $3, 'earning', $4, $5, $6, $7, $8)",
                new_id(),
                slip_id,
                position,
                earning.code,
                earning.label,
                earning.quantity,
                earning.rate,
                earning.amount,
            )
        for line in lines:
            position += 1
            await conn.execute(
                "insert into hr_payslip_line (id, payslip_id, position, kind, code, label, "
                "rate, amount, liability) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                new_id(),
                slip_id,
                position,
                line.kind,
                line.code,
                line.label,
                line.rate,
                line.amount,
                line.liability,
            )
        totals["gross"] += gross
        totals["deductions"] += deductions
        totals["net"] += net
        totals["employer_costs"] += employer
    await conn.execute(
        "update hr_payrun set employees = $2, gross = $3, deductions = $4, net = $5, "
        "employer_costs = $6 where id = $1",
        payrun_id,
        len(slips),
        totals["gross"],
        totals["deductions"],
        totals["net"],
        totals["employer_costs"],
    )
    return payrun_id, skipped


async def delete_payrun(conn: Connection, payrun_id: UUID) -> None:
    """Delete a draft run and its payslips; 404 when missing, 409 when approved."""
    state = await conn.fetchval("select state from hr_payrun where id = $1 for update", payrun_id)
    if state is None:
        not_found()
    if state != "draft":
        conflict("an approved pay run is locked: it cannot be deleted")
    await conn.execute("delete from hr_payrun where id = $1", payrun_id)


def _money(amount: Decimal, currency: str) -> str:
    return f"{quantize(amount, currency):f}"


async def journal_lines(conn: Connection, run: Mapping[str, Any]) -> list[PayrunJournalLine]:
    """The balanced journal of a run: Dr expenses; Cr liabilities and net pay payable."""
    currency = run["currency"].strip()
    owed = await conn.fetch(
        "select l.liability, sum(l.amount) as amount from hr_payslip_line l "
        "join hr_payslip s on s.id = l.payslip_id where s.payrun_id = $1 "
        "and l.liability is not null group by l.liability",
        run["id"],
    )
    by_liability = {row["liability"]: row["amount"] for row in owed}
    zero = _money(_ZERO, currency)
    lines: list[PayrunJournalLine] = []
    if run["gross"]:
        lines.append(
            PayrunJournalLine(
                account="wages_expense",
                debit=_money(run["gross"], currency),
                credit=zero,
                description="Gross pay",
            )
        )
    if run["employer_costs"]:
        lines.append(
            PayrunJournalLine(
                account="employer_costs_expense",
                debit=_money(run["employer_costs"], currency),
                credit=zero,
                description="Employer costs",
            )
        )
    for liability in LIABILITIES:
        amount = by_liability.get(liability)
        if amount:
            lines.append(
                PayrunJournalLine(
                    account=liability,  # type: ignore[arg-type]
                    debit=zero,
                    credit=_money(amount, currency),
                    description=_LIABILITY_TEXT[liability],
                )
            )
    if run["net"]:
        lines.append(
            PayrunJournalLine(
                account="wages_payable",
                debit=zero,
                credit=_money(run["net"], currency),
                description="Net pay payable",
            )
        )
    return lines


async def approve_payrun(conn: Connection, events: EventPublisher, payrun_id: UUID) -> None:
    """Approve a draft run: lock it and publish ``hr.payrun.posted.v1`` with its journal.

    Raises:
        HTTPException: 404 when missing (or another tenant's), 409 when approved already or
            when it pays nobody.
    """
    run = await conn.fetchrow("select * from hr_payrun where id = $1 for update", payrun_id)
    if run is None:
        not_found()
    if run["state"] != "draft":
        conflict(f"the pay run {run['number']} is approved already")
    if not run["employees"]:
        conflict(f"the pay run {run['number']} pays nobody: delete it")
    await conn.execute(
        "update hr_payrun set state = 'approved', approved_at = now() where id = $1", payrun_id
    )
    posted = PayrunPosted(
        payrun_id=payrun_id,
        number=run["number"],
        period_start=run["period_start"],
        period_end=run["period_end"],
        pay_date=run["pay_date"],
        currency=run["currency"].strip(),
        lines=await journal_lines(conn, run),
        employees=run["employees"],
    )
    await events.publish(conn, type=PAYRUN_POSTED.type, data=posted, subject=str(payrun_id))
