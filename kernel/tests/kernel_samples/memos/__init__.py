"""A tenant-owned plugin: CRUD over a Piccolo table with row-level security.

The isolation contract test (``tests/test_isolation_contract.py``) uses it as the sample
resource; its handlers rely on row-level security alone to stay inside the caller's tenant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody
from nexus_hookspecs import Database, Manifest, Permission, hookimpl

from .tables import Memo

WRITE = "memos.memos:write"
_WRITE_OPT = {"permission": WRITE}

Db = NamedDependency[Database]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Body = Annotated[str, msgspec.Meta(max_length=10_000)]


class MemoOut(msgspec.Struct, kw_only=True):
    """A memo as the API shows it."""

    id: UUID
    title: str
    body: str
    created_at: datetime


class MemoCreate(msgspec.Struct, kw_only=True):
    """A new memo; other fields (``tenant_id`` among them) are ignored."""

    title: Title
    body: Body = ""


class MemoReplace(msgspec.Struct, kw_only=True):
    """Every field of a memo."""

    title: Title
    body: Body


class MemoChanges(msgspec.Struct, kw_only=True):
    """Some fields of a memo; omitted ones stay as they are."""

    title: Title | None = None
    body: Body | None = None


_COLUMNS = (Memo.id, Memo.title, Memo.body, Memo.created_at)


def _memo(rows: list[dict[str, Any]] | dict[str, Any] | None) -> MemoOut:
    row = rows[0] if isinstance(rows, list) and rows else rows
    if not row:
        raise NotFoundException()
    return msgspec.convert(row, MemoOut)


class MemoController(Controller):
    path = "/"
    tags = ["memos"]

    @get("/", summary="List memos")
    async def list_memos(self, db: Db) -> list[MemoOut]:
        async with db.transaction():
            rows = await Memo.select(*_COLUMNS).order_by(Memo.id)
        return [msgspec.convert(row, MemoOut) for row in rows]

    @post("/", summary="Create a memo", opt=_WRITE_OPT)
    async def create_memo(self, db: Db, data: JSONBody[MemoCreate]) -> MemoOut:
        async with db.transaction():
            # Built inside the transaction: tenant_id defaults to the transaction's tenant.
            memo = Memo(title=data.title, body=data.body)
            return _memo(await Memo.insert(memo).returning(*_COLUMNS))

    @get("/{memo_id:uuid}", summary="Show a memo")
    async def show_memo(self, db: Db, memo_id: FromPath[UUID]) -> MemoOut:
        async with db.transaction():
            return _memo(await Memo.select(*_COLUMNS).where(Memo.id == memo_id).first())

    @put("/{memo_id:uuid}", summary="Replace a memo", opt=_WRITE_OPT)
    async def replace_memo(
        self, db: Db, memo_id: FromPath[UUID], data: JSONBody[MemoReplace]
    ) -> MemoOut:
        async with db.transaction():
            changed = Memo.update({Memo.title: data.title, Memo.body: data.body})
            return _memo(await changed.where(Memo.id == memo_id).returning(*_COLUMNS))

    @patch("/{memo_id:uuid}", summary="Change a memo", opt=_WRITE_OPT)
    async def change_memo(
        self, db: Db, memo_id: FromPath[UUID], data: JSONBody[MemoChanges]
    ) -> MemoOut:
        values = {
            column: value
            for column, value in ((Memo.title, data.title), (Memo.body, data.body))
            if value is not None
        }
        async with db.transaction():
            if not values:
                return _memo(await Memo.select(*_COLUMNS).where(Memo.id == memo_id).first())
            changed = Memo.update(values).where(Memo.id == memo_id)
            return _memo(await changed.returning(*_COLUMNS))

    @delete("/{memo_id:uuid}", summary="Delete a memo", opt=_WRITE_OPT)
    async def delete_memo(self, db: Db, memo_id: FromPath[UUID]) -> None:
        async with db.transaction():
            deleted = await Memo.delete().where(Memo.id == memo_id).returning(Memo.id)
        if not deleted:
            raise NotFoundException()


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(
        name="memos",
        version="0.1.0",
        title="Memos",
        summary="Short tenant-owned notes.",
        hookspecs=">=0.1,<1",
        permissions=(
            Permission(
                key=WRITE,
                description="Create, change and delete memos.",
                roles=("tenant_admin", "member"),
            ),
        ),
        tenant_tables=("memos_memo",),
        example_payloads={
            "POST /": {"title": "Quarterly plan", "body": "Ship the memos."},
            "PUT /{memo_id}": {"title": "Quarterly plan, final", "body": "Shipped."},
            "PATCH /{memo_id}": {"body": "Shipped early."},
        },
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    register(MemoController)


@hookimpl
def nexus_piccolo_app() -> str:
    return "kernel_samples.memos.piccolo_app"
