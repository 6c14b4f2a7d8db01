"""Decks: create, import (PPTX), read, present, export (PPTX, PDF)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal
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

from nexus_slides._collab import Listed, create_document, list_documents, read_document
from nexus_slides._drive_file import DriveImportIn, read_drive_file
from nexus_slides._examples import body
from nexus_slides._images import deck_images, store_images
from nexus_slides._keys import DECK_CREATED, READ, WRITE, DeckCreated
from nexus_slides._model import add_slide, deck_size, new_deck, read_deck

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("DeckController",)

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


_EXPORT_OPERATION = file_operation(PPTX, "application/pdf")

_MAX_UPLOAD = 50 * 1024 * 1024
_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
_Points = Annotated[float, msgspec.Meta(ge=72, le=4000)]


class DeckIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new deck: its Drive file's name and folder, slide size (points), blank slides."""

    name: _Name
    folder_id: UUID | None = None
    width: _Points = 960
    height: _Points = 540
    slides: Annotated[int, msgspec.Meta(ge=0, le=200)] = 1


class DeckOut(msgspec.Struct, kw_only=True):
    """A deck's Drive file and its number of slides."""

    id: UUID  # the Drive file's
    name: str
    slides: int


class ElementOut(msgspec.Struct, kw_only=True):
    """An element: text box, picture (its Drive file) or shape; points from the top left."""

    id: str
    type: str
    x: float
    y: float
    w: float
    h: float
    text: str
    shape: str | None
    fill: str | None
    image: str | None
    font_size: float | None


class SlideOut(msgspec.Struct, kw_only=True):
    """A slide, its elements and its speaker notes."""

    id: str
    number: int
    layout: str
    elements: list[ElementOut]
    notes: str


class DeckView(msgspec.Struct, kw_only=True):
    """A deck's slides in order, with their size in points."""

    file_id: UUID
    width: float
    height: float
    slides: list[SlideOut]


def _actor(context: Context) -> str:
    return context.actor or "anonymous"


def _view(file_id: UUID, doc: Any) -> DeckView:
    width, height = deck_size(doc)
    slides = [
        SlideOut(
            id=slide.id,
            number=number,
            layout=slide.layout,
            elements=[msgspec.convert(e, ElementOut, from_attributes=True) for e in slide.elements],
            notes=slide.notes,
        )
        for number, slide in enumerate(read_deck(doc), start=1)
    ]
    return DeckView(file_id=file_id, width=width, height=height, slides=slides)


async def _upload(request: Request[Any, Any, Any]) -> bytes:
    """The uploaded PPTX: sent raw, or as a multipart ``file`` part."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            invalid("file", "missing file part")
        data = await upload.read()
    elif media in {PPTX, "application/octet-stream"}:
        data = await request.body()
    else:
        raise ClientException(f"send {PPTX}", status_code=415)
    if len(data) > _MAX_UPLOAD:
        raise ClientException("a presentation of more than 50 MB is refused", status_code=413)
    return data


class DeckController(Controller):
    """Decks, stored by collab as Drive files."""

    path = "/decks"

    @get("/", opt=route_opt(permission=READ))
    async def list_decks(
        self, db: Db, services: Services, context: Context, cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[Listed]:  # fmt: skip
        """The decks the caller may open (Drive decides), newest first."""
        async with db.transaction() as conn:
            return await list_documents(
                conn, services, actor=_actor(context), cursor=cursor, limit=limit
            )

    @post("/", opt=route_opt(permission=WRITE), status_code=201)
    async def create_deck(
        self, db: Db, services: Services, events: Events, context: Context,
        data: Annotated[DeckIn, body("POST /decks", "A deck of three slides")],
    ) -> DeckOut:  # fmt: skip
        """Create a deck of blank slides."""
        doc = new_deck(width=data.width, height=data.height)
        for number in range(1, data.slides + 1):
            add_slide(doc, slide_id=f"s{number}", layout="title" if number == 1 else "blank")
        return await self._store(
            db, services, events, context, data.name, data.folder_id, doc, "new"
        )

    @post(
        "/import",
        opt=route_opt(permission=WRITE),
        status_code=201,
        summary="Import a PPTX file as a new deck",
    )
    async def import_deck(
        self, request: Request[Any, Any, Any], db: Db, services: Services, events: Events,
        context: Context, blobs: TenantBlobs,
        name: Annotated[str, QueryParameter(min_length=1, max_length=255)],
        folder_id: FromQuery[UUID | None] = None,
    ) -> DeckOut:  # fmt: skip
        """A deck from a PPTX file: text boxes, pictures (filed into Drive), shapes, notes."""
        data = await _upload(request)
        return await self._import(db, services, events, context, blobs, data, name, folder_id)

    @post(
        "/import-drive",
        opt=route_opt(permission=WRITE),
        status_code=201,
        summary="Import a PPTX file already in Drive as a new deck",
    )
    async def import_drive_deck(
        self, db: Db, services: Services, events: Events, context: Context, blobs: TenantBlobs,
        data: Annotated[DriveImportIn, body("POST /decks/import-drive", "A PPTX in Drive")],
    ) -> DeckOut:  # fmt: skip
        """A deck from a PPTX file in Drive the caller may open.

        No role on the file: 404; quarantined: 409; another type or an unreadable file: 422
        naming ``file_id``.
        """
        async with db.transaction() as conn:
            found = await read_drive_file(
                conn, services, blobs, data, actor=_actor(context),
                extensions=frozenset({"pptx"}), max_size=_MAX_UPLOAD,
            )  # fmt: skip
        return await self._import(
            db, services, events, context, blobs, found.data, found.name, data.folder_id,
            field="file_id",
        )  # fmt: skip

    async def _import(
        self, db: Db, services: Services, events: Events, context: Context, blobs: TenantBlobs,
        data: bytes, name: str, folder_id: UUID | None, *, field: str = "file",
    ) -> DeckOut:  # fmt: skip
        # python-pptx loads with the first file, not at start-up.
        from nexus_slides._pptx import import_pptx, pptx_images  # noqa: PLC0415

        try:
            images = pptx_images(data)
        except ValueError as exc:
            invalid(field, str(exc))
        doc = new_deck()
        async with db.transaction() as conn:  # the pictures and the deck, or neither
            stored = await store_images(
                conn, services, blobs, images, actor=_actor(context), folder_id=folder_id
            )
            import_pptx(data, doc, images=stored)
            return await self._create(conn, services, events, context, name, folder_id, doc, "pptx")

    async def _store(
        self, db: Db, services: Services, events: Events, context: Context, name: str,
        folder_id: UUID | None, doc: Any, source: Literal["new", "pptx"],
    ) -> DeckOut:  # fmt: skip
        async with db.transaction() as conn:
            return await self._create(conn, services, events, context, name, folder_id, doc, source)

    async def _create(
        self, conn: Connection, services: Services, events: Events, context: Context,
        name: str, folder_id: UUID | None, doc: Any, source: Literal["new", "pptx"],
    ) -> DeckOut:  # fmt: skip
        count = len(read_deck(doc))
        file_id = await create_document(
            conn, services, name=name, actor=_actor(context), folder_id=folder_id, doc=doc
        )
        made = DeckCreated(file_id=file_id, name=name, slides=count, source=source)
        await events.publish(conn, type=DECK_CREATED.type, data=made, subject=str(file_id))
        return DeckOut(id=file_id, name=name, slides=count)

    @get("/{file_id:uuid}", opt=route_opt(permission=READ))
    async def show_deck(
        self, db: Db, services: Services, context: Context, file_id: FromPath[UUID]
    ) -> DeckView:
        """The deck's slides, their elements and notes."""
        async with db.transaction() as conn:
            document = await read_document(conn, services, file_id=file_id, actor=_actor(context))
        return _view(file_id, document.doc)

    @get("/{file_id:uuid}/present", opt=route_opt(permission=READ))
    async def present_deck(
        self, db: Db, services: Services, context: Context, file_id: FromPath[UUID]
    ) -> DeckView:
        """Present mode: the slides numbered in showing order, each with its speaker notes."""
        async with db.transaction() as conn:
            document = await read_document(conn, services, file_id=file_id, actor=_actor(context))
        return _view(file_id, document.doc)

    @get(
        "/{file_id:uuid}/export",
        opt=route_opt(permission=READ),
        media_type=PPTX,
        operation_class=_EXPORT_OPERATION,
    )
    async def export_deck(
        self, db: Db, services: Services, context: Context, blobs: TenantBlobs,
        file_id: FromPath[UUID],
        format: FromQuery[Literal["pptx", "pdf"]] = "pptx",  # noqa: A002 - the query's name
    ) -> Response[bytes]:  # fmt: skip
        """The deck as PPTX (text boxes, pictures, shapes, notes) or PDF (a page per slide)."""
        # python-pptx and fpdf2 load with the first export, not at start-up.
        from nexus_slides._pdf import export_pdf  # noqa: PLC0415
        from nexus_slides._pptx import export_pptx  # noqa: PLC0415

        async with db.transaction() as conn:
            actor = _actor(context)
            document = await read_document(conn, services, file_id=file_id, actor=actor)
            images = await deck_images(conn, services, blobs, document.doc, actor=actor)
        if format == "pdf":
            body, media = (
                export_pdf(document.doc, images=images, title=str(file_id)),
                "application/pdf",
            )
        else:
            body, media = export_pptx(document.doc, images=images), PPTX
        disposition = content_disposition(f"{file_id}.{format}")
        return Response(body, media_type=media, headers={"Content-Disposition": disposition})
