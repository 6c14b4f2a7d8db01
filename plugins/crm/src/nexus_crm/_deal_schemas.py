"""The request and response bodies of the deal routes."""

from __future__ import annotations

import enum
from datetime import date, datetime  # noqa: TC003 - msgspec reads them at run time
from decimal import Decimal
from typing import Annotated
from uuid import UUID  # noqa: TC003

import msgspec
from nexus_hookspecs.http import Money, Quantity

__all__ = (
    "DealIn",
    "DealLineIn",
    "DealLineOut",
    "DealLoss",
    "DealMove",
    "DealOut",
    "DealPatch",
    "DealStageChange",
    "DealStatus",
)

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
Short = Annotated[str, msgspec.Meta(max_length=200)]


class DealStatus(enum.StrEnum):
    """Where a deal stands."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class DealLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A product or service line; ``product_id``/``sku`` name an inventory product if any."""

    description: Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=r"\S")]
    quantity: Quantity = Decimal(1)
    unit_price: Money
    product_id: UUID | None = None
    sku: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None


class DealLineOut(msgspec.Struct, kw_only=True):
    """A deal line; ``total`` = quantity × unit price at the currency's precision."""

    id: UUID
    description: str
    quantity: str
    unit_price: str
    total: str
    product_id: UUID | None
    sku: str | None


Lines = Annotated[list[DealLineIn], msgspec.Meta(max_length=200)]


class DealIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A deal.

    Without ``pipeline_id`` it goes to the default pipeline; without ``stage_id`` to the
    pipeline's first stage; without ``currency`` it takes the tenant's
    ``default_currency``. With ``lines``, ``amount`` is their total (give it or leave it).
    """

    title: Title
    amount: Money | None = None
    currency: Annotated[str, msgspec.Meta(min_length=3, max_length=3)] | None = None
    expected_close: date | None = None
    owner: Short | None = None
    pipeline_id: UUID | None = None
    stage_id: UUID | None = None
    company_id: UUID | None = None
    contact_id: UUID | None = None
    lines: Lines = msgspec.field(default_factory=list)


class DealPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of an open deal; a new ``stage_id`` moves it (recorded in its history)."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    amount: Money | None | msgspec.UnsetType = msgspec.UNSET
    currency: Annotated[str, msgspec.Meta(min_length=3, max_length=3)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    expected_close: date | None | msgspec.UnsetType = msgspec.UNSET
    owner: Short | None | msgspec.UnsetType = msgspec.UNSET
    pipeline_id: UUID | msgspec.UnsetType = msgspec.UNSET
    stage_id: UUID | msgspec.UnsetType = msgspec.UNSET
    company_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    contact_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    lines: Lines | msgspec.UnsetType = msgspec.UNSET


class DealOut(msgspec.Struct, kw_only=True):
    """A deal as the API shows it; money as decimal strings."""

    id: UUID
    title: str
    amount: str
    currency: str
    expected_close: date | None
    owner: str | None
    pipeline_id: UUID
    stage_id: UUID
    stage: str
    probability: int
    status: DealStatus
    lost_reason: str | None
    company_id: UUID | None
    contact_id: UUID | None
    closed_at: datetime | None
    lines: list[DealLineOut]
    created_at: datetime
    updated_at: datetime


class DealMove(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The stage to move an open deal to (in its pipeline, or in ``pipeline_id``'s)."""

    stage_id: UUID
    pipeline_id: UUID | None = None


class DealLoss(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Why the deal was lost."""

    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class DealStageChange(msgspec.Struct, kw_only=True):
    """One entry of a deal's history: a move between stages or a change of status."""

    id: UUID
    from_stage_id: UUID | None
    from_stage: str | None
    to_stage_id: UUID
    to_stage: str
    status: DealStatus
    actor: str | None
    changed_at: datetime
