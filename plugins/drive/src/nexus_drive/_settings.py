"""Per-tenant settings of the drive plugin (filled from the preset; a tenant admin may set them)."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ("DriveSettings",)

Bytes = Annotated[int, msgspec.Meta(ge=0)]


class DriveSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Drive.

    Attributes:
        max_upload_bytes: The largest file one upload may store (the plan's limit); a larger
            one is refused with 413 naming the limit.
        tenant_quota_bytes: What the tenant's files may take in all (every version of every
            file, trash included); ``None``: no limit. Going over answers 507.
        user_quota_bytes: What one user's own drive may take; ``None``: no limit. An admin
            may set another limit for one user.
        keep_versions: How many versions of a file are kept; older ones are deleted when a
            new one is added.
        trash_days: How long a trashed item stays restorable before the sweep purges it.
        upload_expiry_hours: How long an unfinished resumable upload may be resumed.
    """

    max_upload_bytes: Bytes = 5 * 1024**3
    tenant_quota_bytes: Bytes | None = None
    user_quota_bytes: Bytes | None = None
    keep_versions: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 10
    trash_days: Annotated[int, msgspec.Meta(ge=0, le=3650)] = 30
    upload_expiry_hours: Annotated[int, msgspec.Meta(ge=1, le=720)] = 24
