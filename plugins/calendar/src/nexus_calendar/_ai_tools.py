"""Calendar's tools for the tenant's assistants (``nexus_ai_tools``): free/busy and events.

Both read as the user the assistant acts for (``ServiceContext.actor``, contract 0.1.7):
the tenant's shared calendars and that user's own, as ``GET /freebusy`` and the
occurrences routes do (``_routes_freebusy``), in a window of at most 366 days.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads the annotations
from typing import TYPE_CHECKING, Annotated

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl

from nexus_calendar._keys import EVENTS_READ
from nexus_calendar._routes_freebusy import Busy, busy_periods, visible_occurrences

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_calendar._model import Occurrence

__all__ = ("ListEvents", "Window", "nexus_ai_tools")


class Window(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A window of time, both ends with a UTC offset (ISO 8601), at most 366 days."""

    start: datetime
    end: datetime


class ListEvents(Window, kw_only=True, forbid_unknown_fields=True):
    """The window, and optionally words the events' titles contain."""

    query: Annotated[str, msgspec.Meta(max_length=200)] = ""
    limit: Annotated[int, msgspec.Meta(ge=1, le=200)] = 50


async def _free_busy(data: Window, ctx: ServiceContext) -> list[Busy]:
    return await busy_periods(ctx.conn, ctx.actor, data.start, data.end)


async def _list_events(data: ListEvents, ctx: ServiceContext) -> list[Occurrence]:
    found = await visible_occurrences(ctx.conn, ctx.actor, data.start, data.end)
    words = data.query.casefold()
    chosen = [o for o in found if words in o.summary.casefold()]
    return sorted(chosen, key=lambda o: o.start)[: data.limit]


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer the user's free/busy and the events in a window."""
    register(
        Tool(
            name="calendar.freebusy",
            description="The user's busy periods (UTC, overlaps merged) in a window, over "
            "the shared calendars and their own.",
            input=Window,
            permission=EVENTS_READ,
            handler=_free_busy,
        )
    )
    register(
        Tool(
            name="calendar.events.list",
            description="Event occurrences in a window (recurrences expanded) on the shared "
            "calendars and the user's own, by start, optionally only titles containing words.",
            input=ListEvents,
            permission=EVENTS_READ,
            handler=_list_events,
        )
    )
