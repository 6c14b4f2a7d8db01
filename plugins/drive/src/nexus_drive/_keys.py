"""The permission keys of the drive plugin (declared in the manifest).

A route's permission only lets a member in; what they may do with one folder or file is
decided per item by ``_access`` (their role on it: viewer, commenter, editor, owner).
"""

from __future__ import annotations

__all__ = ("ADMIN", "FILES_READ", "FILES_WRITE", "SWEEP")

FILES_READ = "drive.files:read"
"""List, search, download what one may see."""

FILES_WRITE = "drive.files:write"
"""Upload, create folders, move, rename, trash, restore and share what one may edit."""

ADMIN = "drive.admin"
"""Create shared drives and their members, groups and per-user quotas."""

SWEEP = "drive.sweep:run"
"""Run the sweep (trash purge, expired uploads, orphaned blobs) now: a scheduler's key."""
