"""Files in one S3 (or MinIO) bucket through aioboto3, each tenant under its own prefix."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import aioboto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from nexus.blobs._keys import limited

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator

__all__ = ("S3BlobBackend",)

_CHUNK = 64 * 1024
_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _MISSING


class S3BlobBackend:
    """Objects in ``bucket``; streamed uploads go up as multipart uploads.

    Args:
        bucket: The bucket (it must exist).
        endpoint_url: The S3 endpoint (MinIO, moto); AWS's own when ``None``.
        region: The bucket's region.
        access_key_id: Credentials; the default AWS chain when ``None``.
        secret_access_key: The secret of ``access_key_id``.
        part_size: Bytes per part of a multipart upload (S3 wants at least 5 MiB).
    """

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        part_size: int = 8 * 1024 * 1024,
    ) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.part_size = part_size
        self._session = aioboto3.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
        )
        self._stack = contextlib.AsyncExitStack()
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The aiobotocore S3 client (open after :meth:`start`)."""
        if self._client is None:
            raise RuntimeError("the file store is not started; call start() first")
        return self._client

    async def start(self) -> None:
        """Open the client."""
        # Path-style addressing: a custom endpoint (MinIO, moto) rarely serves bucket hosts.
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"} if self.endpoint_url else {},
        )
        self._client = await self._stack.enter_async_context(
            self._session.client("s3", endpoint_url=self.endpoint_url, config=config)
        )

    async def stop(self) -> None:
        """Close the client."""
        await self._stack.aclose()
        self._client = None

    async def put(
        self, key: str, data: bytes | AsyncIterable[bytes], *, content_type: str, max_bytes: int
    ) -> int:
        """Upload in one request, or in parts once ``data`` outgrows one part."""
        target = {"Bucket": self.bucket, "Key": key}
        buffer = bytearray()
        parts: list[dict[str, Any]] = []
        upload_id: str | None = None
        size = 0
        try:
            async for chunk in limited(data, max_bytes):
                buffer += chunk
                size += len(chunk)
                if len(buffer) >= self.part_size:
                    if upload_id is None:
                        created = await self.client.create_multipart_upload(
                            **target, ContentType=content_type
                        )
                        upload_id = str(created["UploadId"])
                    parts.append(await self._part(target, upload_id, len(parts) + 1, buffer))
                    buffer.clear()
            if upload_id is None:
                await self.client.put_object(**target, Body=bytes(buffer), ContentType=content_type)
                return size
            if buffer:
                parts.append(await self._part(target, upload_id, len(parts) + 1, buffer))
            await self.client.complete_multipart_upload(
                **target, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            if upload_id is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(
                        self.client.abort_multipart_upload(**target, UploadId=upload_id)
                    )
            raise
        return size

    async def _part(
        self, target: dict[str, str], upload_id: str, number: int, data: bytearray
    ) -> dict[str, Any]:
        uploaded = await self.client.upload_part(
            **target, UploadId=upload_id, PartNumber=number, Body=bytes(data)
        )
        return {"ETag": uploaded["ETag"], "PartNumber": number}

    async def get(self, key: str) -> bytes:
        """Download the whole object."""
        return b"".join([chunk async for chunk in self.stream(key)])

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        """Download the object in chunks."""
        try:
            response = await self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                raise KeyError(key) from None
            raise
        body = response["Body"]
        try:
            async for chunk in body.iter_chunks(_CHUNK):
                yield chunk
        finally:
            body.close()

    async def stat(self, key: str) -> tuple[int, str]:
        """HEAD the object."""
        try:
            head = await self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                raise KeyError(key) from None
            raise
        return int(head["ContentLength"]), str(head.get("ContentType", "binary/octet-stream"))

    async def delete(self, key: str) -> None:
        """Delete the object (S3 does not mind a missing one)."""
        await self.client.delete_object(Bucket=self.bucket, Key=key)

    async def list(self, prefix: str) -> AsyncIterator[str]:
        """List the keys under ``prefix``, page by page."""
        paginator = self.client.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", ()):
                yield str(item["Key"])

    async def abort_uploads(self, prefix: str) -> None:
        """Abort the multipart uploads under ``prefix`` that a crashed process left open."""
        paginator = self.client.get_paginator("list_multipart_uploads")
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for upload in page.get("Uploads", ()):
                await self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )

    async def url(self, key: str, *, expires_in: int) -> str:
        """A presigned GET URL."""
        url = await self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in
        )
        return str(url)
