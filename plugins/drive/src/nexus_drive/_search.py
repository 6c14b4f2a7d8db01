"""Full-text search over the files and folders one actor may see (route and assistant tool)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_drive._access import role_of
from nexus_drive._common import item_out
from nexus_drive._model import SearchHit
from nexus_drive._store import ITEM_COLUMNS

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("find_items",)

_CANDIDATES = 200
"""Best matches checked for access: the hits are among them."""


async def find_items(conn: Connection, actor: str, query: str, limit: int) -> list[SearchHit]:
    """Items whose name or text match ``query`` (web-search syntax) that ``actor`` sees.

    Best first, with a snippet of the matching text; trashed items are left out.
    """
    rows = await conn.fetch(
        f"with q as (select websearch_to_tsquery('english', $1) || "
        f"websearch_to_tsquery('simple', $1) as query) "
        f"select {ITEM_COLUMNS}, ts_rank(search, q.query) as rank, "
        "case when text_content is null then null else ts_headline('english', "
        "text_content, q.query, 'MaxFragments=1, MaxWords=20, MinWords=5') end as snippet "
        "from drive_item, q where search @@ q.query and trashed_at is null "
        "order by rank desc, id limit $2",
        query,
        _CANDIDATES,
    )
    hits: list[SearchHit] = []
    for row in rows:
        role = await role_of(conn, actor, row["id"])
        if role is None:
            continue
        hits.append(
            SearchHit(
                item=await item_out(conn, row, role),
                rank=float(row["rank"]),
                snippet=row["snippet"],
            )
        )
        if len(hits) == limit:
            break
    return hits
