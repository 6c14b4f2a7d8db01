"""The kernel route serving the local file store's signed URLs."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import File

from nexus.blobs._keys import check_key
from nexus.blobs._local import SIGNED_PATH, LocalBlobBackend
from nexus.http import problem_spec
from nexus.services import kernel_of

__all__ = ("blob_routes",)

# What a browser does with a downloaded file must not run in the API's origin.
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
}


@get(
    f"{SIGNED_PATH}/{{key:path}}",
    tags=["kernel"],
    summary="Download a file through a signed URL",
    opt={"nexus_access": "public"},
    # Public, but the signature is the credential: a bad or expired one is a 403.
    responses={403: problem_spec(403)},
)
async def download_signed(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    expires: FromQuery[int],
    signature: FromQuery[str],
) -> File:
    """Serve the object named by a URL from ``blobs.url(…)`` until the URL expires.

    The signature covers the tenant-prefixed key and the expiry, so a URL opens exactly
    one object of one tenant. Answers 403 when the signature is wrong or has expired.
    """
    backend = kernel_of(request.app).blobs.backend
    if not isinstance(backend, LocalBlobBackend):
        raise NotFoundException()  # S3 serves its own presigned URLs
    key = key.lstrip("/")
    try:
        check_key(key)
    except ValueError:
        raise NotFoundException() from None
    if not await backend.verify(key, expires, signature):
        raise PermissionDeniedException("the link is not valid, or it has expired")
    try:
        _, content_type = await backend.stat(key)
    except KeyError:
        raise NotFoundException() from None
    return File(
        backend.path(key),
        media_type=content_type,
        content_disposition_type="inline",
        headers=_HEADERS,
    )


blob_routes = [download_signed]
