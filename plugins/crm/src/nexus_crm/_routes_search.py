"""Full-text search over contacts and companies (PostgreSQL ``tsvector`` + GIN).

Each word of the query matches as a prefix (``ada lov`` finds Ada Lovelace); all words
must match. Names are indexed with the ``simple`` configuration: no stemming, no stop
words, which suits names, emails and phone numbers in any language.
"""

from __future__ import annotations

import enum
from typing import Annotated
from uuid import UUID  # noqa: TC003 - msgspec reads it at run time

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter

from nexus_crm._common import Db

__all__ = ("SearchController", "search_condition", "ts_query")


def ts_query(text: str) -> str:
    """A ``to_tsquery`` string: every word of ``text`` as a quoted prefix, all required."""
    words = [word for word in text.split() if any(ch.isalnum() for ch in word)]
    quoted = ("'" + word.replace("\\", "\\\\").replace("'", "''") + "':*" for word in words[:16])
    return " & ".join(quoted)


def search_condition(alias: str, placeholder: int) -> str:
    """SQL matching ``alias.search`` against the query text in ``$placeholder``."""
    return f"{alias}.search @@ to_tsquery('simple', ${placeholder})"


class SearchKind(enum.StrEnum):
    """What a search hit is."""

    CONTACT = "contact"
    COMPANY = "company"


class SearchHit(msgspec.Struct, kw_only=True):
    """A contact or company matching the query, best first.

    Attributes:
        kind: ``contact`` or ``company``.
        id: Its id (``/contacts/{id}`` or ``/companies/{id}``).
        title: The contact's full name or the company's name.
        detail: The email (contacts) or domain / email (companies), if any.
        score: Relevance (higher is better; names weigh more than emails, notes least).
    """

    kind: SearchKind
    id: UUID
    title: str
    detail: str | None
    score: float


class SearchResults(msgspec.Struct, kw_only=True):
    """The hits for a query, best first (at most ``limit``)."""

    items: list[SearchHit]


_SEARCH = """
with q as (select to_tsquery('simple', $1) as query)
select * from (
    select 'contact' as kind, c.id, trim(c.first_name || ' ' || c.last_name) as title,
           c.email as detail, ts_rank(c.search, q.query) as score
      from crm_contact c, q
     where $2::text in ('all', 'contact') and c.search @@ q.query
    union all
    select 'company', c.id, c.name, coalesce(c.domain, c.email),
           ts_rank(c.search, q.query)
      from crm_company c, q
     where $2::text in ('all', 'company') and c.search @@ q.query
) hits
order by score desc, id
limit $3
"""


class SearchController(Controller):
    """One search box over contacts and companies."""

    path = "/search"
    tags = ["crm: search"]

    @get("/", summary="Search contacts and companies")
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
        query = ts_query(q)
        if not query:
            return SearchResults(items=[])
        async with db.transaction() as conn:
            rows = await conn.fetch(_SEARCH, query, kind.value if kind else "all", limit)
        return SearchResults(items=[msgspec.convert(dict(row), SearchHit) for row in rows])
