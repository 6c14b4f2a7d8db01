"""Routes for the documents of invoices, bills and credit notes: PDF and e-invoice."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import Db, TenantBlobs, route_opt

from nexus_finance._documents import Document, file_name, load_document
from nexus_finance._keys import INVOICES_READ

__all__ = ("DocumentController",)

_READ = route_opt(permission=INVOICES_READ)
EInvoiceFormat = Annotated[
    Literal["factur-x", "cii", "ubl"],
    QueryParameter(
        description="`factur-x`: PDF/A-3 with the CII XML embedded (default); `cii`: the CII "
        "XML alone; `ubl`: a UBL 2.1 Invoice or CreditNote.",
    ),
]


def _binary(media_types: tuple[str, ...], description: str) -> dict[str, OpenAPIResponse]:
    schema = Schema(type=OpenAPIType.STRING, description=description)
    return {
        "200": OpenAPIResponse(
            description=description,
            content={media: OpenAPIMediaType(schema=schema) for media in media_types},
        )
    }


@dataclass
class _PdfOperation(Operation):
    """The PDF route's 200 is ``application/pdf``."""

    def __post_init__(self) -> None:
        self.responses = {**(self.responses or {}), **_binary(("application/pdf",), "The PDF.")}


@dataclass
class _EInvoiceOperation(Operation):
    """The e-invoice route's 200 is a Factur-X PDF or an XML."""

    def __post_init__(self) -> None:
        self.responses = {
            **(self.responses or {}),
            **_binary(("application/pdf", "application/xml"), "The e-invoice."),
        }


async def _document(db: Db, blobs: TenantBlobs, invoice_id: UUID) -> Document:
    async with db.transaction() as conn:
        document = await load_document(conn, invoice_id)
    if document.logo_key:
        try:
            logo = await blobs.get(document.logo_key)
        except (KeyError, ValueError, PermissionError):
            logo = None
        document = dataclasses.replace(document, logo=logo)
    return document


# fpdf2, Factur-X and lxml are imported with the first document asked for, not at
# start-up: most processes never print one (nexus plugins list --timings shows the cost).


def _pdf(document: Document) -> bytes:
    from nexus_finance._documents_pdf import render_pdf  # noqa: PLC0415

    return render_pdf(document)


def _facturx(document: Document) -> bytes:
    """The Factur-X PDF; rendering and embedding run in a worker thread (CPU work)."""
    from nexus_finance._documents_pdf import render_pdf  # noqa: PLC0415
    from nexus_finance._einvoice import facturx_pdf  # noqa: PLC0415

    return facturx_pdf(document, render_pdf(document, pdfa=True))


def _xml(document: Document, format: str) -> bytes:
    from nexus_finance._einvoice import cii_xml, ubl_xml  # noqa: PLC0415

    return cii_xml(document) if format == "cii" else ubl_xml(document)


def _file(content: bytes, media_type: str, name: str) -> Response[bytes]:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


class DocumentController(Controller):
    """The documents of invoices, bills and credit notes."""

    path = "/invoices"
    tags = ["finance: invoices"]

    @get(
        "/{invoice_id:uuid}/pdf",
        summary="The PDF of an invoice, bill or credit note",
        opt=_READ,
        operation_class=_PdfOperation,
    )
    async def invoice_pdf(
        self, db: Db, blobs: TenantBlobs, invoice_id: FromPath[UUID]
    ) -> Response[bytes]:
        """Render the document as a PDF with the tenant's template.

        The template: logo, accent colour, footer. The PDF shows the seller and buyer with
        addresses and tax ids, type and number, dates, currency, lines, the tax breakdown by
        rate, totals, the credited document's number on a credit note and the payment
        instructions. A draft is marked DRAFT and has no number.
        ``Content-Disposition`` names the file after the number (``INV-2026-00001.pdf``).

        Read only: nothing is booked or stored.
        """
        document = await _document(db, blobs, invoice_id)
        pdf = await asyncio.to_thread(_pdf, document)
        return _file(pdf, "application/pdf", file_name(document, "pdf"))

    @get(
        "/{invoice_id:uuid}/e-invoice",
        summary="The EN 16931 e-invoice of a posted document",
        opt=_READ,
        operation_class=_EInvoiceOperation,
        responses={
            409: ResponseSpec(None, description="A draft, or legal data the e-invoice needs")
        },
    )
    async def invoice_einvoice(
        self,
        db: Db,
        blobs: TenantBlobs,
        invoice_id: FromPath[UUID],
        format: EInvoiceFormat = "factur-x",
    ) -> Response[bytes]:
        """The document as an EN 16931 e-invoice, validated against the published XSD.

        Formats: ``factur-x`` (the PDF with the CII XML embedded, PDF/A-3, profile EN 16931),
        ``cii`` (the XML alone) or ``ubl`` (UBL 2.1). 409 for a draft, or when legal data
        is missing (the problem's ``missing`` lists the fields, e.g. ``company.tax_id``).

        Read only: nothing is booked or stored.
        """
        document = await _document(db, blobs, invoice_id)
        if format in ("cii", "ubl"):
            xml = await asyncio.to_thread(_xml, document, format)
            suffix = "xml" if format == "cii" else "ubl.xml"
            return _file(xml, "application/xml", file_name(document, suffix))
        pdf = await asyncio.to_thread(_facturx, document)
        return _file(pdf, "application/pdf", file_name(document, "pdf"))
