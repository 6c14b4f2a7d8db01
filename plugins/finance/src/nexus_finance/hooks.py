"""Finance's public hooks: how a country plugin adds its tax return.

A tax return is a :class:`TaxReturn`: a key, a country, a title, a description and a
**pure function** from the tax summary (:class:`TaxSummary`: taxable base and tax per tax,
in the company currency, over the period asked, on the tenant's basis) to the return's
boxes. Finance computes the summary from the ledger; the country plugin writes no SQL.

A plugin, first- or third-party, implements the hook ``finance_tax_returns`` and declares
the module in the entry-point group ``nexus_finance``; Finance loads that group once, the
first time it needs a return, with pluggy's ``load_setuptools_entrypoints``. Its own UK
VAT return is registered through the same hook. Example::

    # pyproject.toml of the plugin
    [project.entry-points.nexus_finance]
    ie_vat = "nexus_finance_ie.returns"

    # nexus_finance_ie/returns.py
    from nexus_finance.hooks import Box, TaxReturn, TaxSummary, hookimpl

    def boxes(summary: TaxSummary) -> list[Box]:
        return [
            Box("T1", "VAT on sales", summary.tax(scope="sale")),
            Box("T2", "VAT on purchases", summary.tax(scope="purchase")),
        ]

    @hookimpl
    def finance_tax_returns(register):
        register(TaxReturn(key="ie_vat3", country="IE", title="VAT3 return",
                           description="The bimonthly VAT3 return.", boxes=boxes))

The return then appears in ``GET /api/v1/finance/tax-returns`` for tenants whose
``country`` setting is ``IE``, and ``GET /tax-returns/ie_vat3?date_from=&date_to=`` answers
its boxes. When two plugins register the same key, the one registered last wins, so a
plugin can replace the built-in return of its country.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import pluggy
import structlog

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date
    from uuid import UUID

__all__ = (
    "ENTRY_POINT_GROUP",
    "PROJECT_NAME",
    "Box",
    "TaxLine",
    "TaxReturn",
    "TaxReturnSpec",
    "TaxSummary",
    "hookimpl",
    "hookspec",
    "plugin_manager",
    "tax_returns",
)

PROJECT_NAME = "nexus_finance"
"""The pluggy project name of Finance's own hooks (not the kernel's ``nexus``)."""

ENTRY_POINT_GROUP = "nexus_finance"
"""The entry-point group Finance loads country plugins from."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks a Finance hook specification."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin function as the implementation of a Finance hook."""

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ZERO = Decimal(0)
_log = structlog.get_logger("nexus_finance.hooks")


@dataclass(frozen=True, kw_only=True)
class TaxLine:
    """One row of the tax summary: what one tax (or no tax) applied to, in a scope.

    Attributes:
        scope: ``sale`` (output tax) or ``purchase`` (input tax).
        tax_id: The tax; ``None`` for lines without a tax (untaxed).
        name: The tax's name (``No tax`` for untaxed lines).
        rate: The tax's rate in percent; ``None`` for untaxed lines.
        tags: The tax's report tags (``reverse_charge``, ``eu_goods_supply``…).
        self_assessed: A purchase tax the buyer accounts for (``reverse_charge`` or
            ``eu_goods_acquisition``): the document charged none, ``tax`` is the tax at the
            tax's rate, due and reclaimable at once.
        base: The taxable base (net amount), credit notes negative, in the company currency.
        tax: The tax, credit notes negative, in the company currency.
    """

    scope: Literal["sale", "purchase"]
    tax_id: UUID | None
    name: str
    rate: Decimal | None
    tags: frozenset[str]
    self_assessed: bool
    base: Decimal
    tax: Decimal


@dataclass(frozen=True, kw_only=True)
class TaxSummary:
    """The tax summary a return's boxes are computed from.

    Attributes:
        basis: ``accrual`` (documents by date) or ``cash`` (in proportion to what was paid,
            on the payment date).
        currency: The company currency every amount is in.
        date_from: The first day of the period.
        date_to: The last day of the period.
        lines: One line per scope and tax (and one per scope for untaxed lines).
    """

    basis: Literal["accrual", "cash"]
    currency: str
    date_from: date
    date_to: date
    lines: tuple[TaxLine, ...] = ()

    def select(
        self,
        *,
        scope: str | None = None,
        tag: str | None = None,
        self_assessed: bool | None = None,
    ) -> list[TaxLine]:
        """The lines of ``scope``, carrying ``tag``, (not) self-assessed — each when given."""
        return [
            line
            for line in self.lines
            if (scope is None or line.scope == scope)
            and (tag is None or tag in line.tags)
            and (self_assessed is None or line.self_assessed == self_assessed)
        ]

    def base(
        self, *, scope: str | None = None, tag: str | None = None, self_assessed: bool | None = None
    ) -> Decimal:
        """The sum of the taxable bases of the lines :meth:`select` picks."""
        lines = self.select(scope=scope, tag=tag, self_assessed=self_assessed)
        return sum((line.base for line in lines), _ZERO)

    def tax(
        self, *, scope: str | None = None, tag: str | None = None, self_assessed: bool | None = None
    ) -> Decimal:
        """The sum of the tax of the lines :meth:`select` picks."""
        lines = self.select(scope=scope, tag=tag, self_assessed=self_assessed)
        return sum((line.tax for line in lines), _ZERO)


@dataclass(frozen=True)
class Box:
    """One box of a tax return: its number, label and amount (rounded as the return wants)."""

    number: str
    label: str
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class TaxReturn:
    """A country's tax return: what it is, and how its boxes follow from the tax summary.

    Attributes:
        key: Its key in the API (``gb_vat``): lower case letters, digits and ``_``.
        country: The ISO 3166-1 alpha-2 country whose companies file it (``GB``).
        title: Its name (``VAT return``).
        description: What it covers, and how its boxes are rounded.
        boxes: A pure function from the tax summary to the boxes, in order.
        currency: The currency the return is filed in, when it must be the company
            currency (a company keeping its books in another gets a 409); ``None`` for any.
    """

    key: str
    country: str
    title: str
    description: str
    boxes: Callable[[TaxSummary], Sequence[Box]] = field(repr=False)
    currency: str | None = None

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(f"a tax return key is lower case letters, digits and _: {self.key!r}")
        if not _COUNTRY.match(self.country):
            raise ValueError(f"a tax return's country is ISO 3166-1 alpha-2: {self.country!r}")


class TaxReturnSpec:
    """Finance's hook specifications."""

    @hookspec
    def finance_tax_returns(self, register: Callable[[TaxReturn], None]) -> None:
        """Register the tax returns this plugin adds: call ``register(TaxReturn(...))``."""


_manager: pluggy.PluginManager | None = None
_lock = threading.Lock()


def plugin_manager() -> pluggy.PluginManager:
    """Finance's plugin manager: its own UK return, then the ``nexus_finance`` entry points.

    Made once, on first use. A test may register a plugin object on it (and unregister it).
    """
    global _manager  # noqa: PLW0603 - loaded lazily, once per process
    with _lock:
        if _manager is None:
            from nexus_finance import _uk_vat

            manager = pluggy.PluginManager(PROJECT_NAME)
            manager.add_hookspecs(TaxReturnSpec)
            manager.register(_uk_vat, name="nexus_finance.uk_vat")
            manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
            _manager = manager
        return _manager


def tax_returns() -> dict[str, TaxReturn]:
    """Every registered tax return by key; a plugin whose hook fails is logged and skipped."""
    found: dict[str, TaxReturn] = {}
    # pluggy lists implementations oldest first; a later plugin replaces an earlier key.
    for impl in plugin_manager().hook.finance_tax_returns.get_hookimpls():
        made: list[TaxReturn] = []
        try:
            impl.function(register=made.append)
        except Exception:  # a broken country plugin must not take the others down
            _log.exception("finance_tax_returns_failed", plugin=impl.plugin_name)
            continue
        for tax_return in made:
            if isinstance(tax_return, TaxReturn):
                found[tax_return.key] = tax_return
            else:
                _log.warning("finance_tax_return_ignored", plugin=impl.plugin_name)
    return found
