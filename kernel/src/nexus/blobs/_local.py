"""Files under ``NEXUS_DATA_DIR/blobs``, downloaded through signed kernel URLs."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import anyio

from nexus.blobs._keys import limited
from nexus.blobs._signing import UrlSigner

if TYPE_CHECKING:
    import builtins
    from collections.abc import AsyncIterable, AsyncIterator

__all__ = ("SIGNED_PATH", "LocalBlobBackend")

SIGNED_PATH = "/api/v1/signed-files"
_CHUNK = 64 * 1024
_DEFAULT_TYPE = "application/octet-stream"


class LocalBlobBackend:
    """Objects as files: ``objects/<key>`` holds the bytes, ``meta/<key>`` the content type.

    Writes go to ``tmp/`` first and are renamed into place, so a reader sees the old object
    or the new one, never half of one. A key cannot be both an object and the folder of
    another (``a`` and ``a/b``), which S3 would allow: the second write raises ``ValueError``.

    Args:
        root: The directory (``NEXUS_DATA_DIR/blobs``).
        base_url: Prepended to signed URLs (``NEXUS_PUBLIC_URL``); relative URLs when empty.
    """

    def __init__(self, root: Path, *, base_url: str = "") -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")
        self._objects = root / "objects"
        self._meta = root / "meta"
        self._tmp = root / "tmp"
        self._signer: UrlSigner | None = None

    @property
    def signer(self) -> UrlSigner:
        """The URL signer, its secret read (or created) on first use."""
        if self._signer is None:
            self._signer = UrlSigner.from_file(self.root / "signing.key")
        return self._signer

    async def _signing(self) -> UrlSigner:
        if self._signer is not None:
            return self._signer
        return await asyncio.to_thread(lambda: self.signer)  # file I/O, once per process

    async def verify(self, key: str, expires: int, signature: str) -> bool:
        """Whether a signed URL's ``signature`` is valid for ``key`` and not yet expired."""
        return (await self._signing()).verify(key, expires, signature, now=time.time())

    async def start(self) -> None:
        """Nothing to open: directories and the signing secret appear on first use."""

    async def stop(self) -> None:
        """Nothing to close."""

    def path(self, key: str) -> Path:
        """The file holding the object ``key``."""
        return self._objects / key

    async def put(
        self, key: str, data: bytes | AsyncIterable[bytes], *, content_type: str, max_bytes: int
    ) -> int:
        """Stream ``data`` into a temporary file, then move it into place."""
        await asyncio.to_thread(self._tmp.mkdir, parents=True, exist_ok=True)
        draft = self._tmp / secrets.token_hex(16)
        size = 0
        try:
            async with await anyio.open_file(draft, "wb") as file:
                async for chunk in limited(data, max_bytes):
                    await file.write(chunk)
                    size += len(chunk)
            await asyncio.to_thread(self._commit, key, draft, content_type)
        finally:
            draft.unlink(missing_ok=True)
        return size

    def _commit(self, key: str, draft: Path, content_type: str) -> None:
        target, meta = self._objects / key, self._meta / key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            meta.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                raise IsADirectoryError(target)
            described = self._tmp / secrets.token_hex(16)
            described.write_text(json.dumps({"content_type": content_type}))
            os.replace(described, meta)
            os.replace(draft, target)
        except (NotADirectoryError, FileExistsError, IsADirectoryError):
            raise ValueError(f"object key {key!r} conflicts with another object") from None

    async def get(self, key: str) -> bytes:
        """Read the whole file."""
        try:
            return await anyio.Path(self._objects / key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise KeyError(key) from None

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        """Read the file in chunks."""
        try:
            file = await anyio.open_file(self._objects / key, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise KeyError(key) from None
        async with file:
            while chunk := await file.read(_CHUNK):
                yield chunk

    async def stat(self, key: str) -> tuple[int, str]:
        """The file's size and the content type kept beside it."""
        return await asyncio.to_thread(self._stat, key)

    def _stat(self, key: str) -> tuple[int, str]:
        target = self._objects / key
        try:
            if not target.is_file():
                raise KeyError(key)
            size = target.stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            raise KeyError(key) from None
        try:
            content_type = json.loads((self._meta / key).read_text())["content_type"]
        except (OSError, ValueError, KeyError):
            content_type = _DEFAULT_TYPE
        return size, str(content_type)

    async def delete(self, key: str) -> None:
        """Remove the file and its description, and folders left empty."""
        await asyncio.to_thread(self._delete, key)

    def _delete(self, key: str) -> None:
        for base in (self._objects, self._meta):
            path = base / key
            try:
                path.unlink()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                continue
            for parent in path.parents:
                if parent == base:
                    break
                try:
                    parent.rmdir()
                except OSError:
                    break

    async def list(self, prefix: str) -> AsyncIterator[str]:
        """The keys under ``prefix``, sorted."""
        for key in await asyncio.to_thread(self._list, prefix):
            yield key

    def _list(self, prefix: str) -> builtins.list[str]:
        folder = self._objects / prefix.rpartition("/")[0]
        keys = []
        for directory, _, files in os.walk(folder):
            relative = Path(directory).relative_to(self._objects).as_posix()
            for name in files:
                key = name if relative == "." else f"{relative}/{name}"
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    async def abort_uploads(self, prefix: str) -> None:
        """Nothing to abort: an unfinished write is an unnamed draft in ``tmp/``, no key's."""

    async def url(self, key: str, *, expires_in: int) -> str:
        """A kernel URL signed for ``key`` until ``expires_in`` seconds from now."""
        expires = int(time.time()) + expires_in
        signature = (await self._signing()).sign(key, expires)
        return f"{self.base_url}{SIGNED_PATH}/{quote(key)}?expires={expires}&signature={signature}"
