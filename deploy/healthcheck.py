"""The image's HEALTHCHECK: is the Nexus process this container runs serving?

One image has three entry points and a ``HEALTHCHECK`` cannot know which one a container
was started with, so this reads the command line of the container's first process
(``/proc/1/cmdline``) and probes what that entry point listens on, on 127.0.0.1:

- ``nexus serve`` (the default): ``GET /healthz`` on ``--port``, else ``NEXUS_PORT``;
- ``nexus worker``: ``GET /metrics`` on ``--metrics-port``, else
  ``NEXUS_WORKER_METRICS_PORT`` (a worker without a metrics port has nothing to probe);
- anything else (``nexus migrate``, a one-off ``nexus tenants …``) is a job, not a
  service: healthy while it runs, and its exit status says whether it worked.

Exit status 0 is healthy, 1 unhealthy. Kubernetes ignores ``HEALTHCHECK`` (the manifests
carry their own probes); Docker and Podman (Docker image format) run it. Standard library
only: it runs on the image's interpreter, outside the Nexus environment's imports.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# Entry point → (option naming the port, variable naming it otherwise, path to probe).
_LISTENERS = {
    "serve": ("--port", "NEXUS_PORT", "/healthz"),
    "worker": ("--metrics-port", "NEXUS_WORKER_METRICS_PORT", "/metrics"),
}
_DEFAULT_PORT = {"NEXUS_PORT": "8000"}


def probe_url(argv: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """The URL to probe for a container whose first process runs ``argv``, or ``None``.

    ``argv`` may be ``nexus serve``, the console script run by its interpreter
    (``/opt/nexus/bin/python /opt/nexus/bin/nexus worker``), ``python -m nexus …``, or any
    of these behind an init process (``docker-init -- nexus serve``).

    Example::

        >>> probe_url(["/opt/nexus/bin/nexus", "worker"], {"NEXUS_WORKER_METRICS_PORT": "9100"})
        'http://127.0.0.1:9100/metrics'
    """
    words = list(argv)
    at = next((i for i, word in enumerate(words) if Path(word).name == "nexus"), None)
    if at is None or at + 1 >= len(words) or words[at + 1] not in _LISTENERS:
        return None
    command, options = words[at + 1], words[at + 2 :]
    option, variable, path = _LISTENERS[command]
    port = environ.get(variable) or _DEFAULT_PORT.get(variable)
    for i, word in enumerate(options):
        if word == option and i + 1 < len(options):
            port = options[i + 1]
        elif word.startswith(option + "="):
            port = word.partition("=")[2]
    return f"http://127.0.0.1:{port}{path}" if port else None


def main() -> int:
    """Probe the container's first process; 0 when healthy."""
    argv = Path("/proc/1/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
    url = probe_url([word.decode(errors="replace") for word in argv], os.environ)
    if url is None:
        return 0
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310 - a loopback URL
            return 0 if answer.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
