"""A pipeline at a glance: open deals per stage, won and lost deals, per currency."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID  # noqa: TC003 - msgspec reads it at run time

import msgspec

from nexus_crm._validation import money_text

if TYPE_CHECKING:
    from decimal import Decimal

    from nexus_hookspecs import Connection

__all__ = ("DealTotal", "PipelineSummary", "StageSummary", "summarise")


class DealTotal(msgspec.Struct, kw_only=True):
    """Deals of one currency: how many, their amount, and the amount weighted by probability."""

    currency: str
    count: int
    amount: str
    weighted: str


class StageSummary(msgspec.Struct, kw_only=True):
    """The open deals in one stage, per currency."""

    stage_id: UUID
    name: str
    position: int
    probability: int
    count: int
    totals: list[DealTotal]


class PipelineSummary(msgspec.Struct, kw_only=True):
    """A pipeline at a glance, as a kanban board's column heads show it.

    Open deals per stage, and the won and lost deals, each per currency (money is never
    added across currencies).
    """

    pipeline_id: UUID
    stages: list[StageSummary]
    won: list[DealTotal]
    lost: list[DealTotal]


_STAGE_TOTALS = """
select s.id, s.name, s.position, s.probability, d.currency, count(d.id) as count,
       coalesce(sum(d.amount), 0) as amount
  from crm_stage s
  left join crm_deal d
    on d.tenant_id = s.tenant_id and d.stage_id = s.id and d.status = 'open'
 where s.pipeline_id = $1
 group by s.id, s.name, s.position, s.probability, d.currency
 order by s.position, s.id, d.currency
"""
_CLOSED_TOTALS = """
select status, currency, count(*) as count, sum(amount) as amount
  from crm_deal where pipeline_id = $1 and status <> 'open'
 group by status, currency order by status, currency
"""


def _total(currency: str, count: int, amount: Decimal, probability: int) -> DealTotal:
    return DealTotal(
        currency=currency,
        count=count,
        amount=money_text(amount, currency),
        weighted=money_text(amount * probability / 100, currency),
    )


async def summarise(conn: Connection, pipeline_id: UUID) -> PipelineSummary:
    """Open deals per stage and closed deals per status, each per currency.

    The caller checks that the pipeline exists (a missing one gives empty totals).
    """
    stages: dict[UUID, StageSummary] = {}
    for row in await conn.fetch(_STAGE_TOTALS, pipeline_id):
        stage = stages.setdefault(
            row["id"],
            StageSummary(
                stage_id=row["id"],
                name=row["name"],
                position=row["position"],
                probability=row["probability"],
                count=0,
                totals=[],
            ),
        )
        if row["currency"] is not None:
            stage.count += row["count"]
            stage.totals.append(
                _total(row["currency"], row["count"], row["amount"], row["probability"])
            )
    closed: dict[str, list[DealTotal]] = {"won": [], "lost": []}
    for row in await conn.fetch(_CLOSED_TOTALS, pipeline_id):
        probability = 100 if row["status"] == "won" else 0
        closed[row["status"]].append(
            _total(row["currency"], row["count"], row["amount"], probability)
        )
    return PipelineSummary(pipeline_id=pipeline_id, stages=list(stages.values()), **closed)
