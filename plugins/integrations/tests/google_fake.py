"""A fake Google: the OAuth 2.0 endpoints and the People API's contacts, as documented.

``GET /o/oauth2/v2/auth`` is the consent page (tests read its URL only). ``POST /token``:
``grant_type=authorization_code`` (the one ``CODE``, with the client's id and secret)
answers an access and a refresh token; ``grant_type=refresh_token`` a new access token;
anything else 400 ``invalid_grant``. The People API (Bearer access token required, 401
otherwise): ``GET /v1/people/me/connections`` with ``personFields``, ``pageSize``,
``pageToken``, ``requestSyncToken`` and ``syncToken`` (only what changed since, deleted
(``remove``) contacts with ``metadata.deleted``); ``POST /v1/people:createContact``; ``PATCH
/v1/people/{id}:updateContact`` with ``updatePersonFields``, refused 400
``FAILED_PRECONDITION`` when the body's etag is not the contact's. The Calendar API:
``calendar`` (``FakeCalendar``); the Drive API: ``drive`` (``FakeDrive``).
``throttle(n)`` answers the next n API calls 429 with ``Retry-After: 0``.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from google_calendar_fake import FakeCalendar
from google_drive_fake import FakeDrive

__all__ = ("CLIENT_ID", "CLIENT_SECRET", "CODE", "FakeGoogle")

CLIENT_ID, CLIENT_SECRET, CODE = "client-1.apps.example", "secret-1", "4/auth-code-1"


class FakeGoogle:
    """People and tokens, in a thread."""

    def __init__(self) -> None:
        self.people: dict[str, dict[str, Any]] = {}
        self.calendar = FakeCalendar()
        self.drive = FakeDrive()
        self.seq = 0
        self.changed: dict[str, int] = {}
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.throttled = 0
        self.calls: list[str] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(
                self, status: int, body: Any, headers: dict[str, str] | None = None
            ) -> None:
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                kind = "application/octet-stream" if isinstance(body, bytes) else "application/json"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(raw)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                if url.path == "/token":
                    form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
                    self._answer(*fake.token(form))
                    return
                self._api("POST", url, self._body())

            def do_PATCH(self) -> None:  # noqa: N802 - PATCH (People) and PUT (Calendar)
                self._api(self.command, urlparse(self.path), self._body())

            do_PUT = do_PATCH

            def do_GET(self) -> None:  # noqa: N802
                self._api("GET", urlparse(self.path), b"")

            def _api(self, method: str, url: Any, raw: bytes) -> None:
                bearer = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                with fake.lock:
                    fake.calls.append(f"{method} {url.path}")
                    if fake.throttled > 0:
                        fake.throttled -= 1
                        self._answer(429, _error(429, "RESOURCE_EXHAUSTED"), {"Retry-After": "0"})
                        return
                    if bearer not in fake.access:
                        self._answer(401, _error(401, "UNAUTHENTICATED"))
                        return
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    body = json.loads(raw or b"{}")
                    self._answer(*fake.route(method, url.path, query, body, self.headers))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeGoogle:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # OAuth 2.0 ---------------------------------------------------------------------------

    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        grant = form.get("grant_type")
        access = f"ya29.{uuid.uuid4().hex}"
        if grant == "authorization_code" and form.get("code") == CODE:
            refresh = f"1//{uuid.uuid4().hex}"
            self.refresh.add(refresh)
            self.access.add(access)
            return 200, {
                "access_token": access,
                "expires_in": 3599,
                "refresh_token": refresh,
                "scope": "https://www.googleapis.com/auth/contacts",
                "token_type": "Bearer",
            }
        if grant == "refresh_token" and form.get("refresh_token") in self.refresh:
            self.access.add(access)
            return 200, {"access_token": access, "expires_in": 3599, "token_type": "Bearer"}
        return 400, {"error": "invalid_grant", "error_description": "Bad Request"}

    # People API --------------------------------------------------------------------------

    def _touch(self, name: str) -> dict[str, Any]:
        self.seq += 1
        self.changed[name] = self.seq
        person = self.people[name]
        person["etag"] = f"%Eg{self.seq:06d}"
        return person

    def add(self, given: str, family: str, email: str | None = None) -> str:
        """A contact made in Google (by the user there); answers its resourceName."""
        with self.lock:
            name = f"people/c{uuid.uuid4().int % 10**18}"
            self.people[name] = {
                "resourceName": name,
                "names": [{"givenName": given, "familyName": family}],
                "emailAddresses": [{"value": email}] if email else [],
                "phoneNumbers": [],
            }
            self._touch(name)
            return name

    def remove(self, name: str) -> None:
        """Delete a contact in Google: a sync lists it with ``metadata.deleted``."""
        with self.lock:
            self.people[name] = {
                "resourceName": name,
                "metadata": {"deleted": True},
                "emailAddresses": [],
            }
            self._touch(name)

    def edit(self, name: str, **fields: Any) -> None:
        """Change a contact in Google (new etag, in the next sync)."""
        with self.lock:
            self.people[name].update(fields)
            self._touch(name)

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: Any
    ) -> tuple[int, Any]:
        """The People API, or the Calendar or Drive API for their paths."""
        if self.calendar.handles(path):
            return self.calendar.api(method, path, query, body, headers)
        if self.drive.handles(path) and method == "GET":
            return self.drive.api(path, query)
        return self.api(method, path, query, body)

    def api(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if method == "GET" and path == "/v1/people/me/connections":
            since = int(query.get("syncToken") or 0)
            names = sorted(
                (n for n, s in self.changed.items() if s > since), key=lambda n: self.changed[n]
            )
            if not since:  # a full listing has no deleted contacts; a sync has them
                names = [n for n in names if not self.people[n].get("metadata", {}).get("deleted")]
            size = int(query.get("pageSize") or 100)
            start = int(query.get("pageToken") or 0)
            page = names[start : start + size]
            answer: dict[str, Any] = {
                "connections": [self.people[n] for n in page],
                "totalPeople": len(self.people),
                "totalItems": len(names),
            }
            if start + size < len(names):
                answer["nextPageToken"] = str(start + size)
            elif query.get("requestSyncToken") == "true":
                answer["nextSyncToken"] = str(self.seq)
            return 200, answer
        if method == "POST" and path == "/v1/people:createContact":
            name = f"people/c{uuid.uuid4().int % 10**18}"
            person = {k: body.get(k, []) for k in ("names", "emailAddresses", "phoneNumbers")}
            self.people[name] = {
                "resourceName": name,
                **person,
                "clientData": body.get("clientData", []),
            }
            return 200, dict(self._touch(name))
        if method == "PATCH" and path.endswith(":updateContact"):
            name = path.removeprefix("/v1/").removesuffix(":updateContact")
            if name not in self.people:
                return 404, _error(404, "NOT_FOUND")
            if body.get("etag") != self.people[name]["etag"]:
                return 400, _error(400, "FAILED_PRECONDITION")
            for field in query["updatePersonFields"].split(","):
                self.people[name][field] = body.get(field, [])
            return 200, dict(self._touch(name))
        return 404, _error(404, "NOT_FOUND")

    def throttle(self, calls: int) -> None:
        with self.lock:
            self.throttled = calls

    def by_email(self, email: str) -> list[dict[str, Any]]:
        return [
            p for p in self.people.values() if any(e["value"] == email for e in p["emailAddresses"])
        ]


def _error(code: int, status: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": status.lower(), "status": status}}
