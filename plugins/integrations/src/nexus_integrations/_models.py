"""Request and response bodies of the integrations routes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

__all__ = (
    "ConnectionIn",
    "ConnectionOut",
    "ImportIn",
    "OAuthCompleteIn",
    "OAuthStartOut",
    "RunOut",
)


class ConnectionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A connection to register: its source, a name, and the connector's configuration.

    Attributes:
        source: The connector (``odoo``, ``google``, ``zoho``).
        name: A name unique per source in the tenant.
        config: The connector's settings and credentials (Odoo: ``url``, ``db``, ``login``,
            ``api_key``; Google: ``client_id``, ``client_secret``, ``redirect_uri``; Zoho:
            ``client_id``, ``client_secret``, ``redirect_uri``, ``data_center``); kept
            encrypted and never answered back.
    """

    source: Literal["odoo", "google", "zoho"]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    config: dict[str, Any]


class ConnectionOut(msgspec.Struct, kw_only=True):
    """A registered connection (never its credentials) and its cursors."""

    id: UUID
    source: str
    name: str
    cursors: dict[str, str]
    created_at: dt.datetime
    authorized: bool | None = None
    """OAuth connectors: whether the provider granted access (``/oauth/complete``)."""


class OAuthStartOut(msgspec.Struct, kw_only=True):
    """Where the administrator grants access, and the ``state`` it comes back with."""

    url: str
    state: str


class OAuthCompleteIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What the provider handed back to the redirect URI.

    Attributes:
        code: The authorization code.
        state: The ``state`` of ``/oauth/start``.
    """

    code: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    state: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


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
