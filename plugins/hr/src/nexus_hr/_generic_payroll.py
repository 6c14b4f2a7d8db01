"""The built-in ``generic`` payroll rule set: flat rates from the tenant's HR settings.

Registered through HR's own hook, ``hr_payroll_rules``, as a country plugin would be. It pays
any country with no rule set of its own: employee tax withheld at
``tax_withholding_percent`` of the gross, the employee's pension contribution at
``pension_employee_percent`` and the employer's at ``pension_employer_percent`` (all 0 by
default, so the net is the gross).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from nexus_hr.hooks import PayLine, PayrollFacts, PayrollRuleSet, hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("GENERIC", "generic_lines", "hr_payroll_rules")

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def generic_lines(gross: Decimal, facts: PayrollFacts) -> list[PayLine]:
    """Flat-rate tax withholding and pension contributions (employee and employer)."""
    tax = facts.rates.get("tax_withholding_percent", _ZERO)
    pension = facts.rates.get("pension_employee_percent", _ZERO)
    employer = facts.rates.get("pension_employer_percent", _ZERO)
    lines = []
    if tax:
        lines.append(
            PayLine(
                kind="deduction",
                code="tax",
                label="Tax withheld",
                amount=gross * tax / _HUNDRED,
                liability="tax_payable",
                rate=tax,
            )
        )
    if pension:
        lines.append(
            PayLine(
                kind="deduction",
                code="pension",
                label="Pension (employee)",
                amount=gross * pension / _HUNDRED,
                liability="pension_payable",
                rate=pension,
            )
        )
    if employer:
        lines.append(
            PayLine(
                kind="employer_cost",
                code="pension_employer",
                label="Pension (employer)",
                amount=gross * employer / _HUNDRED,
                liability="pension_payable",
                rate=employer,
            )
        )
    return lines


GENERIC = PayrollRuleSet(
    key="generic",
    country=None,
    title="Generic flat rates",
    description=(
        "Tax withheld and pension contributions at the flat rates of the HR settings "
        "(tax_withholding_percent, pension_employee_percent, pension_employer_percent)."
    ),
    lines=generic_lines,
)


@hookimpl
def hr_payroll_rules(register: Callable[[PayrollRuleSet], None]) -> None:
    """Register the generic rule set."""
    register(GENERIC)
