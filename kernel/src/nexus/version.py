"""The installed ``nexus-kernel`` version, importable from every layer of the kernel."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ("__version__",)

try:
    __version__ = version("nexus-kernel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
