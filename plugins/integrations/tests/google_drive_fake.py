"""A fake Google Drive API (v3) for ``FakeGoogle``: one user's My Drive, as documented.

``GET /drive/v3/changes/startPageToken``; ``GET /drive/v3/files`` (``q`` with ``trashed =
false`` leaves trashed files out; folders are never listed here) paged by ``pageToken``;
``GET /drive/v3/changes?pageToken=…`` the changes since that token, a change per file
(``removed`` for a deleted one), paged, the last page with ``newStartPageToken``; ``GET
/drive/v3/files/{id}?alt=media`` a file's bytes (403 ``fileNotDownloadable`` for Google's
native types); ``GET /drive/v3/files/{id}/export?mimeType=…`` a native file's bytes in that
format (403 ``fileNotExportable`` for others). Sizes are strings, as Drive sends int64s.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

__all__ = ("DOC", "FakeDrive")

DOC = "application/vnd.google-apps.document"
_PREFIX = "/drive/v3/"


def _error(code: int, reason: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": reason, "errors": [{"reason": reason}]}}


class FakeDrive:
    """Files with content, and the log of their changes."""

    def __init__(self) -> None:
        self.files: dict[str, dict[str, Any]] = {}
        self.content: dict[str, bytes] = {}
        self.changed: dict[str, int] = {}
        self.removed: set[str] = set()
        self.seq = 0
        self.downloads = 0

    def _touch(self, file_id: str) -> None:
        self.seq += 1
        self.changed[file_id] = self.seq
        file = self.files.get(file_id)
        if file is None:
            return
        file["version"] = str(int(file.get("version", "0")) + 1)
        if file["mimeType"] != DOC:
            data = self.content[file_id]
            file["md5Checksum"] = hashlib.md5(data).hexdigest()  # noqa: S324 - Drive's checksum
            file["size"] = str(len(data))

    def add(self, name: str, data: bytes, mime_type: str = "application/pdf") -> str:
        """A file uploaded (or, with ``DOC``, a document made) in Google; answers its id."""
        file_id = uuid.uuid4().hex[:28]
        self.files[file_id] = {
            "kind": "drive#file",
            "id": file_id,
            "name": name,
            "mimeType": mime_type,
            "trashed": False,
        }
        self.content[file_id] = data
        self._touch(file_id)
        return file_id

    def write(self, file_id: str, data: bytes) -> None:
        """New content for a file (a new version in Google)."""
        self.content[file_id] = data
        self._touch(file_id)

    def trash(self, file_id: str) -> None:
        self.files[file_id]["trashed"] = True
        self._touch(file_id)

    def by_name(self, name: str) -> list[str]:
        return [i for i, f in self.files.items() if f["name"] == name]

    def handles(self, path: str) -> bool:
        return path.startswith(_PREFIX)

    def api(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        rest = path.removeprefix(_PREFIX)
        if rest == "changes/startPageToken":
            return 200, {"kind": "drive#startPageToken", "startPageToken": str(self.seq + 1)}
        if rest == "files":
            shown = list(self.files.values())
            if "trashed = false" in query.get("q", ""):
                shown = [f for f in shown if not f["trashed"]]
            return 200, self._page("drive#fileList", "files", shown, query, {})
        if rest == "changes":
            since, _, _ = query["pageToken"].partition(".")
            ids = sorted(
                (i for i, s in self.changed.items() if s >= int(since)), key=self.changed.get
            )
            changes = [self._change(i) for i in ids]
            end = {"newStartPageToken": str(self.seq + 1)}
            return 200, self._page("drive#changeList", "changes", changes, query, end, since)
        file_id, _, verb = rest.removeprefix("files/").partition("/")
        if file_id not in self.files:
            return 404, _error(404, "notFound")
        native = self.files[file_id]["mimeType"] == DOC
        if verb == "export" and native and query.get("mimeType"):
            self.downloads += 1
            return 200, self.content[file_id]
        if verb == "" and query.get("alt") == "media" and not native:
            self.downloads += 1
            return 200, self.content[file_id]
        return 403, _error(403, "fileNotExportable" if verb else "fileNotDownloadable")

    def _change(self, file_id: str) -> dict[str, Any]:
        change: dict[str, Any] = {"kind": "drive#change", "changeType": "file", "fileId": file_id}
        change["removed"] = file_id not in self.files
        if not change["removed"]:
            change["file"] = self.files[file_id]
        return change

    @staticmethod
    def _page(
        kind: str,
        key: str,
        rows: list[dict[str, Any]],
        query: dict[str, str],
        end: dict[str, str],
        since: str = "",
    ) -> dict[str, Any]:
        size = int(query.get("pageSize") or 100)
        _, _, offset = query.get("pageToken", "").partition(".")
        start = int(offset or 0) if since else int(query.get("pageToken") or 0)
        answer: dict[str, Any] = {"kind": kind, key: rows[start : start + size]}
        if start + size < len(rows):
            answer["nextPageToken"] = f"{since}.{start + size}" if since else str(start + size)
        else:
            answer.update(end)
        return answer
