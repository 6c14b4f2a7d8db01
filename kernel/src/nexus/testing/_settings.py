"""Kernel settings for tests: quiet, and independent of the ``NEXUS_*`` environment."""

from __future__ import annotations

from typing import Any

from nexus.settings import Settings

__all__ = ("kernel_settings",)


def kernel_settings(database_url: str | None = None, **changes: Any) -> Settings:
    """Kernel settings with warnings-only logs, ``database_url`` and ``changes`` applied.

    The ``NEXUS_*`` environment is not read, so a developer's variables never leak into a
    test. Pass the result to :func:`create_test_client` (``settings=``) when a test needs
    more than the defaults, e.g. the Kafka adapter.

    Args:
        database_url: The test database, if the settings should name one.
        **changes: Other kernel settings by field name (``kafka_bootstrap=...``).

    Returns:
        The settings (frozen; ``.replace(...)`` makes changed copies).

    Example::

        settings = kernel_settings(url, kafka_bootstrap=broker.bootstrap)
        with create_test_client([nexus_crm], database_url=url, settings=settings) as client:
            ...
    """
    if database_url is not None:
        changes["database_url"] = database_url
    return Settings(**{"log_level": "warning", **changes})
