"""CalDAV (RFC 4791) at ``/api/v1/calendar/dav``: Radicale over the tenant's calendars.

The kernel authenticates the request (Bearer, or HTTP Basic with the API key as the
password, as CalDAV clients send it) and checks ``calendar.events:write`` before Radicale
sees it; Radicale's auth plugin takes that caller as its user, and its storage plugin
(:mod:`nexus_calendar._dav_storage`) reads and writes ``calendar_calendar`` and
``calendar_event``. Radicale is a WSGI application, run by ``a2wsgi`` on worker threads
(:mod:`nexus_calendar._dav_app`, imported with the first request, not at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import asgi
from nexus_hookspecs.http import route_opt

from nexus_calendar._keys import EVENTS_WRITE

if TYPE_CHECKING:
    from litestar.types import Receive, Scope, Send

__all__ = ("MOUNT", "dav")

MOUNT = "/api/v1/calendar/dav"


@asgi("/dav", is_mount=True, copy_scope=True, opt=route_opt(permission=EVENTS_WRITE))
async def dav(scope: Scope, receive: Receive, send: Send) -> None:
    """CalDAV (RFC 4791) on the calendars the caller sees.

    ``PROPFIND``, ``REPORT`` (calendar-query, calendar-multiget, sync-collection), ``GET``,
    ``PUT`` and ``DELETE`` of events; served by Radicale.
    """
    from nexus_calendar._dav_app import serve  # noqa: PLC0415 - Radicale, on first use

    await serve(scope, receive, send)
