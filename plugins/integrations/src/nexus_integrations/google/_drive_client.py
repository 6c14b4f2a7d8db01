"""A client of Google's Drive API (v3) through google-api-python-client.

Built from the discovery document shipped in this package (``discovery/drive.v3.json``) at
the configured ``drive_api_url``. The first run lists every file (``files.list``, not
trashed) after taking ``changes.getStartPageToken``; later runs read ``changes.list`` from
that page token and keep its ``newStartPageToken``. Content is downloaded with
``files.get`` ``alt=media``; Google's own documents, sheets and slides, which have no
content of their own, are exported (``files.export``) as OOXML. Every call is retried with
backoff (``_retry``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_integrations._retry import retrying
from nexus_integrations.google._client import google_service

if TYPE_CHECKING:
    from nexus_integrations.google._client import GoogleConfig

__all__ = ("EXPORTS", "FILE_FIELDS", "DriveClient")

FILE_FIELDS = "id,name,mimeType,md5Checksum,size,version,trashed,modifiedTime"
EXPORTS = {
    "application/vnd.google-apps.document": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "application/vnd.google-apps.spreadsheet": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "application/vnd.google-apps.presentation": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
"""Google's native types → the format exported and the file name's suffix."""
_PAGE = 100


class DriveClient:
    """The files of the signed-in user's My Drive."""

    def __init__(self, config: GoogleConfig) -> None:
        self._service: Any = google_service(config, "drive.v3", config.drive_api_url)

    def _pages(self, method: Any, key: str, **params: Any) -> tuple[list[dict[str, Any]], Any]:
        found: list[dict[str, Any]] = []
        page: str | None = params.pop("pageToken", None)
        while True:
            answer = retrying(method(**params, **({"pageToken": page} if page else {})).execute)
            found.extend(answer.get(key, []))
            page = answer.get("nextPageToken")
            if not page:
                return found, answer

    def start_token(self) -> str:
        """``changes.getStartPageToken``: where the changes after now begin."""
        answer = retrying(self._service.changes().getStartPageToken().execute)
        return str(answer["startPageToken"])

    def files(self) -> list[dict[str, Any]]:
        """Every file not trashed (``files.list``)."""
        found, _ = self._pages(
            self._service.files().list,
            "files",
            q="trashed = false and mimeType != 'application/vnd.google-apps.folder'",
            pageSize=_PAGE,
            fields=f"nextPageToken,files({FILE_FIELDS})",
        )
        return found

    def changes(self, token: str) -> tuple[list[dict[str, Any]], str]:
        """The changes since ``token`` (``changes.list``), and the token after them."""
        found, last = self._pages(
            self._service.changes().list,
            "changes",
            pageToken=token,
            pageSize=_PAGE,
            includeRemoved=True,
            fields=f"nextPageToken,newStartPageToken,changes(fileId,removed,file({FILE_FIELDS}))",
        )
        return found, str(last["newStartPageToken"])

    def content(self, file: dict[str, Any]) -> bytes:
        """The file's bytes: downloaded, or exported for Google's native types."""
        files = self._service.files()
        if file["mimeType"] in EXPORTS:
            request = files.export(fileId=file["id"], mimeType=EXPORTS[file["mimeType"]][0])
        else:
            request = files.get_media(fileId=file["id"])
        data: bytes = retrying(request.execute)
        return data
