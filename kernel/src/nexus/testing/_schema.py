"""Migrated test databases: one template per set of migrations, copied for each test."""

from __future__ import annotations

import hashlib
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
from piccolo.conf.apps import AppRegistry

import nexus.db
import nexus.schema
from nexus.db import KERNEL_APP
from nexus.plugins import load_plugins, piccolo_app_paths
from nexus.schema import migrate
from nexus.settings import Settings
from nexus.testing._database import forget_template, template_database, temporary_database

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from nexus.plugins import PluginRegistry

__all__ = ("migrated_database", "needs_migrations")

# Databases migrated_database made in this process: URL -> key of what they hold.
_migrated: dict[str, str] = {}


@contextmanager
def migrated_database(
    server_url: str, plugins: Sequence[object] = (), *, settings: Settings | None = None
) -> Iterator[str]:
    """Yield the URL of a fresh database holding the kernel's and ``plugins``' schema.

    The database is a copy (``CREATE DATABASE ... TEMPLATE``) of a template migrated once
    per set of migrations on the server, so it costs what creating an empty database costs,
    whatever the number of migrations. :func:`create_test_client` with the same plugins
    runs no migrations on it. It is dropped afterwards.

    Args:
        server_url: The server (the ``nexus_postgres_server`` fixture).
        plugins: The plugins whose migrations the database should hold.
        settings: Kernel settings naming the database roles; the defaults when ``None``.

    Example::

        @pytest.fixture(scope="module")
        def crm_db(nexus_postgres_server):
            with migrated_database(nexus_postgres_server, [nexus_crm]) as url:
                yield url
    """
    settings = settings or Settings(log_level="warning")
    registry = load_plugins(settings, plugins=list(plugins))
    key = schema_key(settings, registry)

    async def build(url: str) -> None:
        await migrate(settings, registry, database_url=url)

    with ExitStack() as stack:
        try:
            template = template_database(server_url, key=key, build=build)
            url = stack.enter_context(temporary_database(server_url, template=template))
        except asyncpg.InvalidCatalogNameError:  # dropped meanwhile by another session
            forget_template(key)
            template = template_database(server_url, key=key, build=build)
            url = stack.enter_context(temporary_database(server_url, template=template))
        _migrated[url] = key
        try:
            yield url
        finally:
            del _migrated[url]


def needs_migrations(settings: Settings, registry: PluginRegistry, database_url: str) -> bool:
    """Whether ``database_url`` may lack migrations of ``registry`` (not a copy made for it)."""
    key = _migrated.get(database_url)
    return key is None or key != schema_key(settings, registry)


def schema_key(settings: Settings, registry: PluginRegistry) -> str:
    """A digest of what migrating ``registry``'s plugins creates: the key of its template.

    It covers the roles' names, every migration file of the kernel and of the plugins'
    Piccolo apps, and the kernel's migration runner (roles, row-level security), so a
    changed migration gets a new template.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{settings.db_owner_role}\0{settings.db_api_role}\0".encode())
    apps = AppRegistry(apps=[KERNEL_APP, *piccolo_app_paths(registry)])
    for name, config in apps.app_configs.items():
        digest.update(f"app\0{name}\0".encode())
        _digest_files(digest, Path(config.resolved_migrations_folder_path))
    for package in (nexus.db, nexus.schema):
        _digest_files(digest, Path(str(package.__file__)).parent)
    return digest.hexdigest()


def _digest_files(digest: hashlib.blake2b, folder: Path) -> None:
    for path in sorted(folder.rglob("*.py")):
        digest.update(f"{path.relative_to(folder)}\0".encode())
        digest.update(path.read_bytes())
