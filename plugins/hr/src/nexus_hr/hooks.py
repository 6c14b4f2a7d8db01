"""HR's public hooks: how a country plugin adds its payroll rules (deductions, employer costs).

Payroll in Nexus is payroll *journals*, not a payroll engine: HR computes each employee's
gross pay from their contracts and approved time, and a **rule set** turns that gross into
the lines of deductions (withheld from the employee's pay) and employer costs (paid on top),
each naming the liability it goes to (``tax_payable``, ``pension_payable``,
``other_payable``). A rule set is a :class:`PayrollRuleSet`: a key, a country, a title, a
description and a **pure function** ``(gross, facts) → lines`` (:class:`PayrollFacts`,
:class:`PayLine`). HR rounds each line to the currency's minor unit, stores it on the
payslip and books it through ``hr.payrun.posted.v1``; the rule set writes no SQL.

A plugin, first- or third-party, implements the hook ``hr_payroll_rules`` and declares the
module in the entry-point group ``nexus_hr``; HR loads that group once, the first time it
needs a rule set, with pluggy's ``load_setuptools_entrypoints``. Its own ``generic`` rule
set (flat rates from the tenant's HR settings) is registered through the same hook.
Example, a third-party ``nexus-payroll-ng``::

    # pyproject.toml of the plugin
    [project.entry-points.nexus_hr]
    ng_paye = "nexus_payroll_ng.rules"

    # nexus_payroll_ng/rules.py
    from decimal import Decimal
    from nexus_hr.hooks import PayLine, PayrollFacts, PayrollRuleSet, hookimpl

    def lines(gross: Decimal, facts: PayrollFacts) -> list[PayLine]:
        pension = gross * Decimal("0.08")
        return [
            PayLine(kind="deduction", code="pension", label="Pension (8 %)",
                    amount=pension, liability="pension_payable", rate=Decimal(8)),
            PayLine(kind="deduction", code="paye", label="PAYE",
                    amount=(gross - pension) * Decimal("0.07"), liability="tax_payable"),
            PayLine(kind="employer_cost", code="pension_er", label="Employer pension (10 %)",
                    amount=gross * Decimal("0.10"), liability="pension_payable",
                    rate=Decimal(10)),
        ]

    @hookimpl
    def hr_payroll_rules(register):
        register(PayrollRuleSet(key="ng_paye", country="NG", title="Nigeria PAYE and pension",
                                description="PAYE and the contributory pension scheme.",
                                lines=lines))

Employees working in ``NG`` (the employee's country, else the tenant's) are then paid with
it; a tenant may pin one rule set for everyone with the HR setting ``payroll_rule_set``.
``GET /api/v1/hr/payroll/rule-sets`` lists what is registered. When two plugins register the
same key, the one registered last wins, so a plugin can replace a built-in rule set.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pluggy
import structlog

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import date
    from decimal import Decimal
    from uuid import UUID

__all__ = (
    "ENTRY_POINT_GROUP",
    "LIABILITIES",
    "PROJECT_NAME",
    "Liability",
    "PayLine",
    "PayrollFacts",
    "PayrollRuleSet",
    "PayrollRulesSpec",
    "hookimpl",
    "hookspec",
    "plugin_manager",
    "rule_set_for",
    "rule_sets",
)

PROJECT_NAME = "nexus_hr"
"""The pluggy project name of HR's own hooks (not the kernel's ``nexus``)."""

ENTRY_POINT_GROUP = "nexus_hr"
"""The entry-point group HR loads payroll rule plugins from."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks an HR hook specification."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin function as the implementation of an HR hook."""

Liability = Literal["tax_payable", "pension_payable", "other_payable"]
"""The liability a deduction or an employer cost is owed on (Finance maps it to an account)."""

LIABILITIES: tuple[str, ...] = ("tax_payable", "pension_payable", "other_payable")

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_log = structlog.get_logger("nexus_hr.hooks")


@dataclass(frozen=True, kw_only=True)
class PayrollFacts:
    """What a rule set knows about one employee's pay in one run.

    Attributes:
        employee_id: The employee.
        employee_name: Their name.
        country: The country they work in (the employee's, else the tenant's), if known.
        currency: The run's currency (every amount is in it).
        period_start: The first day of the run's period.
        period_end: The last day of the run's period.
        pay_date: The day the run is paid.
        wage_type: ``monthly``, ``hourly`` or ``mixed`` (contracts of both kinds in the period).
        days_employed: Calendar days of the period the employee had a contract.
        hours: Approved hours in the period (hourly contracts).
        overtime_hours: Approved overtime hours counted in the period.
        rates: The tenant's payroll rates from its HR settings, in percent:
            ``tax_withholding_percent``, ``pension_employee_percent``,
            ``pension_employer_percent``.
    """

    employee_id: UUID
    employee_name: str
    country: str | None
    currency: str
    period_start: date
    period_end: date
    pay_date: date
    wage_type: str
    days_employed: int
    hours: Decimal
    overtime_hours: Decimal
    rates: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class PayLine:
    """A deduction or an employer cost a rule set adds to a payslip.

    Attributes:
        kind: ``deduction`` (withheld from the gross: lowers the net) or ``employer_cost``
            (paid by the employer on top of the gross).
        code: A short code (``paye``, ``pension``).
        label: What the payslip shows.
        amount: The amount, not negative; HR rounds it to the currency's minor unit and
            leaves out lines that round to zero.
        liability: Where it is owed: ``tax_payable``, ``pension_payable`` or
            ``other_payable``.
        rate: The rate in percent it was computed at, shown on the payslip, if any.
    """

    kind: Literal["deduction", "employer_cost"]
    code: str
    label: str
    amount: Decimal
    liability: Liability
    rate: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class PayrollRuleSet:
    """A country's payroll rules: what it is, and how the lines follow from the gross.

    Attributes:
        key: Its key (``ng_paye``): lower case letters, digits and ``_``.
        country: The ISO 3166-1 alpha-2 country whose employees it pays (``NG``); ``None``
            for a rule set any country may use (the built-in ``generic``).
        title: Its name.
        description: What it covers.
        lines: A pure function from the gross pay and the facts to the lines, in order.
    """

    key: str
    country: str | None
    title: str
    description: str
    lines: Callable[[Decimal, PayrollFacts], Sequence[PayLine]] = field(repr=False)

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(f"a rule set key is lower case letters, digits and _: {self.key!r}")
        if self.country is not None and not _COUNTRY.match(self.country):
            raise ValueError(f"a rule set's country is ISO 3166-1 alpha-2: {self.country!r}")


class PayrollRulesSpec:
    """HR's hook specifications."""

    @hookspec
    def hr_payroll_rules(self, register: Callable[[PayrollRuleSet], None]) -> None:
        """Register the payroll rule sets this plugin adds: ``register(PayrollRuleSet(...))``."""


_manager: pluggy.PluginManager | None = None
_lock = threading.Lock()


def plugin_manager() -> pluggy.PluginManager:
    """HR's plugin manager: its own generic rule set, then the ``nexus_hr`` entry points.

    Made once, on first use. A test may register a plugin object on it (and unregister it).
    """
    global _manager  # noqa: PLW0603 - loaded lazily, once per process
    with _lock:
        if _manager is None:
            from nexus_hr import _generic_payroll

            manager = pluggy.PluginManager(PROJECT_NAME)
            manager.add_hookspecs(PayrollRulesSpec)
            manager.register(_generic_payroll, name="nexus_hr.generic_payroll")
            manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
            _manager = manager
        return _manager


def rule_sets() -> dict[str, PayrollRuleSet]:
    """Every registered rule set by key; a plugin whose hook fails is logged and skipped."""
    found: dict[str, PayrollRuleSet] = {}
    # pluggy lists implementations oldest first; a later plugin replaces an earlier key.
    for impl in plugin_manager().hook.hr_payroll_rules.get_hookimpls():
        made: list[PayrollRuleSet] = []
        try:
            impl.function(register=made.append)
        except Exception:  # a broken country plugin must not take the others down
            _log.exception("hr_payroll_rules_failed", plugin=impl.plugin_name)
            continue
        for rule_set in made:
            if isinstance(rule_set, PayrollRuleSet):
                found[rule_set.key] = rule_set
            else:
                _log.warning("hr_payroll_rule_set_ignored", plugin=impl.plugin_name)
    return found


def rule_set_for(
    found: Mapping[str, PayrollRuleSet], country: str | None, pinned: str | None = None
) -> PayrollRuleSet:
    """The rule set that pays an employee of ``country``.

    ``pinned`` (the tenant's ``payroll_rule_set``) when given; else the last rule set
    registered for the country; else ``generic``.

    Raises:
        KeyError: when ``pinned`` is not registered.
    """
    if pinned is not None:
        return found[pinned]
    chosen = None
    for rule_set in found.values():
        if country is not None and rule_set.country == country:
            chosen = rule_set
    return chosen or found["generic"]
