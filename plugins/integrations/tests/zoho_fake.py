"""A fake Zoho: the accounts server's OAuth 2.0 endpoints and CRM's REST API, as documented.

``POST /oauth/v2/token``: ``grant_type=authorization_code`` (the one ``CODE``) answers an
access token, a refresh token and the ``api_domain`` (this server); ``refresh_token`` a new
access token; otherwise 200 with ``{"error": "invalid_code"}``, as Zoho answers. ``GET
/crm/{v2,v7}/{module}`` (``Authorization: Zoho-oauthtoken …``, 401 ``INVALID_TOKEN``
otherwise) with ``fields`` (required in v7), ``per_page``, ``page`` and
``If-Modified-Since`` (304 when nothing was modified after it): ``{"data": […], "info":
{"per_page", "count", "page", "more_records"}}``, and ``X-RATELIMIT-LIMIT``,
``-REMAINING``, ``-RESET`` (epoch ms) on every answer. ``POST`` and ``PUT
/crm/{v}/{module}`` insert and update the records of ``{"data": […]}`` (``id`` names the
one to update) and answer a result per record (``INVALID_DATA`` for an unknown id); ``GET
/crm/{v}/{module}/deleted`` the records ``delete``d (204 when none since
``If-Modified-Since``).
``throttle(n)`` answers the next n calls 429 ``TOO_MANY_REQUESTS`` with
``X-RATELIMIT-REMAINING: 0`` and a reset 0.2 s ahead.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

__all__ = ("CLIENT_ID", "CLIENT_SECRET", "CODE", "FakeZoho")

CLIENT_ID, CLIENT_SECRET, CODE = "1000.ZOHOCLIENT", "zoho-secret", "1000.code.abc"


class FakeZoho:
    """Modules of records and tokens, in a thread."""

    def __init__(self) -> None:
        self.modules: dict[str, list[dict[str, Any]]] = {
            "Accounts": [],
            "Contacts": [],
            "Products": [],
        }
        self.gone: dict[str, list[dict[str, Any]]] = {}
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
                raw = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(raw)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/crm/"):
                    self._write(raw)
                    return
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                form.update({k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()})
                self._answer(200, fake.token(form))

            def do_PUT(self) -> None:  # noqa: N802
                self._write(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _write(self, raw: bytes) -> None:
                token = (self.headers.get("Authorization") or "").removeprefix("Zoho-oauthtoken ")
                with fake.lock:
                    fake.calls.append(f"{self.command} {self.path}")
                    if token not in fake.access:
                        self._answer(401, {"code": "INVALID_TOKEN", "status": "error"})
                        return
                    self._answer(*fake.write(self.command, self.path, json.loads(raw)))

            def do_GET(self) -> None:  # noqa: N802
                url = urlparse(self.path)
                token = (self.headers.get("Authorization") or "").removeprefix("Zoho-oauthtoken ")
                with fake.lock:
                    fake.calls.append(url.path)
                    reset = str(int((time.time() + 0.2) * 1000))
                    if fake.throttled > 0:
                        fake.throttled -= 1
                        limits = {"X-RATELIMIT-LIMIT": "100", "X-RATELIMIT-REMAINING": "0"}
                        body = {"code": "TOO_MANY_REQUESTS", "status": "error"}
                        self._answer(429, body, {**limits, "X-RATELIMIT-RESET": reset})
                        return
                    limits = {"X-RATELIMIT-LIMIT": "100", "X-RATELIMIT-REMAINING": "99"}
                    limits["X-RATELIMIT-RESET"] = reset
                    if token not in fake.access:
                        self._answer(401, {"code": "INVALID_TOKEN", "status": "error"}, limits)
                        return
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    status, body = fake.read(url.path, query, self.headers.get("If-Modified-Since"))
                    self._answer(status, body, limits)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeZoho:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def token(self, form: dict[str, str]) -> dict[str, Any]:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return {"error": "invalid_client"}
        access = f"1000.{uuid.uuid4().hex}"
        answer = {
            "access_token": access,
            "api_domain": self.base_url,
            "token_type": "Bearer",
            "expires_in": 3600,
        }
        if form.get("grant_type") == "authorization_code" and form.get("code") == CODE:
            refresh = f"1000.{uuid.uuid4().hex}"
            self.refresh.add(refresh)
            self.access.add(access)
            return {**answer, "refresh_token": refresh}
        if form.get("grant_type") == "refresh_token" and form.get("refresh_token") in self.refresh:
            self.access.add(access)
            return answer
        return {"error": "invalid_code"}

    def add(self, module: str, modified: str, **fields: Any) -> dict[str, Any]:
        """A record made in Zoho, ``Modified_Time`` ``modified`` (ISO 8601 with offset)."""
        record = {"id": str(4876876000000000000 + len(self.modules[module]) + 1), **fields}
        record["Modified_Time"] = modified
        self.modules[module].append(record)
        return record

    def read(self, path: str, query: dict[str, str], since: str | None) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[3] == "deleted" and parts[2] in self.modules:
            return self._deleted(parts[2], since)
        if len(parts) != 3 or parts[0] != "crm" or parts[1] not in ("v2", "v7"):
            return 404, {"code": "INVALID_URL_PATTERN", "status": "error"}
        if parts[2] not in self.modules:
            return 400, {"code": "INVALID_MODULE", "status": "error"}
        if parts[1] == "v7" and "fields" not in query:
            return 400, {"code": "REQUIRED_PARAM_MISSING", "details": {"param": "fields"}}
        records = self.modules[parts[2]]
        if since:
            after = datetime.fromisoformat(since)
            records = [r for r in records if datetime.fromisoformat(r["Modified_Time"]) > after]
            if not records:
                return 304, None
        size, page = int(query.get("per_page") or 200), int(query.get("page") or 1)
        chunk = records[(page - 1) * size : page * size]
        wanted = [*query.get("fields", "").split(","), "id"]
        data = [{k: v for k, v in r.items() if k in wanted} for r in chunk]
        info = {
            "per_page": size,
            "count": len(data),
            "page": page,
            "more_records": page * size < len(records),
        }
        return 200, {"data": data, "info": info}

    def delete(self, module: str, record_id: str, when: str) -> None:
        """Delete a record in Zoho (to the recycle bin) at ``when``."""
        [record] = [r for r in self.modules[module] if r["id"] == record_id]
        self.modules[module].remove(record)
        name = f"{record.get('First_Name', '')} {record.get('Last_Name', '')}".strip()
        gone = {"id": record_id, "display_name": name, "type": "recycle", "deleted_time": when}
        self.gone.setdefault(module, []).append(gone)

    def _deleted(self, module: str, since: str | None) -> tuple[int, Any]:
        records = self.gone.get(module, [])
        if since:
            after = datetime.fromisoformat(since)
            records = [r for r in records if datetime.fromisoformat(r["deleted_time"]) > after]
        if not records:
            return 204, None
        info = {"per_page": 200, "count": len(records), "page": 1, "more_records": False}
        return 200, {"data": records, "info": info}

    def write(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """``POST`` inserts, ``PUT`` updates (by ``id``) each of ``data``; a result each."""
        module = path.strip("/").split("/")[-1]
        if module not in self.modules:
            return 400, {"code": "INVALID_MODULE", "status": "error"}
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        results = []
        for given in body["data"]:
            if method == "POST":
                record = self.add(module, now, **given)
                message = "record added"
            else:
                found = [r for r in self.modules[module] if r["id"] == given.get("id")]
                if not found:
                    results.append(
                        {
                            "code": "INVALID_DATA",
                            "details": {"id": given.get("id")},
                            "message": "the id given seems to be invalid",
                            "status": "error",
                        }
                    )
                    continue
                record = found[0]
                record.update(given, Modified_Time=now)
                message = "record updated"
            details = {"id": record["id"], "Modified_Time": now, "Created_Time": now}
            results.append(
                {"code": "SUCCESS", "details": details, "message": message, "status": "success"}
            )
        return (201 if method == "POST" else 200), {"data": results}

    def throttle(self, calls: int) -> None:
        with self.lock:
            self.throttled = calls
