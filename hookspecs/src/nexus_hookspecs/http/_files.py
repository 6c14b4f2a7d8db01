"""Routes that answer files: the download header, and the OpenAPI operation describing them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, Schema

__all__ = ("content_disposition", "file_operation")


def content_disposition(name: str) -> str:
    """``attachment`` with the file's name (RFC 6266): an ASCII fallback, then UTF-8.

    A header is Latin-1 on the wire, so the name itself goes percent-encoded as
    ``filename*`` (RFC 8187), which clients that know it show as it is; older clients show
    the fallback, the name with every character outside printable ASCII (and quotes and
    backslashes) replaced by ``_`` (``download`` when nothing is left).

    Example::

        Response(body, media_type="text/csv",
                 headers={"Content-Disposition": content_disposition("Überblick.csv")})
    """
    fallback = (
        "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name).strip()
        or "download"
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_operation(
    *media_types: str, keep_json: bool = False, description: str | None = None
) -> type[Operation]:
    """An ``operation_class`` whose 200 answers files of ``media_types`` in the OpenAPI document.

    Litestar describes a handler's 200 by its return annotation (JSON, or ``bytes`` as
    ``application/octet-stream``); a route answering a DOCX, a CSV or a PDF says so with
    this class: each media type's 200 is a binary string.

    Args:
        media_types: What the route may answer (``text/csv``, ``application/pdf``, ...).
        keep_json: Keep the JSON Litestar derived beside them (a report answering JSON by
            default and CSV on request); else the files replace it.
        description: What the files hold, on their schema (``The rows as CSV.``).

    Returns:
        An :class:`~litestar.openapi.spec.Operation` subclass for ``@get(...,
        operation_class=...)``.

    Example::

        @get("/{id:uuid}/export", operation_class=file_operation("text/csv", "application/pdf"),
             opt=route_opt(permission="bookings.items:read"))
        async def export(id: UUID) -> Response[bytes]: ...
    """
    kinds = tuple(media_types)

    @dataclass
    class FileOperation(Operation):
        """The route's OpenAPI operation, its 200 answering files."""

        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            content = getattr(ok, "content", None)
            if content is None:
                return
            schema = Schema(
                type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description=description
            )
            files = {kind: OpenAPIMediaType(schema=schema) for kind in kinds}
            ok.content = {**content, **files} if keep_json else files  # type: ignore[union-attr]

    return FileOperation
