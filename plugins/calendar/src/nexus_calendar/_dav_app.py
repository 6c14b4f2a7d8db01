"""The CalDAV server behind ``/api/v1/calendar/dav``: Radicale over the tenant's calendars.

Imported by the route (:mod:`nexus_calendar._dav`) with its first request: Radicale,
vobject and icalendar cost a worker half a second at start-up otherwise.

The kernel authenticates the request (Bearer, or HTTP Basic with the API key as the
password, as CalDAV clients send it) and checks ``calendar.events:write`` before Radicale
sees it; Radicale's auth plugin (:class:`Auth`) takes that caller as its user, and its
storage plugin (:mod:`nexus_calendar._dav_storage`) reads and writes ``calendar_calendar``
and ``calendar_event``. Radicale is a WSGI application, run by ``a2wsgi`` on worker threads.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
from typing import TYPE_CHECKING, Any

from a2wsgi import WSGIMiddleware
from litestar import Request
from litestar.di import Provide
from radicale import config
from radicale.app import Application
from radicale.auth import none

from nexus_calendar._dav import MOUNT
from nexus_calendar._dav_storage import SESSION, DavSession, Storage

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from litestar.exceptions import HTTPException
    from litestar.types import Receive, Scope, Send

__all__ = ("serve",)

_SCOPE_KEY = "nexus_calendar.dav"


def principal(actor: str | None) -> str:
    """The caller's principal path segment (Radicale wants a plain path component)."""
    return "p" + hashlib.sha256((actor or "").encode()).hexdigest()[:24]


class Auth(none.Auth):
    """The caller the kernel already authenticated is Radicale's user."""

    def get_external_login(self, environ: Mapping[str, Any]) -> tuple[str, str]:
        return principal(SESSION.get().actor), ""


def _configuration() -> Any:
    configuration = config.load()
    configuration.update(
        {
            "auth": {"type": Auth},
            "storage": {"type": Storage},
            "rights": {"type": "owner_only"},
            "web": {"type": "none"},
            "hook": {"type": "none"},
            "logging": {"level": "warning", "mask_passwords": True},
        },
        "nexus",
        privileged=True,
    )
    return configuration


def _radicale() -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
    application = Application(_configuration())

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        session: DavSession = environ["asgi.scope"][_SCOPE_KEY]
        SESSION.set(session)
        environ["SCRIPT_NAME"] = MOUNT
        environ.pop("HTTP_AUTHORIZATION", None)
        answered: list[tuple[str, list[tuple[str, str]]]] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered.append((status, headers))
            return lambda data: None  # Radicale returns its body; it never writes

        body = list(application(environ, keep))
        if session.refusal is not None:
            return _refused(session.refusal, start_response)
        status, headers = answered[0]
        start_response(status, headers)
        return body

    return app


def _refused(refusal: HTTPException, start_response: Any) -> list[bytes]:
    """409 Conflict as a problem document, as the API answers a double booking."""
    problem = {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": refusal.detail,
        **(refusal.extra if isinstance(refusal.extra, dict) else {}),
    }
    start_response("409 Conflict", [("Content-Type", "application/problem+json")])
    return [json.dumps(problem).encode()]


_app: WSGIMiddleware | None = None


def _wsgi() -> WSGIMiddleware:
    global _app  # noqa: PLW0603 - one Radicale app per process, made on first use
    if _app is None:
        _app = WSGIMiddleware(_radicale(), workers=4)  # type: ignore[arg-type]
    return _app


async def _port(request: Request[Any, Any, Any], name: str, made: dict[str, Any]) -> Any:
    """Resolve one of the kernel's ports by its public name, as Litestar would for a handler."""
    if name in made:
        return made[name]
    provide = request.app.dependencies[name]
    assert isinstance(provide, Provide)
    arguments: dict[str, Any] = {}
    for parameter in inspect.signature(provide.dependency).parameters:
        arguments[parameter] = (
            request if parameter == "request" else await _port(request, parameter, made)
        )
    value = provide.dependency(**arguments)
    if inspect.isawaitable(value):
        value = await value
    made[name] = value
    return value


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer one CalDAV request with Radicale, in a session of the caller's ports."""
    request: Request[Any, Any, Any] = Request(scope, receive)
    made: dict[str, Any] = {}
    db, context = await _port(request, "db", made), await _port(request, "context", made)
    events, services = await _port(request, "events", made), await _port(request, "services", made)
    session = DavSession(asyncio.get_running_loop(), db, context.actor, events, services)
    scope[_SCOPE_KEY] = session  # type: ignore[literal-required]
    await _wsgi()(scope, receive, send)  # type: ignore[arg-type]
