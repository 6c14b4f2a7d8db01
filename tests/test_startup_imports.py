"""Start-up with every installed plugin imports no provider SDK a request has not needed.

The AI providers' SDKs, Stripe's, dkimpy, dnspython and the holidays tables cost seconds and tens of
megabytes together; a worker pays for each only when a tenant's request or job uses it
(bench/README.md, ``startup``). So do the servers behind a few routes: the MCP SDK
(``/mcp`` and the assistant's external servers), scim2-server (SCIM), pysaml2 (SAML
sign-in), Radicale (CalDAV) and WsgiDAV (Drive's WebDAV); and black, which Piccolo imports
to format migrations a server never writes (``blib2to3`` is its parser, loaded with it).
The list grows as SDKs are made lazy, never shrinks.
"""

from __future__ import annotations

import os
import subprocess
import sys

LAZY = (
    "openai",
    "anthropic",
    "google.genai",
    "stripe",
    "dkim",
    "dns",
    "holidays",
    "mcp",
    "mcp_types",
    "scim2_server",
    "saml2",
    "radicale",
    "wsgidav",
    "blib2to3",
)


def test_create_app_with_every_plugin_imports_no_provider_sdk():
    code = (
        "import sys\n"
        "from nexus.app import create_app\n"
        "from nexus.settings import Settings\n"
        "app = create_app(Settings(log_level='warning', "
        "database_url='postgresql://unused.invalid/n'))\n"
        f"print(sorted(m for m in {LAZY!r} if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXUS_")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
