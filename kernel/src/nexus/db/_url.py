"""Which database to use: the configured URL, or the embedded default."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from nexus.db._embedded import start_embedded_postgres

if TYPE_CHECKING:
    from nexus.settings import Settings

__all__ = ("resolve_database_url",)


def resolve_database_url(settings: Settings) -> str:
    """Return ``NEXUS_DATABASE_URL``, or start the embedded PostgreSQL and return its URL.

    The embedded URL is also put into ``NEXUS_DATABASE_URL`` of this process so that worker
    processes started from it use the same server instead of starting another.
    """
    if settings.database_url:
        return settings.database_url
    url = start_embedded_postgres(settings.data_dir)
    os.environ["NEXUS_DATABASE_URL"] = url
    return url
