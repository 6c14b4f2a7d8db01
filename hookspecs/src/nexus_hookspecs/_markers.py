"""The two pluggy markers every Nexus plugin and the kernel share."""

from __future__ import annotations

import pluggy

PROJECT_NAME = "nexus"
"""The pluggy project name: hook implementations must be marked for it."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks a function in :mod:`nexus_hookspecs` as a hook specification."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a plugin function as the implementation of a Nexus hook.

Example:
    >>> from nexus_hookspecs import hookimpl
    >>> @hookimpl
    ... def nexus_routes(register):
    ...     pass
"""
