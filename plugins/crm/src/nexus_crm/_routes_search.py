"""One search box over contacts and companies."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter
from nexus_hookspecs.http import Db, route_opt

from nexus_crm._keys import CONTACTS_READ
from nexus_crm._search import SearchHit, SearchKind, search

__all__ = ("SearchController",)


class SearchResults(msgspec.Struct, kw_only=True):
    """The hits for a query, best first (at most ``limit``)."""

    items: list[SearchHit]


class SearchController(Controller):
    """One search box over contacts and companies."""

    path = "/search"
    tags = ["crm: search"]

    @get(
        "/",
        summary="Search contacts and companies",
        opt=route_opt(permission=CONTACTS_READ),
    )
    async def search(
        self,
        db: Db,
        q: Annotated[
            str,
            QueryParameter(
                description="Words to find; each matches as a prefix, all must match.",
                min_length=1,
                max_length=200,
            ),
        ],
        kind: Annotated[
            SearchKind | None, QueryParameter(description="Only contacts or only companies.")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> SearchResults:
        """Full-text search by name, email, phone, domain, city, job title and notes."""
        async with db.transaction() as conn:
            return SearchResults(items=await search(conn, q, kind=kind, limit=limit))
