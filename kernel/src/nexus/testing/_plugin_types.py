"""What the test apps of this process were built with: plugins' settings types, toggles.

``set_plugin_settings`` checks values against the plugin's settings type and waits until
every running test app of that database has heard of the change.
"""

from __future__ import annotations

import threading
import weakref
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from nexus.plugins import load_plugins
from nexus.services import kernel_of
from nexus.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    import msgspec
    from litestar import Litestar

    from nexus.features import Toggles
    from nexus.plugins import PluginRegistry

__all__ = ("heard_everywhere", "remember_app", "remember_plugins", "settings_type")

# The plugins test apps were built with (the newest wins): their settings types.
_SETTINGS_TYPES: dict[str, type[msgspec.Struct] | None] = {}
# Each test app's toggles, by the database it serves (gone with the app).
_TOGGLES: weakref.WeakKeyDictionary[Toggles, str] = weakref.WeakKeyDictionary()

HEAR_TIMEOUT_S = 10.0


def remember_plugins(registry: PluginRegistry) -> None:
    """Note the settings types of ``registry``'s plugins."""
    for record in registry.records:
        if record.manifest is not None:
            _SETTINGS_TYPES[record.name] = record.manifest.settings


def remember_app(app: Litestar) -> None:
    """Note a test app's plugins and toggles (``create_test_client`` calls it)."""
    kernel = kernel_of(app)
    remember_plugins(kernel.registry)
    _TOGGLES[kernel.features.toggles] = kernel.database.url


def settings_type(plugin: str) -> type[msgspec.Struct] | None:
    """The plugin's settings type: of a test app's plugin, else of an installed one."""
    if plugin not in _SETTINGS_TYPES:
        for entry_point in entry_points(group="nexus.plugins", name=plugin):
            remember_plugins(load_plugins(Settings(), plugins=[entry_point.load()]))
    return _SETTINGS_TYPES.get(plugin)


def heard_everywhere(database_url: str, tenant_id: UUID) -> Callable[[], None]:
    """Start listening for a change of the tenant in every running test app of the database.

    Returns:
        A function that waits (bounded) until each has heard of it, so the next request,
        whichever app serves it, reads the change.
    """
    target = _database(database_url)
    live = [toggles for toggles, url in list(_TOGGLES.items()) if toggles.live and url == target]
    waits = []
    for toggles in live:
        heard = threading.Event()

        def on_change(changed: UUID, heard: threading.Event = heard) -> None:
            if changed == tenant_id:
                heard.set()

        toggles.observe(on_change)
        waits.append((toggles, on_change, heard))

    def wait() -> None:
        try:
            for toggles, _, heard in waits:
                if toggles.live and not heard.wait(HEAR_TIMEOUT_S):
                    raise TimeoutError(f"a running app did not hear of the change of {tenant_id}")
        finally:
            for toggles, on_change, _ in waits:
                toggles.unobserve(on_change)

    return wait


def _database(url: str) -> str:
    """The URL without user and password: the same database reached as another role."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"
