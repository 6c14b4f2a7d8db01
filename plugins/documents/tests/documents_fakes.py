"""Stand-ins for Drive, Finance and HR (tests only).

The Drive stand-in offers the services Documents calls, with the contract's request and
answer fields (requests converted strictly: an unknown field is refused), keeping files per
tenant in memory; a route makes a file, as an upload would. Finance and HR publish their
``*.rendered.v1`` contract events through the kernel's outbox, so Documents' handlers are
driven by real event delivery.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID, uuid4

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import (
    BlobStore,
    Database,
    EventPublisher,
    Manifest,
    Permission,
    RequestContext,
    Service,
    ServiceContext,
    hookimpl,
)
from nexus_hookspecs.http import route_opt


class Adopt(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    blob_key: str
    name: str
    folder: str
    content_type: str
    size: int
    source_ref: str


class Adopted(msgspec.Struct, kw_only=True):
    file_id: UUID
    version_id: UUID
    path: str


class FilesGet(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    file_ids: list[UUID]


class File(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    path: str
    size: int
    content_type: str
    version_id: UUID
    drive_id: UUID
    trashed: bool = False
    blob_key: str = ""
    source_ref: str | None = None
    versions: int = 1


class FilesGot(msgspec.Struct, kw_only=True):
    files: list[File]


class Trash(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    file_ids: Annotated[list[UUID], msgspec.Meta(min_length=1)]
    source: str = "plugin"


class Trashed(msgspec.Struct, kw_only=True):
    trashed: list[UUID]


FILES: dict[UUID, dict[UUID, File]] = {}
"""Files per tenant id."""

DRIVE = uuid4()


def _files(tenant_id: UUID) -> dict[UUID, File]:
    return FILES.setdefault(tenant_id, {})


async def adopt(data: Adopt, ctx: ServiceContext) -> Adopted:
    files = _files(ctx.tenant_id)
    for file in files.values():
        if file.source_ref == data.source_ref:
            if file.blob_key != data.blob_key:
                file.blob_key, file.version_id = data.blob_key, uuid4()
                file.versions += 1
            return Adopted(file_id=file.id, version_id=file.version_id, path=file.path)
    file = File(
        id=uuid4(),
        name=data.name,
        path=f"/Documents/{data.folder}/{data.name}",
        size=data.size,
        content_type=data.content_type,
        version_id=uuid4(),
        drive_id=DRIVE,
        blob_key=data.blob_key,
        source_ref=data.source_ref,
    )
    files[file.id] = file
    return Adopted(file_id=file.id, version_id=file.version_id, path=file.path)


async def get_files(data: FilesGet, ctx: ServiceContext) -> FilesGot:
    files = _files(ctx.tenant_id)
    return FilesGot(files=[files[i] for i in data.file_ids if i in files])


async def trash(data: Trash, ctx: ServiceContext) -> Trashed:
    files = _files(ctx.tenant_id)
    moved = [i for i in data.file_ids if i in files and not files[i].trashed]
    for file_id in moved:
        files[file_id].trashed = True
    return Trashed(trashed=moved)


class NewFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    content_type: str = "application/pdf"
    size: int = 1024


@post("/files", status_code=201, opt=route_opt(permission="drive.files:write"))
async def make_file(
    data: JSONBody[NewFile], context: NamedDependency[RequestContext]
) -> dict[str, Any]:
    """Make a file for the caller's tenant, as an upload would."""
    assert context.tenant_id is not None
    file = File(
        id=uuid4(),
        name=data.name,
        path=f"/My Drive/{data.name}",
        size=data.size,
        content_type=data.content_type,
        version_id=uuid4(),
        drive_id=DRIVE,
    )
    _files(context.tenant_id)[file.id] = file
    return {"id": str(file.id)}


@post("/publish", status_code=200, opt=route_opt(permission="drive.files:write"))
async def drive_publish(
    data: JSONBody[dict[str, Any]],
    db: NamedDependency[Database],
    events: NamedDependency[EventPublisher],
) -> dict[str, str]:
    """Publish one of Drive's events (``data["type"]``, ``data["data"]``)."""
    async with db.transaction() as conn:
        event_id = await events.publish(conn, type=data["type"], data=data["data"])
    return {"event_id": event_id}


class _Drive:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(
            name="drive",
            version="0.0.1",
            title="drive",
            hookspecs=">=0.1.2,<0.2",
            permissions=(Permission(key="drive.files:write"),),
            events=tuple(
                f"drive.file.{verb}.v1" for verb in ("updated", "trashed", "restored", "deleted")
            ),
        )

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(make_file)
        register(drive_publish)

    @hookimpl
    def nexus_services(self, register: Any) -> None:
        for name, handler, request, response in (
            ("drive.files.adopt", adopt, Adopt, Adopted),
            ("drive.files.get", get_files, FilesGet, FilesGot),
            ("drive.files.trash", trash, Trash, Trashed),
        ):
            register(
                Service(
                    name=name,
                    handler=handler,
                    request=request,
                    response=response,
                    description=f"{name} (test stand-in)",
                )
            )


drive = _Drive()


@post("/publish", status_code=200)
async def publish(
    data: JSONBody[dict[str, Any]],
    db: NamedDependency[Database],
    events: NamedDependency[EventPublisher],
    blobs: NamedDependency[BlobStore],
) -> dict[str, str]:
    """Publish ``data["data"]`` as an event of type ``data["type"]``.

    With ``data["pdf"]``, first store those bytes at the payload's ``blob_key``, as Finance
    and HR store a rendered PDF before announcing it.
    """
    if "pdf" in data:
        await blobs.put(
            data["data"]["blob_key"], data["pdf"].encode(), content_type="application/pdf"
        )
    async with db.transaction() as conn:
        event_id = await events.publish(conn, type=data["type"], data=data["data"])
    return {"event_id": event_id}


class _Peer:
    def __init__(self, name: str, types: tuple[str, ...]) -> None:
        self.name = name
        self.types = types

    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name=self.name, version="0.0.1", title=self.name, events=self.types)

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(publish)


finance = _Peer("finance", ("finance.invoice.rendered.v1",))
hr = _Peer("hr", ("hr.payslip.rendered.v1",))


class Recipient(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    user_id: UUID | None = None
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    locale: str | None = None
    time_zone: str | None = None


class Send(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``notify.send``'s request, with the fields of notify's own (unknown ones refused)."""

    to: Recipient
    category: str
    template: str | None = None
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    channels: list[str] | None = None
    idempotency_key: str | None = None
    reply_to: str | None = None
    email_headers: dict[str, str] = msgspec.field(default_factory=dict)
    source_ref: str | None = None


class Delivery(msgspec.Struct, kw_only=True):
    id: UUID
    channel: str
    state: str


class Sent(msgspec.Struct, kw_only=True):
    message_id: UUID
    deliveries: list[Delivery]


ASKED: list[Send] = []
"""What the notify stand-in was asked to send."""


async def send(data: Send, ctx: ServiceContext) -> Sent:
    del ctx
    ASKED.append(data)
    return Sent(
        message_id=uuid4(), deliveries=[Delivery(id=uuid4(), channel="email", state="queued")]
    )


class _Notify:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name="notify", version="0.0.1", title="notify", hookspecs=">=0.1.2,<0.2")

    @hookimpl
    def nexus_services(self, register: Any) -> None:
        register(
            Service(
                name="notify.send",
                handler=send,
                request=Send,
                response=Sent,
                description="Record a message (test stand-in).",
            )
        )


notify = _Notify()
