"""Drive's tool for the tenant's assistants (``nexus_ai_tools``): search files.

It searches as ``GET /search`` does (``_search.find_items``), as the user the assistant acts
for (``ServiceContext.actor``, contract 0.1.7): only what that user may see — their own
items and those shared with them — never another tenant's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl

from nexus_drive._keys import FILES_READ
from nexus_drive._search import find_items

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_drive._model import SearchHit

__all__ = ("SearchFiles", "nexus_ai_tools")


class SearchFiles(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Words of the files' names or text (``"exact phrase"``, ``or``, ``-word``)."""

    query: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    limit: Annotated[int, msgspec.Meta(ge=1, le=50)] = 10


async def _search_files(data: SearchFiles, ctx: ServiceContext) -> list[SearchHit]:
    if ctx.actor is None:  # a tool always acts for someone; no one sees nothing
        return []
    return await find_items(ctx.conn, ctx.actor, data.query, data.limit)


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer searching the user's files."""
    register(
        Tool(
            name="drive.files.search",
            description="Finds files and folders the user may see by name or text (PDF, "
            "DOCX, XLSX, PPTX, plain text), best first, with a snippet of the match.",
            input=SearchFiles,
            permission=FILES_READ,
            handler=_search_files,
        )
    )
