"""Routes for the company: its books' settings, legal details, PDF template and logo."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, put
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from nexus_hookspecs import BlobTooLargeError
from nexus_hookspecs.http import Db, TenantBlobs, invalid, route_opt

from nexus_finance._examples import body
from nexus_finance._keys import ACCOUNTS_READ, ACCOUNTS_WRITE
from nexus_finance._legal import CompanyChanges, CompanyOut, company_out, update_company

__all__ = ("LOGO_KEY", "MAX_LOGO_BYTES", "CompanyController")

_READ = route_opt(permission=ACCOUNTS_READ)
_WRITE = route_opt(permission=ACCOUNTS_WRITE)
LOGO_KEY = "finance/company/logo"
"""Where the logo is kept in the tenant's file store."""
MAX_LOGO_BYTES = 1024 * 1024
"""Largest logo accepted (1 MiB)."""
_MAX_PIXELS = 4096
_IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


@dataclass
class _LogoOperation(Operation):
    """Documents the logo body: a PNG or JPEG, sent raw or as a multipart ``file`` part."""

    def __post_init__(self) -> None:
        binary = Schema(type=OpenAPIType.STRING, format=None, description="The image's bytes.")
        upload = Schema(
            type=OpenAPIType.OBJECT,
            properties={"file": Schema(type=OpenAPIType.STRING, format=None)},
            required=["file"],
        )
        self.request_body = RequestBody(
            required=True,
            description=f"A PNG or JPEG image of at most {MAX_LOGO_BYTES} bytes and "
            f"{_MAX_PIXELS} pixels a side.",
            content={
                "image/png": OpenAPIMediaType(schema=binary, example="<PNG bytes>"),
                "image/jpeg": OpenAPIMediaType(schema=binary, example="<JPEG bytes>"),
                "multipart/form-data": OpenAPIMediaType(
                    schema=upload, example={"file": "<PNG or JPEG bytes>"}
                ),
            },
        )


async def _image_bytes(request: Request[Any, Any, Any]) -> bytes:
    """The uploaded image: the raw body or a multipart ``file`` part; 413 past the limit."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            invalid("file", "missing image file part")
        raw = await upload.read(MAX_LOGO_BYTES + 1)
    elif content_type in _IMAGE_TYPES.values():
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_LOGO_BYTES:
                break
            chunks.append(chunk)
        raw = b"".join(chunks) if size <= MAX_LOGO_BYTES else b"\0" * (MAX_LOGO_BYTES + 1)
    else:
        raise ClientException("send image/png, image/jpeg or multipart/form-data", status_code=415)
    if len(raw) > MAX_LOGO_BYTES:
        raise ClientException(f"the logo is larger than {MAX_LOGO_BYTES} bytes", status_code=413)
    if not raw:
        invalid("file", "the file is empty: send the image")
    return raw


def _image_type(raw: bytes) -> str:
    """The media type of a PNG or JPEG that decodes; 422 for anything else."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(raw)) as image:
            kind = image.format or ""
            width, height = image.size
            image.load()
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on a broken file
        invalid("file", "not a PNG or JPEG image that can be read")
    if kind not in _IMAGE_TYPES:
        invalid("file", f"a {kind} image: send a PNG or JPEG")
    if max(width, height) > _MAX_PIXELS:
        invalid("file", f"the image is {width}×{height}: at most {_MAX_PIXELS} pixels a side")
    return _IMAGE_TYPES[kind]


class CompanyController(Controller):
    """The tenant's books and the legal details its documents carry."""

    path = "/company"
    tags = ["finance: chart"]

    @get("/", summary="Show the company: books' settings and legal details", opt=_READ)
    async def show_company(self, db: Db) -> CompanyOut:
        """The books' settings, the legal details documents print and the PDF template.

        Base currency, chart template and fiscal year start are seeded when Finance is
        enabled. Read only.
        """
        async with db.transaction() as conn:
            return await company_out(conn)

    @patch("/", summary="Change the company's legal details and PDF template", opt=_WRITE)
    async def change_company(
        self,
        db: Db,
        data: Annotated[CompanyChanges, body("PATCH /company", "Legal details of a French SAS")],
    ) -> CompanyOut:
        """Set the legal details documents print and the PDF template.

        Legal name, address, tax id (checked for the country with python-stdnum, 422
        naming ``tax_id``), registration number, contact, bank account, payment
        instructions; the PDF template: accent colour, footer, whether the logo is shown.

        No effect in the ledger: documents print these details when they are rendered.
        """
        async with db.transaction() as conn:
            return await update_company(conn, data)

    @put(
        "/logo",
        summary="Upload the company's logo",
        opt=_WRITE,
        operation_class=_LogoOperation,
        status_code=200,
    )
    async def put_logo(
        self, request: Request[Any, Any, Any], db: Db, blobs: TenantBlobs
    ) -> CompanyOut:
        """Store the logo PDFs print, replacing any previous one.

        A PNG or JPEG of at most 1 MiB, kept in the tenant's file store; PDFs print it when
        ``pdf_show_logo`` is on. 413 when too large, 415 for another media type, 422 for a
        file that is not a readable PNG or JPEG.

        No effect in the ledger.
        """
        raw = await _image_bytes(request)
        content_type = _image_type(raw)
        try:
            await blobs.put(LOGO_KEY, raw, content_type=content_type)
        except BlobTooLargeError as exc:
            raise ClientException(str(exc), status_code=413) from None
        async with db.transaction() as conn:
            await conn.execute(
                "update finance_company set logo_key = $1, logo_content_type = $2",
                LOGO_KEY,
                content_type,
            )
            return await company_out(conn)

    @delete("/logo", summary="Remove the company's logo", opt=_WRITE)
    async def delete_logo(self, db: Db, blobs: TenantBlobs) -> None:
        """Forget the logo and delete it from the file store; PDFs are printed without it.

        No effect in the ledger.
        """
        async with db.transaction() as conn:
            await conn.execute(
                "update finance_company set logo_key = null, logo_content_type = null"
            )
        await blobs.delete(LOGO_KEY)
