"""Nexus Drive: folders and files per user and shared drives per team.

The hook implementations, and nothing else. Files live in the tenant's files store (the
``blobs`` port, keys ``drive/<file id>/<version id>``); the rows here say which drive,
folder, version and share they belong to. See README.md for the routes, permissions,
settings, events and services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_drive._events import (
    FILE_ADDED,
    FILE_DELETED,
    FILE_QUARANTINED,
    FILE_RESTORED,
    FILE_TRASHED,
    FILE_UPDATED,
    ITEM_SHARED,
)
from nexus_drive._keys import ADMIN, FILES_READ, FILES_WRITE, SWEEP
from nexus_drive._services import SERVICES
from nexus_drive._settings import DriveSettings

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "DriveSettings",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_services",
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
        hookspecs=">=0.1.4,<0.2",
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
    )


@hookimpl
def nexus_piccolo_app() -> str:
    """The drive tables and migrations."""
    return "nexus_drive.piccolo_app"


@hookimpl
def nexus_services(register: Callable[[Any], None]) -> None:
    """``drive.files.adopt`` and ``drive.files.get``."""
    for service in SERVICES:
        register(service)
