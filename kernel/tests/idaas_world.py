"""The kernel served on loopback for the provider's tests, and a browser that signs in.

Authlib's client talks to a real server over loopback (http on a loopback address is what
OAuth allows without TLS), as an app of the tenant would.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from html import unescape
from typing import TYPE_CHECKING, Any

import uvicorn
from cryptography.fernet import Fernet
from nexus.app import create_app
from nexus.plugins import load_plugins
from nexus.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

PASSWORD = "correct horse battery"
REDIRECT = "https://app.example/callback"
FERNET_KEY = Fernet.generate_key().decode()


def serve(database_url: str, **settings: Any) -> Iterator[str]:
    """Serve the kernel on a free loopback port; yield its base URL."""
    config = Settings(database_url=database_url, log_level="warning", **settings)
    app = create_app(config, registry=load_plugins(config, plugins=[]))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of the sign-in page's form."""
    fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)
    return {unescape(name): unescape(value) for name, value in fields}


def form_action(page: str) -> str:
    """Where the sign-in page's form posts."""
    match = re.search(r'<form method="post" action="([^"]*)"', page)
    assert match, page
    return unescape(match.group(1))


def sign_in_and_allow(
    browser: httpx.Client, authorize_url: str, *, email: str, password: str = PASSWORD
) -> httpx.Response:
    """Open the authorization URL, sign in on its page and allow; the final answer."""
    page = browser.get(authorize_url)
    assert page.status_code == 200, page.text
    form = hidden_fields(page.text) | {"email": email, "password": password, "decision": "allow"}
    return browser.post(form_action(page.text), data=form)
