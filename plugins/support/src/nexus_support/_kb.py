"""Knowledge-base search in PostgreSQL: a generated ``tsvector`` with a GIN index.

A reader's query goes through ``websearch_to_tsquery`` (quotes, ``or``, ``-word`` as on a
search engine) and results are ranked with ``ts_rank_cd``, the title weighing more than the
body. Suggestions for a ticket match any of its words (an ``or`` of its lexemes), so a
long ticket still finds the article that answers part of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = ("ARTICLE_COLUMNS", "ArticleOut", "Hit", "article_out", "search", "suggest")

ARTICLE_COLUMNS = "id, category_id, title, body, status, created_at, updated_at"
_HEADLINE = "MaxFragments=2, MaxWords=30, MinWords=10, StartSel=«, StopSel=»"


class ArticleOut(msgspec.Struct, kw_only=True):
    """A knowledge-base article."""

    id: UUID
    category_id: UUID | None
    title: str
    body: str
    status: Literal["draft", "published"]
    created_at: datetime
    updated_at: datetime


class Hit(msgspec.Struct, kw_only=True):
    """A search result: an article, its rank and a highlighted excerpt."""

    id: UUID
    title: str
    category_id: UUID | None
    rank: float
    excerpt: str


def article_out(row: Mapping[str, Any]) -> ArticleOut:
    """An article row as :class:`ArticleOut`."""
    return msgspec.convert(dict(row), ArticleOut)


def _hits(rows: Any) -> list[Hit]:
    return [
        Hit(
            id=row["id"],
            title=row["title"],
            category_id=row["category_id"],
            rank=round(float(row["rank"]), 6),
            excerpt=row["excerpt"],
        )
        for row in rows
    ]


async def search(
    conn: Connection, query: str, *, language: str, published_only: bool, limit: int = 20
) -> list[Hit]:
    """Articles matching a web-search style ``query``, best first."""
    rows = await conn.fetch(
        "select a.id, a.title, a.category_id, ts_rank_cd(a.search, q) as rank, "
        f"ts_headline($2::regconfig, a.body, q, '{_HEADLINE}') as excerpt "
        "from support_kb_article a, websearch_to_tsquery($2::regconfig, $1) q "
        "where a.search @@ q and (not $3 or a.status = 'published') "
        "order by rank desc, a.id limit $4",
        query,
        language,
        published_only,
        limit,
    )
    return _hits(rows)


async def suggest(conn: Connection, text: str, *, language: str, limit: int = 3) -> list[Hit]:
    """Published articles sharing words with ``text`` (a ticket's subject and body)."""
    rows = await conn.fetch(
        "with words as (select string_agg(quote_literal(word), ' | ') as q "
        "from unnest(tsvector_to_array(to_tsvector($2::regconfig, $1))) as word), "
        "query as (select to_tsquery($2::regconfig, q) as q from words where q is not null) "
        "select a.id, a.title, a.category_id, ts_rank_cd(a.search, query.q) as rank, "
        f"ts_headline($2::regconfig, a.body, query.q, '{_HEADLINE}') as excerpt "
        "from support_kb_article a, query where a.search @@ query.q and a.status = 'published' "
        "order by rank desc, a.id limit $3",
        text[:5000],
        language,
        limit,
    )
    return _hits(rows)
