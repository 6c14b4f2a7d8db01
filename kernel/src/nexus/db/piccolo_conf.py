"""Piccolo's configuration module for Nexus (``PICCOLO_CONF=nexus.db.piccolo_conf``).

Piccolo finds its engine and apps here. The kernel fills both in at run time
(:func:`nexus.db.configure_piccolo`) from the loaded plugins; used from Piccolo's own CLI
(``piccolo migrations new <plugin> --auto``) it configures itself from ``NEXUS_*``.

An entry point, loaded by name by Piccolo and imported by no kernel module: like
``nexus.__main__`` it may compose from every layer (the layers test exempts it).
"""

from __future__ import annotations

from typing import Any

from nexus.db import _piccolo


def __getattr__(name: str) -> Any:
    if name not in ("DB", "APP_REGISTRY"):
        raise AttributeError(name)
    if _piccolo.configured_engine() is None:
        _configure_from_env()
    return _piccolo.configured_engine() if name == "DB" else _piccolo.configured_registry()


def _configure_from_env() -> None:
    # Piccolo's CLI process: no app configured Piccolo, so load the plugins named by NEXUS_*.
    from nexus.db import Engine, configure_piccolo, resolve_database_url  # noqa: PLC0415
    from nexus.plugins import load_plugins, piccolo_app_paths  # noqa: PLC0415
    from nexus.settings import Settings  # noqa: PLC0415

    settings = Settings.from_env()
    engine = Engine(
        config={
            "dsn": resolve_database_url(settings),
            "server_settings": {"role": settings.db_owner_role},
        },
        extensions=(),
    )
    configure_piccolo(engine, [_piccolo.KERNEL_APP, *piccolo_app_paths(load_plugins(settings))])
