"""The admin console: a small web page at ``/console`` built on the public REST API only.

Everything it shows and changes goes through ``/api/v1`` from the browser with the signed-in
user's bearer token, so the console is also a proof that the API suffices. The assets are
the project's own (no framework, no CDN); see ``docs/console.md``.
"""

from __future__ import annotations

from nexus.console._routes import CONSOLE_CSP, console_router

__all__ = ("CONSOLE_CSP", "console_router")
