"""What a plan is: its name, where its tenants live, and the limits they are held to."""

from __future__ import annotations

import enum
from typing import Annotated

import msgspec
from msgspec import Meta

__all__ = ("Placement", "Plan", "PlanError", "PlanLimits")

_SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
_PLUGIN = r"^[a-z][a-z0-9_]*$"


class Placement(enum.StrEnum):
    """Where a plan's tenants' data lives."""

    SHARED = "shared"
    DEDICATED = "dedicated"
    CLUSTERED = "clustered"
    GLOBAL = "global"


class PlanLimits(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A plan's limits; a limit left out (``null``) is no limit.

    Attributes:
        users: Seats: users of the tenant not disabled.
        storage_mib: Files stored through the kernel's file store, in MiB.
        api_rate: Requests per tenant, in ``limits`` notation (``600/minute``); instead of
            ``NEXUS_RATE_LIMIT_TENANT``.
        ai_tokens_per_month: Language-model tokens (in and out) per calendar month.
        plugins: The plugins a tenant may switch on; ``null`` is every installed plugin.
    """

    users: Annotated[int, Meta(ge=1)] | None = None
    storage_mib: Annotated[int, Meta(ge=1)] | None = None
    api_rate: Annotated[str, Meta(min_length=3, max_length=40)] | None = None
    ai_tokens_per_month: Annotated[int, Meta(ge=1)] | None = None
    plugins: list[Annotated[str, Meta(pattern=_PLUGIN)]] | None = None

    @property
    def storage_bytes(self) -> int | None:
        """``storage_mib`` in bytes."""
        return None if self.storage_mib is None else self.storage_mib * 1024 * 1024


class Plan(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One plan of the catalog, as its TOML file declares it and ``GET /api/v1/plans`` shows."""

    name: Annotated[str, Meta(pattern=_SLUG, description="unique across all plan packs")]
    title: Annotated[str, Meta(min_length=1, max_length=100)]
    description: Annotated[str, Meta(max_length=500)] = ""
    placement: Placement = Placement.SHARED
    limits: PlanLimits = PlanLimits()


class PlanError(Exception):
    """The plans catalog does not load: every problem found, one a line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
