"""The CRM's tools for the tenant's assistants (``nexus_ai_tools``): search, deal history.

Each reuses the code behind the REST routes (``_search.search``, ``_deals.load_deal``,
``_deals.stage_history``), so a tool sees what the same caller sees through the API. The
records ``nexus://crm/contacts/{id}`` and ``nexus://crm/deals/{id}`` are readable
resources (contract 0.1.6), and ``crm.deals.summarize`` a prompt built from a deal's
history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import Prompt, Resource, ResourceItem, ServiceContext, Tool, hookimpl

from nexus_crm._contacts import load_contact
from nexus_crm._deals import load_deal, stage_history
from nexus_crm._keys import CONTACTS_READ, DEALS_READ
from nexus_crm._search import SearchHit, SearchKind, search

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("DealHistory", "SearchContacts", "SummarizeDeal", "nexus_ai_tools")


class SearchContacts(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Words to look for in contacts' and companies' names, emails and notes."""

    query: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: SearchKind | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=50)] = 10


class DealHistory(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The deal whose history to summarize."""

    deal_id: UUID


class SummarizeDeal(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The deal to summarize."""

    deal_id: Annotated[UUID, msgspec.Meta(description="The deal's id.")]


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


async def _read_contact(record_id: str, ctx: ServiceContext) -> Any:
    contact_id = _uuid(record_id)
    return None if contact_id is None else await load_contact(ctx.conn, contact_id)


async def _browse_contacts(limit: int, ctx: ServiceContext) -> list[ResourceItem]:
    rows = await ctx.conn.fetch(
        "select id, first_name, last_name from crm_contact order by updated_at desc, id limit $1",
        limit,
    )
    return [
        ResourceItem(id=str(r["id"]), title=f"{r['first_name']} {r['last_name']}".strip())
        for r in rows
    ]


async def _read_deal(record_id: str, ctx: ServiceContext) -> Any:
    deal_id = _uuid(record_id)
    if (
        deal_id is None
        or await ctx.conn.fetchval("select id from crm_deal where id = $1", deal_id) is None
    ):
        return None
    return await _deal_history(DealHistory(deal_id=deal_id), ctx)


async def _browse_deals(limit: int, ctx: ServiceContext) -> list[ResourceItem]:
    rows = await ctx.conn.fetch(
        "select id, title from crm_deal order by updated_at desc, id limit $1", limit
    )
    return [ResourceItem(id=str(r["id"]), title=r["title"]) for r in rows]


async def _summarize_deal(data: SummarizeDeal, ctx: ServiceContext) -> str:
    deal = await load_deal(ctx.conn, data.deal_id)
    moves = await stage_history(ctx.conn, data.deal_id)
    lines = [
        f'Summarize the history of the deal "{deal.title}" for a colleague taking it '
        "over: where it stands, how it got there, and what should happen next.",
        f"Amount: {deal.amount} {deal.currency}; stage: {deal.stage} "
        f"({deal.probability}%); status: {deal.status.value}; expected close: "
        f"{deal.expected_close or 'not set'}.",
    ]
    lines += [f"- {line.description}: {line.quantity} x {line.unit_price}" for line in deal.lines]
    lines.append("Its moves between stages, oldest first:")
    lines += [
        f"- {move.changed_at:%Y-%m-%d}: {move.from_stage or 'start'} -> {move.to_stage} "
        f"({move.status.value}) by {move.actor or 'someone'}"
        for move in moves
    ]
    return "\n".join(lines)


async def _search(data: SearchContacts, ctx: ServiceContext) -> list[SearchHit]:
    return await search(ctx.conn, data.query, kind=data.kind, limit=data.limit)


async def _deal_history(data: DealHistory, ctx: ServiceContext) -> dict[str, Any]:
    deal = await load_deal(ctx.conn, data.deal_id)
    return {"deal": deal, "stage_history": await stage_history(ctx.conn, data.deal_id)}


@hookimpl
def nexus_ai_tools(register: Callable[[Tool | Resource | Prompt], None]) -> None:
    """Offer contact search, a deal's history, the records and a deal summary prompt."""
    register(
        Tool(
            name="crm.contacts.search",
            description="Finds contacts and companies by name, email or notes, best first.",
            input=SearchContacts,
            permission=CONTACTS_READ,
            handler=_search,
        )
    )
    register(
        Tool(
            name="crm.deals.history",
            description="A deal with every move between stages and change of status.",
            input=DealHistory,
            permission=DEALS_READ,
            handler=_deal_history,
        )
    )
    register(
        Resource(
            name="crm.contacts",
            description="A contact: name, email, phone, job title, company and notes.",
            permission=CONTACTS_READ,
            read=_read_contact,
            browse=_browse_contacts,
        )
    )
    register(
        Resource(
            name="crm.deals",
            description="A deal with its lines and every move between stages.",
            permission=DEALS_READ,
            read=_read_deal,
            browse=_browse_deals,
        )
    )
    register(
        Prompt(
            name="crm.deals.summarize",
            description="Summarize a deal's history: where it stands and what comes next.",
            arguments=SummarizeDeal,
            permission=DEALS_READ,
            render=_summarize_deal,
        )
    )
