"""Nexus Drive: folders and files per user and shared drives per team.

The hook implementations, and nothing else. Files live in the tenant's files store (the
``blobs`` port, keys ``drive/<file id>/<version id>``); the rows here say which drive,
folder, version and share they belong to. See README.md for the routes, permissions,
settings, events and services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Background, Manifest, Permission, hookimpl

from nexus_drive._events import (
    FILE_ADDED,
    FILE_DELETED,
    FILE_QUARANTINED,
    FILE_RESTORED,
    FILE_TRASHED,
    FILE_UPDATED,
    ITEM_SHARED,
)
from nexus_drive._examples import EXAMPLES
from nexus_drive._handlers import file_changed
from nexus_drive._keys import ADMIN, FILES_READ, FILES_WRITE, SWEEP
from nexus_drive._routes_items import (
    DriveController,
    ItemController,
    TrashController,
    create_folder,
    drive_usage,
    upload_file,
)
from nexus_drive._routes_more import GroupController, run_sweep, search, set_quota
from nexus_drive._routes_share import LinkController, PublicLinkController, ShareController
from nexus_drive._services import SERVICES
from nexus_drive._services_files import FILE_SERVICES
from nexus_drive._services_trash import TRASH
from nexus_drive._settings import DriveSettings
from nexus_drive._sweep import SWEEPER
from nexus_drive._tus import UploadController
from nexus_drive._webdav import dav

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "DriveSettings",
    "nexus_background",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_services",
    "nexus_shutdown",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "drive_drive",
    "drive_group",
    "drive_member",
    "drive_item",
    "drive_version",
    "drive_share",
    "drive_link",
    "drive_upload",
    "drive_orphan",
    "drive_quota",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="drive",
        version="0.1.0",
        title="Drive",
        summary=(
            "Files people upload, share, find and mount: a drive per user and shared drives "
            "per team, versions, trash, sharing and links, resumable uploads, full-text "
            "search, quotas and WebDAV."
        ),
        hookspecs=">=0.1.7,<0.2",
        permissions=(
            Permission(
                key=FILES_READ, description="See, search and download files.", roles=_MEMBERS
            ),
            Permission(
                key=FILES_WRITE,
                description="Upload, organise, trash, restore and share files.",
                roles=_MEMBERS,
            ),
            Permission(key=ADMIN, description="Shared drives and members, groups, user quotas."),
            Permission(key=SWEEP, description="Run the sweep now (a scheduler's key)."),
        ),
        settings=DriveSettings,
        events=(
            FILE_ADDED,
            FILE_UPDATED,
            FILE_TRASHED,
            FILE_RESTORED,
            FILE_DELETED,
            FILE_QUARANTINED,
            ITEM_SHARED,
        ),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the drive routes under ``/api/v1/drive/``."""
    for handler in (
        DriveController,
        ItemController,
        TrashController,
        ShareController,
        LinkController,
        PublicLinkController,
        GroupController,
        UploadController,
        create_folder,
        upload_file,
        drive_usage,
        search,
        set_quota,
        run_sweep,
        dav,
    ):
        register(handler)


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Scan, index and preview each new version after it commits."""
    register(FILE_ADDED.type, file_changed)
    register(FILE_UPDATED.type, file_changed)


"""The process's sweep (``_sweep``): started with the app, stopped with it."""


@hookimpl
def nexus_background(work: Background) -> None:
    """Start the sweep over every tenant with Drive on."""
    SWEEPER.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the sweep."""
    await SWEEPER.stop()


@hookimpl
def nexus_piccolo_app() -> str:
    """The drive tables and migrations."""
    return "nexus_drive.piccolo_app"


@hookimpl
def nexus_services(register: Callable[[Any], None]) -> None:
    """``drive.files.adopt``, ``.get``, ``.trash``, ``.access``, ``.create`` and ``.version``."""
    for service in (*SERVICES, TRASH, *FILE_SERVICES):
        register(service)
