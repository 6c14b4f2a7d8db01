"""Workbooks: create, import (XLSX, CSV), read, export (XLSX, CSV, PDF), recalculate."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException
from litestar.params import FromPath, FromQuery, QueryParameter
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    Services,
    TenantBlobs,
    content_disposition,
    file_operation,
    invalid,
    route_opt,
)

from nexus_sheets._collab import Listed, create_document, list_documents, read_document
from nexus_sheets._drive_file import DriveImportIn, read_drive_file
from nexus_sheets._examples import body
from nexus_sheets._keys import READ, WORKBOOK_CREATED, WRITE, WorkbookCreated
from nexus_sheets._model import (
    add_sheet,
    new_workbook,
    read_workbook,
    sheet_names,
)
from nexus_sheets._workbooks import recalculate_stored

__all__ = ("WorkbookController",)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_EXPORT_OPERATION = file_operation(XLSX, "text/csv", "application/pdf")

_MAX_UPLOAD = 20 * 1024 * 1024
_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]


class WorkbookIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new, empty workbook: its Drive file's name, folder and sheets."""

    name: _Name
    folder_id: UUID | None = None
    sheets: Annotated[list[str], msgspec.Meta(min_length=1, max_length=100)] = msgspec.field(
        default_factory=lambda: ["Sheet1"]
    )


class WorkbookOut(msgspec.Struct, kw_only=True):
    """A workbook's Drive file and its sheets."""

    id: UUID  # the Drive file's
    name: str
    sheets: list[str]


class CellOut(msgspec.Struct, kw_only=True):
    """A cell: value (computed for a formula), formula, format."""

    value: float | int | str | bool | None
    formula: str | None
    format: dict[str, Any]


class ChartOut(msgspec.Struct, kw_only=True):
    """A chart over a range of its sheet."""

    type: str
    range: str
    title: str
    anchor: str


class SheetOut(msgspec.Struct, kw_only=True):
    """A sheet's cells, column widths and charts."""

    name: str
    cells: dict[str, CellOut]
    cols: dict[str, float]
    charts: list[ChartOut]


class WorkbookView(msgspec.Struct, kw_only=True):
    """A workbook's content."""

    file_id: UUID
    sheets: list[SheetOut]


class RecalculationOut(msgspec.Struct, kw_only=True):
    """How many cell values a recalculation changed."""

    file_id: UUID
    changed: int


def _actor(context: Context) -> str:
    return context.actor or "anonymous"


async def _upload(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    """The uploaded file and its media type: sent raw, or as a multipart ``file`` part."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            invalid("file", "missing file part")
        data, media = await upload.read(), (upload.content_type or "").lower()
    else:
        data = await request.body()
    if len(data) > _MAX_UPLOAD:
        raise ClientException("a workbook of more than 20 MB is refused", status_code=413)
    return data, media


def _is_csv(media: str) -> bool:
    return media in {"text/csv", "text/plain", "application/csv"}


def _parse(data: bytes, kind: Literal["csv", "xlsx"], *, field: str) -> Any:
    """A recalculated workbook from an XLSX or CSV file (422 naming ``field`` if unreadable)."""
    # openpyxl, formulas and numpy load with the first file, not at start-up (a second).
    from nexus_sheets._csv import import_csv  # noqa: PLC0415
    from nexus_sheets._recalc import recalculate  # noqa: PLC0415
    from nexus_sheets._xlsx import import_xlsx  # noqa: PLC0415

    doc = new_workbook(())
    try:
        if kind == "csv":
            import_csv(data.decode("utf-8-sig"), doc, sheet="Sheet1")
        else:
            import_xlsx(data, doc)
    except (ValueError, UnicodeDecodeError) as exc:
        invalid(field, str(exc))
    recalculate(doc)
    return doc


class WorkbookController(Controller):
    """Workbooks, stored by collab as Drive files."""

    path = "/workbooks"

    @get("/", opt=route_opt(permission=READ))
    async def list_workbooks(
        self, db: Db, services: Services, context: Context, cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[Listed]:  # fmt: skip
        """The workbooks the caller may open (Drive decides), newest first."""
        async with db.transaction() as conn:
            return await list_documents(
                conn, services, actor=_actor(context), cursor=cursor, limit=limit
            )

    @post("/", opt=route_opt(permission=WRITE), status_code=201)
    async def create_workbook(
        self, db: Db, services: Services, events: Events, context: Context,
        data: Annotated[WorkbookIn, body("POST /workbooks", "A budget with two sheets")],
    ) -> WorkbookOut:  # fmt: skip
        """Create an empty workbook with these sheets."""
        doc = new_workbook(())
        for index, name in enumerate(data.sheets):
            try:
                add_sheet(doc, name)
            except ValueError as exc:
                invalid(f"sheets[{index}]", str(exc))
        return await self._store(
            db, services, events, context, data.name, data.folder_id, doc, "new"
        )

    @post(
        "/import",
        opt=route_opt(permission=WRITE),
        status_code=201,
        summary="Import an XLSX or CSV file as a new workbook",
    )
    async def import_workbook(
        self, request: Request[Any, Any, Any], db: Db, services: Services, events: Events,
        context: Context, name: Annotated[str, QueryParameter(min_length=1, max_length=255)],
        folder_id: FromQuery[UUID | None] = None,
    ) -> WorkbookOut:  # fmt: skip
        """A workbook from an XLSX file (formulas, formats, widths, charts) or a CSV file."""
        data, media = await _upload(request)
        if _is_csv(media):
            kind: Literal["csv", "xlsx"] = "csv"
        elif media in {XLSX, "application/octet-stream"}:
            kind = "xlsx"
        else:
            raise ClientException(f"send {XLSX} or text/csv", status_code=415)
        doc = _parse(data, kind, field="file")
        return await self._store(db, services, events, context, name, folder_id, doc, kind)

    @post(
        "/import-drive",
        opt=route_opt(permission=WRITE),
        status_code=201,
        summary="Import an XLSX or CSV file already in Drive as a new workbook",
    )
    async def import_drive_workbook(
        self, db: Db, services: Services, events: Events, context: Context, blobs: TenantBlobs,
        data: Annotated[DriveImportIn, body("POST /workbooks/import-drive", "An XLSX in Drive")],
    ) -> WorkbookOut:  # fmt: skip
        """A workbook from an XLSX or CSV file in Drive the caller may open (by its extension).

        No role on the file: 404; quarantined: 409; another type or an unreadable file: 422
        naming ``file_id``.
        """
        async with db.transaction() as conn:
            found = await read_drive_file(
                conn, services, blobs, data, actor=_actor(context),
                extensions=frozenset({"xlsx", "csv"}), max_size=_MAX_UPLOAD,
            )  # fmt: skip
        kind: Literal["csv", "xlsx"] = "csv" if found.extension == "csv" else "xlsx"
        doc = _parse(found.data, kind, field="file_id")
        return await self._store(
            db, services, events, context, found.name, data.folder_id, doc, kind
        )

    async def _store(
        self, db: Db, services: Services, events: Events, context: Context, name: str,
        folder_id: UUID | None, doc: Any, source: Literal["new", "xlsx", "csv"],
    ) -> WorkbookOut:  # fmt: skip
        async with db.transaction() as conn:
            file_id = await create_document(
                conn, services, name=name, actor=_actor(context), folder_id=folder_id, doc=doc
            )
            made = WorkbookCreated(
                file_id=file_id, name=name, sheets=sheet_names(doc), source=source
            )
            await events.publish(conn, type=WORKBOOK_CREATED.type, data=made, subject=str(file_id))
        return WorkbookOut(id=file_id, name=name, sheets=made.sheets)

    @get("/{file_id:uuid}", opt=route_opt(permission=READ))
    async def show_workbook(
        self, db: Db, services: Services, context: Context, file_id: FromPath[UUID]
    ) -> WorkbookView:
        """The workbook's sheets, cells (values computed), column widths and charts."""
        async with db.transaction() as conn:
            document = await read_document(conn, services, file_id=file_id, actor=_actor(context))
        return WorkbookView(
            file_id=file_id,
            sheets=[
                msgspec.convert(sheet, SheetOut, from_attributes=True)
                for sheet in read_workbook(document.doc)
            ],
        )

    @get(
        "/{file_id:uuid}/export",
        opt=route_opt(permission=READ),
        media_type=XLSX,
        operation_class=_EXPORT_OPERATION,
    )
    async def export_workbook(
        self, db: Db, services: Services, context: Context, file_id: FromPath[UUID],
        format: FromQuery[Literal["xlsx", "csv", "pdf"]] = "xlsx",  # noqa: A002 - the query's name
        sheet: FromQuery[str | None] = None,
    ) -> Response[bytes]:  # fmt: skip
        """The workbook as XLSX (formulas kept), one sheet as CSV (values), or PDF."""
        # openpyxl and fpdf2 load with the first export, not at start-up.
        from nexus_sheets._csv import export_csv  # noqa: PLC0415
        from nexus_sheets._pdf import export_pdf  # noqa: PLC0415
        from nexus_sheets._xlsx import export_xlsx  # noqa: PLC0415

        async with db.transaction() as conn:
            document = await read_document(conn, services, file_id=file_id, actor=_actor(context))
        doc = document.doc
        if format == "csv":
            try:
                body, media = export_csv(doc, sheet).encode(), "text/csv; charset=utf-8"
            except KeyError:
                invalid("sheet", f"the workbook has no sheet {sheet!r}", source="query")
        elif format == "pdf":
            body, media = export_pdf(doc, title=str(file_id)), "application/pdf"
        else:
            body, media = export_xlsx(doc), XLSX
        disposition = content_disposition(f"{file_id}.{format}")
        return Response(body, media_type=media, headers={"Content-Disposition": disposition})

    @post("/{file_id:uuid}/recalculate", opt=route_opt(permission=WRITE), status_code=200)
    async def recalculate_workbook(
        self, db: Db, services: Services, events: Events, context: Context,
        file_id: FromPath[UUID],
    ) -> RecalculationOut:  # fmt: skip
        """Recalculate every formula now; the changed values go to every open editor."""
        async with db.transaction() as conn:
            changed = await recalculate_stored(
                conn, services, events, file_id=file_id, actor=_actor(context)
            )
        return RecalculationOut(file_id=file_id, changed=changed)
