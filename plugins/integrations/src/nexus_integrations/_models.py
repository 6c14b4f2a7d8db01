"""Request and response bodies of the integrations routes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

__all__ = ("ConnectionIn", "ConnectionOut", "ImportIn", "RunOut")


class ConnectionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A connection to register: its source, a name, and the connector's configuration.

    Attributes:
        source: The connector (``odoo``).
        name: A name unique per source in the tenant.
        config: The connector's settings and credentials (Odoo: ``url``, ``db``, ``login``,
            ``api_key``); kept encrypted and never answered back.
    """

    source: Literal["odoo"]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    config: dict[str, Any]


class ConnectionOut(msgspec.Struct, kw_only=True):
    """A registered connection (never its credentials) and its cursors."""

    id: UUID
    source: str
    name: str
    cursors: dict[str, str]
    created_at: dt.datetime


class ImportIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An import to run.

    Attributes:
        dry_run: Show what would be created, changed or left alone; write nothing.
        full: Fetch everything again, not only what changed since the cursors (what was
            imported already is still left alone).
    """

    dry_run: bool = False
    full: bool = False


class RunOut(msgspec.Struct, kw_only=True):
    """A run and its report: per object, what was created, unchanged or in conflict."""

    id: UUID
    connection_id: UUID
    kind: str
    dry_run: bool
    status: str
    report: dict[str, Any]
    error: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
