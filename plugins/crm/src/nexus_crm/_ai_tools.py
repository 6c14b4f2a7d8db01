"""The CRM's tools for the tenant's assistants (``nexus_ai_tools``): search, deal history.

Each reuses the code behind the REST routes (``_search.search``, ``_deals.load_deal``,
``_deals.stage_history``), so a tool sees what the same caller sees through the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl

from nexus_crm._deals import load_deal, stage_history
from nexus_crm._keys import CONTACTS_READ, DEALS_READ
from nexus_crm._search import SearchHit, SearchKind, search

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("DealHistory", "SearchContacts", "nexus_ai_tools")


class SearchContacts(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Words to look for in contacts' and companies' names, emails and notes."""

    query: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: SearchKind | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=50)] = 10


class DealHistory(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The deal whose history to summarize."""

    deal_id: UUID


async def _search(data: SearchContacts, ctx: ServiceContext) -> list[SearchHit]:
    return await search(ctx.conn, data.query, kind=data.kind, limit=data.limit)


async def _deal_history(data: DealHistory, ctx: ServiceContext) -> dict[str, Any]:
    deal = await load_deal(ctx.conn, data.deal_id)
    return {"deal": deal, "stage_history": await stage_history(ctx.conn, data.deal_id)}


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer contact search and a deal's history to the tenant's assistants."""
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
