"""A client of Google's Calendar API (v3) through google-api-python-client.

Built from the discovery document shipped in this package (``discovery/calendar.v3.json``)
at the configured ``calendar_api_url``. ``events.list`` pages through one calendar's
events; with a ``syncToken`` only those changed since (cancelled ones included), and an
expired token answers 410 (``SyncTokenExpired``: read everything again). ``events.update``
carries the etag last seen in ``If-Match``, so Google refuses (412) an update of an event
changed there meanwhile (``StaleEtag``). Every call is retried with backoff (``_retry``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from googleapiclient.errors import HttpError

from nexus_integrations._retry import retrying
from nexus_integrations.google._client import StaleEtag, google_service

if TYPE_CHECKING:
    from nexus_integrations.google._client import GoogleConfig

__all__ = ("CalendarClient", "SyncTokenExpired")

_PAGE = 250


class SyncTokenExpired(Exception):  # noqa: N818 - Google's 410 GONE
    """Google no longer knows the sync token: a full sync is required."""


class CalendarClient:
    """The events of the connection's Google calendar (``google_calendar``)."""

    def __init__(self, config: GoogleConfig) -> None:
        self._service: Any = google_service(config, "calendar.v3", config.calendar_api_url)
        self._calendar = config.google_calendar

    def events(self, sync_token: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """The events changed since ``sync_token`` (all when None), and the next token.

        Raises:
            SyncTokenExpired: Google answered 410 to ``sync_token``.
        """
        events: list[dict[str, Any]] = []
        page: str | None = None
        while True:
            params: dict[str, Any] = {"calendarId": self._calendar, "maxResults": _PAGE}
            if sync_token:
                params["syncToken"] = sync_token
            if page:
                params["pageToken"] = page
            try:
                answer = retrying(self._service.events().list(**params).execute)
            except HttpError as error:
                if int(error.resp.status) == 410:
                    raise SyncTokenExpired(self._calendar) from error
                raise
            events.extend(answer.get("items", []))
            page = answer.get("nextPageToken")
            if not page:
                return events, answer.get("nextSyncToken")

    def insert(self, event: dict[str, Any]) -> dict[str, Any]:
        """``events.insert``: the new event as Google keeps it."""
        request = self._service.events().insert(calendarId=self._calendar, body=event)
        answer: dict[str, Any] = retrying(request.execute)
        return answer

    def update(self, event_id: str, event: dict[str, Any], etag: str | None) -> dict[str, Any]:
        """``events.update`` (the whole event) if unchanged since ``etag``; else StaleEtag."""
        request = self._service.events().update(
            calendarId=self._calendar, eventId=event_id, body=event
        )
        if etag:
            request.headers["If-Match"] = etag
        try:
            answer: dict[str, Any] = retrying(request.execute)
        except HttpError as error:
            if int(error.resp.status) == 412:
                raise StaleEtag(event_id) from error
            raise
        return answer
