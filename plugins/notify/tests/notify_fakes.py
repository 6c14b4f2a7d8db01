"""Local fake servers speaking the providers' documented HTTP APIs, for the tests.

One threaded ``http.server`` on a free loopback port answers like:

- Twilio's ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` (form body, HTTP basic
  auth with the account SID and auth token; 201 and the Message resource as JSON; 401 with
  Twilio's error body ``{code, message, more_info, status}`` for bad credentials, 400 with
  code 21211 for an invalid ``To``), and ``GET`` of the same path listing the Messages it
  created, newest first, filtered by ``To`` and ``DateSent`` / ``DateSent>`` /
  ``DateSent<`` (``YYYY-MM-DD``, UTC; ``>`` means on or after, ``<`` on or before) in
  Twilio's page shape ``{"messages": [...], "next_page_uri", "page", "page_size", …}``;
- Africa's Talking's ``POST /version1/messaging`` (form body ``username``, ``to``,
  ``message``, ``from``; ``apiKey`` header; 201 with ``SMSMessageData.Recipients``; 401
  with a plain text body for a bad key);
- WhatsApp Cloud API's ``POST /{version}/{phone_number_id}/messages`` (JSON body, bearer
  token; 200 with ``contacts`` and ``messages[0].id``; 401 with Graph's
  ``{"error": {"message", "type": "OAuthException", "code": 190, "fbtrace_id"}}``);
- a webhook receiver at ``POST /hooks/{name}`` that answers 500 to its first ``failures``
  calls, then 204.

Every request is recorded; ``wait_for(count)`` blocks (bounded) until that many arrived.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ("FakeProviders", "Recorded")

TWILIO_SID = "AC" + "a1" * 16
TWILIO_TOKEN = "f0" * 16
AT_USER = "sandbox"
AT_KEY = "atsk_" + "7" * 32
WA_PHONE_ID = "106540352242922"
WA_TOKEN = "EAAG" + "x" * 40


class Recorded:
    """One request a fake received."""

    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    def form(self) -> dict[str, str]:
        """The body as a form."""
        return dict(parse_qsl(self.body.decode()))

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


class FakeProviders:
    """The fake servers; ``base_url`` is what the tenant's credentials point at."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.failures: dict[str, int] = {}
        self.twilio_messages: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.do_POST("GET")

            def do_POST(self, method: str = "POST") -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                recorded = Recorded(method, self.path, dict(self.headers.items()), body)
                status, answer, kind = fake.answer(recorded)
                with fake._changed:
                    fake.requests.append(recorded)
                    fake._changed.notify_all()
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProviders:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, prefix: str) -> list[Recorded]:
        """The requests whose path starts with ``prefix``."""
        with self._changed:
            return self._under(prefix)

    def wait_for(self, prefix: str, count: int, timeout: float = 20.0) -> list[Recorded]:
        """Block until ``count`` requests under ``prefix`` arrived (bounded)."""
        with self._changed:
            done = self._changed.wait_for(lambda: len(self._under(prefix)) >= count, timeout)
            if not done:
                raise TimeoutError(f"{len(self._under(prefix))} requests to {prefix}")
            return self._under(prefix)

    def _under(self, prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith(prefix)]

    def posts(self, prefix: str) -> list[Recorded]:
        """The POST requests whose path starts with ``prefix``."""
        return [r for r in self.to(prefix) if r.method == "POST"]

    def answer(self, r: Recorded) -> tuple[int, Any, str]:
        """What the provider answers to ``r``."""
        path, _, query = r.path.partition("?")
        if match := re.fullmatch(r"/2010-04-01/Accounts/(\w+)/Messages\.json", path):
            if r.method == "GET":
                return self._twilio_list(r, match.group(1), dict(parse_qsl(query)))
            return self._twilio(r, match.group(1))
        if r.path == "/version1/messaging":
            return self._africastalking(r)
        if match := re.fullmatch(r"/v[\d.]+/(\d+)/messages", r.path):
            return self._whatsapp(r, match.group(1))
        if r.path.startswith("/hooks/"):
            left = self.failures.get(r.path, 0)
            if left > 0:
                self.failures[r.path] = left - 1
                return 500, {"error": "try again"}, "application/json"
            return 204, b"", "text/plain"
        return 404, {"error": "not found"}, "application/json"

    def _twilio_list(self, r: Recorded, sid: str, query: dict[str, str]) -> tuple[int, Any, str]:
        refused = self._twilio_auth(r, sid)
        if refused is not None:
            return refused

        def day(message: dict[str, Any]) -> date:
            return parsedate_to_datetime(message["date_sent"]).astimezone(UTC).date()

        found = [m for m in reversed(self.twilio_messages) if m["account_sid"] == sid]
        if "To" in query:
            found = [m for m in found if m["to"] == query["To"]]
        if "DateSent" in query:
            found = [m for m in found if day(m) == date.fromisoformat(query["DateSent"])]
        if "DateSent>" in query:
            found = [m for m in found if day(m) >= date.fromisoformat(query["DateSent>"])]
        if "DateSent<" in query:
            found = [m for m in found if day(m) <= date.fromisoformat(query["DateSent<"])]
        size = int(query.get("PageSize", "50"))
        uri = urlsplit(r.path).path
        page = {
            "messages": found[:size],
            "end": min(len(found), size) - 1,
            "first_page_uri": f"{uri}?PageSize={size}&Page=0",
            "next_page_uri": None,
            "page": 0,
            "page_size": size,
            "previous_page_uri": None,
            "start": 0,
            "uri": r.path,
        }
        return 200, page, "application/json"

    def _twilio_auth(self, r: Recorded, sid: str) -> tuple[int, Any, str] | None:
        expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        if sid != TWILIO_SID or r.headers.get("Authorization") != expected:
            return (
                401,
                {
                    "code": 20003,
                    "message": "Authenticate",
                    "more_info": "https://www.twilio.com/docs/errors/20003",
                    "status": 401,
                },
                "application/json",
            )
        return None

    def _twilio(self, r: Recorded, sid: str) -> tuple[int, Any, str]:
        refused = self._twilio_auth(r, sid)
        if refused is not None:
            return refused
        form = r.form()
        if not re.fullmatch(r"\+[1-9]\d{6,14}", form.get("To", "")) or not form.get("Body"):
            return (
                400,
                {
                    "code": 21211,
                    "message": f"The 'To' number {form.get('To')} is not a valid phone number.",
                    "more_info": "",
                    "status": 400,
                },
                "application/json",
            )
        now = format_datetime(datetime.now(UTC), usegmt=True)
        message = {
            "sid": "SM" + secrets.token_hex(16),
            "account_sid": sid,
            "to": form["To"],
            "from": form.get("From"),
            "body": form["Body"],
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "date_created": now,
            "date_updated": now,
            "date_sent": now,
        }
        with self._changed:
            self.twilio_messages.append(message)
        return 201, message, "application/json"

    def _africastalking(self, r: Recorded) -> tuple[int, Any, str]:
        if r.headers.get("apiKey") != AT_KEY:
            return 401, b"The supplied authentication is invalid", "text/plain"
        form = r.form()
        if form.get("username") != AT_USER or not form.get("message"):
            return 400, b"Request is missing required form field 'message'", "text/plain"
        recipient = {
            "statusCode": 101,
            "number": form.get("to"),
            "status": "Success",
            "cost": "KES 0.8000",
            "messageId": "ATXid_" + secrets.token_hex(12),
        }
        return (
            201,
            {
                "SMSMessageData": {
                    "Message": "Sent to 1/1 Total Cost: KES 0.8000",
                    "Recipients": [recipient],
                }
            },
            "application/json",
        )

    def _whatsapp(self, r: Recorded, phone_id: str) -> tuple[int, Any, str]:
        if phone_id != WA_PHONE_ID or r.headers.get("Authorization") != f"Bearer {WA_TOKEN}":
            return (
                401,
                {
                    "error": {
                        "message": "Invalid OAuth access token.",
                        "type": "OAuthException",
                        "code": 190,
                        "fbtrace_id": "AbCdEf",
                    }
                },
                "application/json",
            )
        body = r.json()
        if body.get("messaging_product") != "whatsapp" or body.get("type") not in (
            "template",
            "text",
        ):
            return (
                400,
                {
                    "error": {
                        "message": "(#100) Invalid parameter",
                        "type": "OAuthException",
                        "code": 100,
                        "fbtrace_id": "AbCdEf",
                    }
                },
                "application/json",
            )
        wamid = "wamid.HBgL" + secrets.token_hex(12)
        return (
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": wamid}],
            },
            "application/json",
        )
