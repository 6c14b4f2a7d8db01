"""Google's APIs through google-api-python-client, and a client of the People API.

Each API's discovery document ships in this package (``discovery/people.v1.json``,
``discovery/calendar.v3.json``) and its service is built from it (``build_from_document``),
its base URL the configured one (Google's, or a local fake in tests). Requests are
authorized with the tenant's OAuth tokens (``google.oauth2.credentials.Credentials``,
refreshed at the configured token endpoint by google-auth) over ``google_auth_httplib2``.
Every call is retried with backoff on 429 and 5xx, ``Retry-After`` honoured (``_retry``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal
from uuid import UUID  # noqa: TC003 - msgspec reads it at run time

import google_auth_httplib2
import httplib2
import msgspec
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError

from nexus_integrations._oauth import OAuthApp
from nexus_integrations._retry import retrying

__all__ = ("SCOPES", "GoogleConfig", "PeopleClient", "StaleEtag", "error_status", "google_service")

SCOPES = ("https://www.googleapis.com/auth/contacts",)
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.events"
DRIVE_SCOPE = "https://www.googleapis.com/auth/drive.readonly"
PERSON_FIELDS = "names,emailAddresses,phoneNumbers,clientData,metadata"
UPDATE_FIELDS = "names,emailAddresses,phoneNumbers"
_PAGE = 200

Url = Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s]+$", max_length=500)]


class GoogleConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A Google Workspace connection: the tenant's OAuth client and where Google answers.

    Attributes:
        client_id: The OAuth client's id (Google Cloud console → Credentials).
        client_secret: Its secret; kept encrypted.
        redirect_uri: The redirect URI registered for the client; Google sends the
            administrator back there with the code to hand to ``/oauth/complete``.
        conflict_policy: Who wins when a contact changed on both sides since the last
            sync: ``nexus_wins`` (sent back to Google) or ``remote_wins``.
        authorize_url: Google's consent endpoint.
        token_url: Google's token endpoint.
        api_url: The People API's base URL.
        calendar_id: The shared Nexus calendar that Google's calendar syncs with; omitted,
            calendars are not synced (and not asked for at the consent screen).
        google_calendar: The Google calendar synced: ``primary`` (the user's) or an id.
        calendar_api_url: The Calendar API's base URL.
        drive: Import the files of the user's My Drive into the shared drive "Documents"
            (folder ``Google Drive``); off by default (and not asked for at consent).
        drive_max_bytes: Files larger than this are left out of the import.
        drive_api_url: The Drive API's base URL.
        refresh_token: Set by ``/oauth/complete`` (or given); kept encrypted.
    """

    client_id: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    client_secret: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    redirect_uri: Url
    conflict_policy: Literal["nexus_wins", "remote_wins"] = "nexus_wins"
    authorize_url: Url = "https://accounts.google.com/o/oauth2/v2/auth"
    token_url: Url = "https://oauth2.googleapis.com/token"
    api_url: Url = "https://people.googleapis.com/"
    calendar_id: UUID | None = None
    google_calendar: Annotated[str, msgspec.Meta(min_length=1, max_length=500)] = "primary"
    calendar_api_url: Url = "https://www.googleapis.com/calendar/v3/"
    drive: bool = False
    drive_max_bytes: Annotated[int, msgspec.Meta(ge=1)] = 50 * 1024 * 1024
    drive_api_url: Url = "https://www.googleapis.com/drive/v3/"
    refresh_token: str | None = None

    def scopes(self) -> tuple[str, ...]:
        """What the connection asks for: contacts, calendar events and files when synced."""
        calendar = (CALENDAR_SCOPE,) if self.calendar_id else ()
        return (*SCOPES, *calendar, *((DRIVE_SCOPE,) if self.drive else ()))

    def oauth_app(self) -> OAuthApp:
        """The OAuth application: offline access so that Google gives a refresh token."""
        return OAuthApp(
            client_id=self.client_id,
            client_secret=self.client_secret,
            authorize_url=self.authorize_url,
            token_url=self.token_url,
            scopes=self.scopes(),
            redirect_uri=self.redirect_uri,
            extra=(("access_type", "offline"), ("prompt", "consent")),
        )


class StaleEtag(Exception):  # noqa: N818 - Google's FAILED_PRECONDITION
    """Google refused an update: the contact changed there since its etag was read."""


@cache
def _document(name: str) -> str:
    path = resources.files("nexus_integrations.google") / "discovery" / f"{name}.json"
    return path.read_text(encoding="utf-8")


def google_service(config: GoogleConfig, api: str, api_url: str) -> Any:
    """The ``api`` (``people.v1``, ``calendar.v3``) service at ``api_url``, authorized.

    Raises:
        PermissionError: The connection has no refresh token yet.
    """
    if not config.refresh_token:
        raise PermissionError("the Google connection is not authorized yet (/oauth/start)")
    credentials = Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token=config.refresh_token,
        token_uri=config.token_url,
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=list(config.scopes()),
    )
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=30))
    return build_from_document(_document(api), http=http, client_options={"api_endpoint": api_url})


def error_status(error: HttpError) -> str | None:
    """The ``status`` of Google's error body (``FAILED_PRECONDITION``), if any."""
    try:
        status = json.loads(error.content or b"{}").get("error", {}).get("status")
    except ValueError:
        return None
    return str(status) if status else None


class PeopleClient:
    """The signed-in user's contacts (``people/me``)."""

    def __init__(self, config: GoogleConfig) -> None:
        self._service: Any = google_service(config, "people.v1", config.api_url)
        self.calls = 0

    def _execute(self, request: Any) -> Any:
        self.calls += 1
        return retrying(request.execute)

    def connections(self, sync_token: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """The contacts changed since ``sync_token`` (all when None), and the next token."""
        people: list[dict[str, Any]] = []
        page: str | None = None
        while True:
            params: dict[str, Any] = {
                "resourceName": "people/me",
                "personFields": PERSON_FIELDS,
                "pageSize": _PAGE,
                "requestSyncToken": True,
            }
            if sync_token:
                params["syncToken"] = sync_token
            if page:
                params["pageToken"] = page
            answer = self._execute(self._service.people().connections().list(**params))
            people.extend(answer.get("connections", []))
            page = answer.get("nextPageToken")
            if not page:
                return people, answer.get("nextSyncToken")

    def create(self, person: dict[str, Any]) -> dict[str, Any]:
        """``people.createContact``: the new contact as Google keeps it."""
        request = self._service.people().createContact(body=person, personFields=PERSON_FIELDS)
        answer: dict[str, Any] = self._execute(request)
        return answer

    def update(self, resource_name: str, person: dict[str, Any]) -> dict[str, Any]:
        """``people.updateContact`` with the etag in ``person``; StaleEtag when it is stale."""
        request = self._service.people().updateContact(
            resourceName=resource_name,
            body=person,
            updatePersonFields=UPDATE_FIELDS,
            personFields=PERSON_FIELDS,
        )
        try:
            answer: dict[str, Any] = self._execute(request)
        except HttpError as error:
            if int(error.resp.status) == 400 and error_status(error) == "FAILED_PRECONDITION":
                raise StaleEtag(resource_name) from error
            raise
        return answer
