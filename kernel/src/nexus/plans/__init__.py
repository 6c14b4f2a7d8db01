"""Plans, the limits they set, and the usage metered against them (docs/plans.md).

A plan is one TOML file in a plan pack (entry point group ``nexus.plans``; the first-party
pack is ``nexus_presets.plans``): where its tenants live and their limits — users, files,
request rate, language-model tokens, the plugins they may switch on. The kernel holds a
tenant to its plan (:class:`PlanGate`, :class:`PlanLimitExceeded`), meters its usage per
calendar month (:class:`UsageMeter`), reports it and closes periods
(``nexus.usage.period_closed.v1``).

Example::

    from nexus.plans import load_plans

    catalog = load_plans()
    catalog.get("starter").limits.users  # 3
"""

from __future__ import annotations

from nexus.plans._catalog import (
    DEFAULT_PLAN,
    ENTRY_POINT_GROUP,
    PlanCatalog,
    load_plans,
    load_plans_from,
)
from nexus.plans._close import TenantUsage, close_period, usage_report
from nexus.plans._enforce import PlanGate, PlanLimitExceeded
from nexus.plans._events import USAGE_PERIOD_CLOSED, USAGE_PERIOD_CLOSED_EVENT, UsagePeriodClosed
from nexus.plans._meter import AI_TOKENS, API_CALLS, UsageMeter, period_of
from nexus.plans._routes import USAGE_PERMISSION, PlanUsage, plan_routes
from nexus.plans._runtime import PlanRuntime
from nexus.plans._schema import Placement, Plan, PlanError, PlanLimits
from nexus.plans._usage import PERIOD_PATTERN, Usage, period_bounds, usage_of

__all__ = (
    "AI_TOKENS",
    "API_CALLS",
    "DEFAULT_PLAN",
    "ENTRY_POINT_GROUP",
    "PERIOD_PATTERN",
    "USAGE_PERIOD_CLOSED",
    "USAGE_PERIOD_CLOSED_EVENT",
    "USAGE_PERMISSION",
    "Placement",
    "Plan",
    "PlanCatalog",
    "PlanError",
    "PlanGate",
    "PlanLimitExceeded",
    "PlanLimits",
    "PlanRuntime",
    "PlanUsage",
    "TenantUsage",
    "Usage",
    "UsageMeter",
    "UsagePeriodClosed",
    "close_period",
    "load_plans",
    "load_plans_from",
    "period_bounds",
    "period_of",
    "plan_routes",
    "usage_of",
    "usage_report",
)
