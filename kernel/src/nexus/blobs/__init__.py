"""Files: a tenant-prefixed blob store on S3 (aioboto3) or under ``NEXUS_DATA_DIR/blobs``.

Handlers get the ``blobs`` port (:class:`nexus_hookspecs.BlobStore`) bound to their
tenant. Local files are downloaded through signed kernel URLs (:data:`SIGNED_PATH`),
S3 objects through presigned URLs. See ``docs/files.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.blobs._backend import BlobBackend
from nexus.blobs._keys import BlobObject, check_content_type, check_key
from nexus.blobs._local import SIGNED_PATH, LocalBlobBackend
from nexus.blobs._routes import blob_routes
from nexus.blobs._runtime import BlobRuntime
from nexus.blobs._scoped import MAX_URL_EXPIRY_S, TenantBlobs
from nexus.blobs._signing import UrlSigner
from nexus.lazy import lazy_attributes

if TYPE_CHECKING:
    from nexus.blobs._s3 import S3BlobBackend

# aioboto3 only when S3 is configured.
__getattr__ = lazy_attributes(__name__, {"S3BlobBackend": "nexus.blobs._s3"})

__all__ = (
    "MAX_URL_EXPIRY_S",
    "SIGNED_PATH",
    "BlobBackend",
    "BlobObject",
    "BlobRuntime",
    "LocalBlobBackend",
    "S3BlobBackend",
    "TenantBlobs",
    "UrlSigner",
    "blob_routes",
    "check_content_type",
    "check_key",
)
