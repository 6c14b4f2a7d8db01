"""Full-text matching over contacts and companies (PostgreSQL ``tsvector`` + GIN).

Each word of the query matches as a prefix (``ada lov`` finds Ada Lovelace); all words
must match. Names are indexed with the ``simple`` configuration: no stemming, no stop
words, which suits names, emails and phone numbers in any language.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING
from uuid import UUID  # noqa: TC003 - msgspec reads it at run time

import msgspec

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("SearchHit", "SearchKind", "search", "search_condition", "ts_query")


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


async def search(
    conn: Connection, text: str, *, kind: SearchKind | None, limit: int
) -> list[SearchHit]:
    """The contacts and companies matching ``text``, best first (at most ``limit``)."""
    query = ts_query(text)
    if not query:
        return []
    rows = await conn.fetch(_SEARCH, query, kind.value if kind else "all", limit)
    return [msgspec.convert(dict(row), SearchHit) for row in rows]
