"""A front end's static files (the console's, the workspace's): read once, served as is."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from importlib.resources.abc import Traversable

__all__ = ("ASSET_TYPES", "load_assets")

ASSET_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
}
"""The only files a front end serves, with the media type each is served as."""


def load_assets(
    package: str, *, borrowed: Iterable[tuple[str, str]] = ()
) -> Mapping[str, tuple[bytes, str]]:
    """Read every asset of ``package``'s ``static/`` folder once, keyed by its path there.

    Args:
        package: The front end's package, e.g. ``"nexus.console"``.
        borrowed: ``(package, path)`` pairs of another front end's files served as this
            one's own under the same path (the workspace's API client and widgets are the
            console's, so there is one copy of each).

    Returns:
        ``{path: (bytes, media type)}`` for each file whose suffix is in :data:`ASSET_TYPES`.
    """
    assets: dict[str, tuple[bytes, str]] = {}

    def add(name: str, node: Traversable) -> None:
        suffix = "." + node.name.rsplit(".", 1)[-1]
        if suffix in ASSET_TYPES:
            assets[name] = (node.read_bytes(), ASSET_TYPES[suffix])

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, f"{name}/")
            else:
                add(name, child)

    walk(resources.files(package) / "static", "")
    for owner, path in borrowed:
        add(path, resources.files(owner) / "static" / path)
    return assets
