"""CSV import (with a per-row error report) and export of contacts.

Columns (header row first, any order, names case-insensitive): ``id``, ``first_name``,
``last_name``, ``email``, ``phone``, ``job_title``, ``company`` (a company name: matched
ignoring case, created when missing), ``company_id``, ``tags`` (tag names separated by
``;``, created when missing), ``notes``, ``owner``. Export writes the same columns, so an
exported file imports back: a row whose ``id`` names an existing contact updates it, any
other row creates one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException, ValidationException
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import QueryParameter
from litestar.response import Stream
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Db, Events, TenantSettings, invalid, route_opt

from nexus_crm._contacts import SELECT, ContactIn, contact_filter, save_contact
from nexus_crm._events import COMPANY_CREATED, CompanyChanged
from nexus_crm._keys import CONTACTS_IMPORT, CONTACTS_READ, IMPORT_FEATURE
from nexus_crm._routes_contacts import CompanyFilter, EmailFilter, Q, TagFilter
from nexus_crm._settings import CrmSettings
from nexus_crm._tags import tag_ids_by_name

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("COLUMNS", "ContactTransferController", "ImportReport", "RowError")

COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "company",
    "company_id",
    "tags",
    "notes",
    "owner",
    "lifecycle_stage",
    "utm_source",
    "utm_medium",
    "utm_campaign",
)
MAX_ROWS = 10_000
_CSV_EXAMPLE = (
    "first_name,last_name,email,phone,company,tags\n"
    "Ada,Lovelace,ada@example.com,+44 20 7946 0958,Analytical Ltd,vip;uk\n"
)
_BATCH = 500


class RowError(msgspec.Struct, kw_only=True):
    """Why one row was not imported.

    Attributes:
        row: The row number as a spreadsheet shows it (the header is row 1).
        field: The column at fault (``null`` when the row as a whole is).
        message: What is wrong.
    """

    row: int
    field: str | None
    message: str


class ImportReport(msgspec.Struct, kw_only=True):
    """The outcome of an import: valid rows are imported, invalid ones listed.

    Attributes:
        created: Contacts created.
        updated: Contacts updated (rows whose ``id`` named an existing contact).
        failed: Rows refused; each has at least one entry in ``errors``.
        dry_run: Nothing was kept (``?dry_run=true``): the counts say what would happen.
        errors: Row, field and message for each problem, in file order.
        ignored_columns: Header names that are not import columns.
    """

    created: int
    updated: int
    failed: int
    dry_run: bool
    errors: list[RowError]
    ignored_columns: list[str]


@dataclass
class _CsvOperation(Operation):
    """Documents the import body: a CSV file, sent raw or as a multipart ``file`` part."""

    def __post_init__(self) -> None:
        text = Schema(type=OpenAPIType.STRING, description="CSV text, header row first.")
        upload = Schema(
            type=OpenAPIType.OBJECT,
            properties={"file": Schema(type=OpenAPIType.STRING, format=None)},
            required=["file"],
        )
        self.request_body = RequestBody(
            required=True,
            description="The CSV file. Columns: " + ", ".join(COLUMNS) + ".",
            content={
                "text/csv": OpenAPIMediaType(schema=text, example=_CSV_EXAMPLE),
                "multipart/form-data": OpenAPIMediaType(
                    schema=upload, example={"file": _CSV_EXAMPLE}
                ),
            },
        )


async def _csv_text(request: Request[Any, Any, Any]) -> str:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            invalid("file", "missing CSV file part")
        raw = await upload.read()
    elif content_type in {"text/csv", "text/plain", "application/csv"}:
        raw = await request.body()
    else:
        raise ClientException("send text/csv or multipart/form-data", status_code=415)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        invalid("file", "not UTF-8 text")


@dataclass
class _Importer:
    conn: Connection
    events: EventPublisher
    fallback_country: str | None
    companies: dict[str, UUID]
    report: ImportReport

    async def company_named(self, name: str) -> UUID:
        key = name.casefold()
        if key not in self.companies:
            row = await self.conn.fetchrow(
                "select id from crm_company where lower(name) = lower($1) order by id limit 1",
                name,
            )
            if row is not None:
                self.companies[key] = row["id"]
            else:
                company_id = new_id()
                created = await self.conn.fetchrow(
                    "insert into crm_company (id, name) values ($1, $2) "
                    "returning id, name, domain, email, phone, country",
                    company_id,
                    name,
                )
                await self.events.publish(
                    self.conn,
                    type=COMPANY_CREATED.type,
                    data=msgspec.convert(dict(created or {}), CompanyChanged),
                    subject=str(company_id),
                )
                self.companies[key] = company_id
        return self.companies[key]

    async def company_exists(self, company_id: str | None) -> bool:
        if not company_id:
            return False
        try:
            wanted = UUID(company_id)
        except ValueError:
            return False
        return bool(await self.conn.fetchval("select 1 from crm_company where id = $1", wanted))

    async def row(self, number: int, record: dict[str, str]) -> None:
        """Import one row in a savepoint: all of it (company, tags, contact) or nothing."""
        await self.conn.execute("savepoint crm_import_row")
        try:
            problems = await self._row(record)
        except ValidationException as exc:
            problems = [
                (item.get("key"), str(item.get("message")))
                for item in (exc.extra if isinstance(exc.extra, list) else [])
            ] or [(None, str(exc.detail))]
        except asyncpg.DataError:
            problems = [(None, "a value cannot be stored (a NUL character?)")]
        if problems:
            await self.conn.execute("rollback to savepoint crm_import_row")
            self.report.failed += 1
            self.report.errors += [
                RowError(row=number, field=field, message=message) for field, message in problems
            ]
            return
        await self.conn.execute("release savepoint crm_import_row")

    async def _row(self, record: dict[str, str]) -> list[tuple[str | None, str]]:
        values: dict[str, Any] = {
            key: _uncell(value.strip())
            for key, value in record.items()
            if key in COLUMNS and key not in {"id", "company", "tags"} and value.strip()
        }
        contact_id = None
        if record.get("id", "").strip():
            try:
                wanted = UUID(record["id"].strip())
            except ValueError:
                return [("id", "not a UUID")]
            if await self.conn.fetchval("select 1 from crm_contact where id = $1", wanted):
                contact_id = wanted
        try:
            data = msgspec.convert(values, ContactIn)
        except msgspec.ValidationError as exc:
            return [_field_of(exc)]
        company = _uncell(record.get("company", "").strip())
        if company and not await self.company_exists(values.get("company_id")):
            # An export from another tenant names companies this one does not have: the
            # name finds (or makes) the company here.
            data.company_id = await self.company_named(company[:200])
        if record.get("tags", "").strip():
            names = [name[:60] for name in record["tags"].split(";")]
            data.tag_ids = await tag_ids_by_name(self.conn, names)
        await save_contact(
            self.conn,
            data,
            contact_id=contact_id,
            events=self.events,
            fallback_country=self.fallback_country,
        )
        if contact_id is None:
            self.report.created += 1
        else:
            self.report.updated += 1
        return []


def _field_of(exc: msgspec.ValidationError) -> tuple[str | None, str]:
    # msgspec says "Expected `str` of length <= 200 - at `$.email`" or "Object missing
    # required field `last_name`".
    text = str(exc)
    if " - at `$." in text:
        message, _, path = text.partition(" - at `$.")
        return path.rstrip("`").split("[")[0].split(".")[0], message
    if "missing required field `" in text:
        return text.split("`")[1], "required"
    return None, text


def _records(reader: csv.DictReader[str]) -> Iterator[dict[str | Any, str | Any]]:
    """The reader's records; a file the csv module cannot read is a 422."""
    try:
        yield from reader
    except csv.Error as exc:
        invalid("file", f"row {reader.line_num}: {exc}")


def _header(fields: list[str] | None) -> tuple[list[str], list[str]]:
    names = [(name or "").strip().lower() for name in fields or []]
    ignored = [name for name in names if name not in COLUMNS]
    if "last_name" not in names:
        invalid("last_name", "missing column")
    return names, ignored


_WRITE = route_opt(permission=CONTACTS_IMPORT, feature=IMPORT_FEATURE)


class ContactTransferController(Controller):
    """CSV import and export of contacts."""

    path = "/contacts"
    tags = ["crm: contacts"]

    @post(
        "/import",
        summary="Import contacts from CSV",
        opt=_WRITE,
        status_code=200,
        operation_class=_CsvOperation,
    )
    async def import_contacts(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        events: Events,
        settings: TenantSettings[CrmSettings],
        dry_run: Annotated[
            bool, QueryParameter(description="Check every row, keep nothing.")
        ] = False,
    ) -> ImportReport:
        """Import contacts from CSV: valid rows are kept, invalid ones reported.

        Each problem is reported with its row number, field and message. Publishes the same
        events as the single writes.
        """
        text = await _csv_text(request)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            fieldnames = list(reader.fieldnames or [])
        except csv.Error as exc:
            invalid("file", str(exc))
        names, ignored = _header(fieldnames)
        reader.fieldnames = names
        report = ImportReport(
            created=0, updated=0, failed=0, dry_run=dry_run, errors=[], ignored_columns=ignored
        )
        async with db.transaction() as conn:
            await conn.execute("savepoint crm_import")
            importer = _Importer(conn, events, settings.default_country, {}, report)
            for index, record in enumerate(_records(reader)):
                row = index + 2  # as a spreadsheet numbers it: the header is row 1
                if index >= MAX_ROWS:
                    report.errors.append(
                        RowError(row=row, field=None, message=f"more than {MAX_ROWS} rows")
                    )
                    break
                if None in record:
                    report.errors.append(
                        RowError(row=row, field=None, message="more cells than columns")
                    )
                    report.failed += 1
                    continue
                clean = {key: value or "" for key, value in record.items() if key}
                if not any(value.strip() for value in clean.values()):
                    continue
                await importer.row(row, clean)
            if dry_run:
                await conn.execute("rollback to savepoint crm_import")
        return report

    @get(
        "/export",
        summary="Export contacts as CSV",
        media_type="text/csv",
        opt=route_opt(permission=CONTACTS_READ),
    )
    async def export_contacts(
        self,
        db: Db,
        q: Q = None,
        company_id: CompanyFilter = None,
        tag_id: TagFilter = None,
        email: EmailFilter = None,
    ) -> Stream:
        """Every contact (or those the filters select) as CSV, in the import's columns."""

        async def fetch(after: UUID | None) -> list[Any]:
            where, args = contact_filter(
                q=q, company_id=company_id, tag_id=tag_id, email=email, after=after
            )
            args.append(_BATCH)
            async with db.transaction() as conn:
                return list(
                    await conn.fetch(
                        f"select x.*, "
                        "(select name from crm_company co where co.id = x.company_id) as company, "
                        "(select string_agg(g.name, ';' order by g.name) from crm_tag g "
                        "where g.id = any(x.tag_ids)) as tags "
                        f"from ({SELECT} where {where} order by c.id limit ${len(args)}) x "
                        "order by x.id",
                        *args,
                    )
                )

        # The first batch is read before the 200 is sent: filters the database refuses
        # answer a problem, never a body cut short after its headers.
        first = await fetch(None)

        async def rows() -> AsyncIterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(COLUMNS)
            yield _drain(buffer)
            batch = first
            while True:
                for row in batch:
                    writer.writerow(
                        _cell(row[column] if column != "tags" else row["tags"])
                        for column in COLUMNS
                    )
                yield _drain(buffer)
                if len(batch) < _BATCH:
                    return
                batch = await fetch(batch[-1]["id"])

        return Stream(
            rows(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
        )


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ runs as a formula in spreadsheets: quote it.
    return "'" + text if text[:1] in {"=", "+", "-", "@"} and not _is_phone(text) else text


def _uncell(text: str) -> str:
    """Undo :func:`_cell`'s quoting of formula-like cells."""
    return text[1:] if text[:1] == "'" and text[1:2] in {"=", "+", "-", "@"} else text


def _is_phone(text: str) -> bool:
    return text.startswith("+") and text[1:].isdigit()


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
