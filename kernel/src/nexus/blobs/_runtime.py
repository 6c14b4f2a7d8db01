"""The file store of one process, built from the settings and started with the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus.blobs._local import LocalBlobBackend
from nexus.blobs._scoped import TenantBlobs
from nexus.http import request_tenant
from nexus.settings import SettingsError

if TYPE_CHECKING:
    from uuid import UUID

    from litestar.connection import ASGIConnection

    from nexus.blobs._backend import BlobBackend
    from nexus.settings import Settings

__all__ = ("BlobRuntime",)


class BlobRuntime:
    """S3 when ``NEXUS_S3_BUCKET`` is set; else files under ``NEXUS_DATA_DIR/blobs``.

    Args:
        settings: The kernel settings.
        backend: Use this adapter instead of the one the settings name.
    """

    def __init__(self, settings: Settings, *, backend: BlobBackend | None = None) -> None:
        self.max_bytes = settings.blob_max_bytes
        if backend is not None:
            self.backend = backend
        elif settings.s3_bucket:
            from nexus.blobs._s3 import S3BlobBackend  # noqa: PLC0415 - only with S3

            self.backend = S3BlobBackend(
                bucket=settings.s3_bucket,
                endpoint_url=settings.s3_endpoint_url,
                region=settings.s3_region,
                access_key_id=settings.s3_access_key_id,
                secret_access_key=settings.s3_secret_access_key,
            )
        elif settings.s3_endpoint_url:
            raise SettingsError("NEXUS_S3_ENDPOINT_URL is set, but NEXUS_S3_BUCKET is not")
        else:
            self.backend = LocalBlobBackend(
                settings.data_dir / "blobs", base_url=settings.public_url or ""
            )

    def for_tenant(self, tenant_id: UUID | None) -> TenantBlobs:
        """The file store of one tenant."""
        return TenantBlobs(self.backend, tenant_id, max_bytes=self.max_bytes)

    def provide(self, request: ASGIConnection[Any, Any, Any, Any]) -> TenantBlobs:
        """The ``blobs`` dependency: the file store of the request's tenant."""
        return self.for_tenant(request_tenant(request))

    async def purge(self, tenant_id: UUID, *, dry_run: bool = True) -> int:
        """Delete (or, on a dry run, count) every object of a tenant; return how many.

        Deleting also aborts the tenant's unfinished uploads (S3 multipart uploads).
        """
        blobs = self.for_tenant(tenant_id)
        keys = [key async for key in blobs.list()]
        if not dry_run:
            for key in keys:
                await blobs.delete(key)
            await self.backend.abort_uploads(f"{tenant_id}/")
        return len(keys)

    async def start(self) -> None:
        """Open the adapter."""
        await self.backend.start()

    async def stop(self) -> None:
        """Close the adapter."""
        await self.backend.stop()
