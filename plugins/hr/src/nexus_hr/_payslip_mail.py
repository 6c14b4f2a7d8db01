"""Payslips in the files store and by email (issue #21).

When a pay run is approved (its payslips are final), HR's own handler of
``hr.payrun.posted.v1`` renders each payslip's PDF into the tenant's files store at
``hr/payslips/<payslip id>.pdf`` (a key derived from the event, so a redelivery overwrites
it) and publishes ``hr.payslip.rendered.v1``, which Documents files.
``POST /payruns/{id}/payslips/{employee_id}/send`` emails one approved payslip to its
employee through Notification's ``notify.send``, the PDF attached.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
import structlog
from litestar.exceptions import NotFoundException
from nexus_hookspecs import EventType
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_hr._payslips import Payslip, load_payslip, render_payslip

if TYPE_CHECKING:
    from nexus_hookspecs import BlobStore, CloudEvent, Connection, EventContext, Services

__all__ = (
    "PAYSLIP_RENDERED",
    "TEMPLATE",
    "PayslipSendIn",
    "PayslipSendOut",
    "on_payrun_approved",
    "payslip_key",
    "send_payslip",
)

log = structlog.get_logger("nexus_hr")
PDF = "application/pdf"
TEMPLATE = "hr.payslip"
"""The Notification template (and category) of a payslip's email."""
_Email = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]


class PayslipRendered(msgspec.Struct, kw_only=True):
    """The ``data`` of ``hr.payslip.rendered.v1``: a payslip's PDF in the files store.

    Attributes:
        record_type: ``hr.payslip``.
        record_id: The payslip.
        label: ``Payslip 2026-11 — Ada Lovelace`` (the period's month, the employee).
        blob_key: Its key in the tenant's files store (``hr/payslips/<id>.pdf``).
        filename: The file's name.
        content_type: ``application/pdf``.
        size: Its size in bytes.
        partner_id: Always ``None`` here (the field of Finance's invoices).
        employee_id: The employee.
        occurred_on: The pay date.
    """

    record_type: str
    record_id: UUID
    label: str
    blob_key: str
    filename: str
    content_type: str
    size: int
    partner_id: UUID | None
    employee_id: UUID | None
    occurred_on: date


PAYSLIP_RENDERED = EventType(
    type="hr.payslip.rendered.v1",
    description=(
        "An approved pay run's payslip PDF was stored in the tenant's files store "
        "(hr/payslips/<payslip id>.pdf) (subject: the payslip id)."
    ),
    payload=PayslipRendered,
)


def payslip_key(payslip_id: UUID) -> str:
    """Where a payslip's PDF is kept in the tenant's files store."""
    return f"hr/payslips/{payslip_id}.pdf"


def _filename(slip: Payslip) -> str:
    return f"payslip-{slip.period_start:%Y-%m}-{slip.employee_name}.pdf".replace("/", "-")


def _label(slip: Payslip) -> str:
    return f"Payslip {slip.period_start:%Y-%m} — {slip.employee_name}"


async def _store(
    conn: Connection, blobs: BlobStore, payrun_id: UUID, employee_id: UUID
) -> tuple[UUID, Payslip, int]:
    """Render one payslip into the files store: its id, the payslip and the PDF's size."""
    slip = await load_payslip(conn, payrun_id, employee_id)
    payslip_id = slip.id
    assert payslip_id is not None  # read from its row
    content = await asyncio.to_thread(render_payslip, slip)  # CPU work off the event loop
    info = await blobs.put(payslip_key(payslip_id), content, content_type=PDF)
    return payslip_id, slip, info.size


async def on_payrun_approved(event: CloudEvent, ctx: EventContext) -> None:
    """Render each payslip of an approved run; one ``hr.payslip.rendered.v1`` per payslip."""
    try:
        payrun_id = UUID(str((event.data or {}).get("payrun_id") or event.subject))
    except ValueError:
        log.warning("posted pay run without an id ignored", event_id=event.id)
        return
    rows = await ctx.conn.fetch(
        "select s.employee_id from hr_payslip s join hr_payrun r on r.id = s.payrun_id "
        "where s.payrun_id = $1 and r.state = 'approved' and s.employee_id is not null "
        "order by s.id",
        payrun_id,
    )
    for row in rows:
        payslip_id, slip, size = await _store(ctx.conn, ctx.blobs, payrun_id, row["employee_id"])
        await ctx.events.publish(
            ctx.conn,
            type=PAYSLIP_RENDERED.type,
            subject=str(payslip_id),
            data=PayslipRendered(
                record_type="hr.payslip",
                record_id=payslip_id,
                label=_label(slip),
                blob_key=payslip_key(payslip_id),
                filename=_filename(slip),
                content_type=PDF,
                size=size,
                partner_id=None,
                employee_id=slip.employee_id,
                occurred_on=slip.pay_date,
            ),
        )


class PayslipSendIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Where to email a payslip.

    Attributes:
        to: The address; none: the employee's work email.
        locale: The locale the template renders in (else Notification's default).
    """

    to: _Email | None = None
    locale: Annotated[str, msgspec.Meta(max_length=35)] | None = None


class DeliveryOut(msgspec.Struct, kw_only=True):
    """One delivery of the message, as Notification answered."""

    id: UUID
    channel: str
    state: str


class PayslipSendOut(msgspec.Struct, kw_only=True):
    """The message carrying the payslip, and its deliveries (``queued`` at first)."""

    payslip_id: UUID
    sent_to: str
    message_id: UUID
    deliveries: list[DeliveryOut]


class _Sent(msgspec.Struct):
    message_id: UUID
    deliveries: list[DeliveryOut]


def _inline(slip: Payslip) -> dict[str, str]:
    text = (
        f"Dear {slip.employee_name},\n\n"
        f"your payslip for {slip.period_start:%Y-%m} is attached: net pay "
        f"{slip.money(slip.net)} {slip.currency}, paid on {slip.pay_date.isoformat()}.\n"
    )
    return {"subject": f"Your payslip for {slip.period_start:%Y-%m}", "text": text}


async def send_payslip(
    conn: Connection,
    *,
    services: Services,
    blobs: BlobStore,
    payrun_id: UUID,
    employee_id: UUID,
    data: PayslipSendIn,
    request_key: str | None,
) -> PayslipSendOut:
    """Email an approved run's payslip with its PDF to the employee (or ``data.to``)."""
    row = await conn.fetchrow(
        "select s.id, r.state, e.work_email from hr_payslip s "
        "join hr_payrun r on r.id = s.payrun_id "
        "left join hr_employee e on e.id = s.employee_id "
        "where s.payrun_id = $1 and s.employee_id = $2",
        payrun_id,
        employee_id,
    )
    if row is None:
        not_found()
    if row["state"] != "approved":
        conflict("the pay run is a draft: approve it first")
    if not await services.available(conn, "notify.send"):
        conflict(
            "Notifications is off for the tenant: the payslip cannot be emailed",
            blocking=["notify"],
        )
    address = (data.to or row["work_email"] or "").strip().lower()
    if not address:
        invalid("to", "the employee has no work email: give an address")
    try:
        await blobs.stat(payslip_key(row["id"]))
        slip = await load_payslip(conn, payrun_id, employee_id)
    except KeyError:  # approved moments ago: its handler has not rendered it yet
        _id, slip, _size = await _store(conn, blobs, payrun_id, employee_id)
    variables: dict[str, Any] = {
        "employee": slip.employee_name,
        "period": f"{slip.period_start:%Y-%m}",
        "period_start": slip.period_start.isoformat(),
        "period_end": slip.period_end.isoformat(),
        "pay_date": slip.pay_date.isoformat(),
        "net": str(slip.net),
        "gross": str(slip.gross),
        "currency": slip.currency,
    }
    key = request_key or secrets.token_urlsafe(12)
    request = {
        "to": {"email": address, "name": slip.employee_name, "locale": data.locale},
        "category": TEMPLATE,
        "data": variables,
        "attachments": [
            {"blob_key": payslip_key(row["id"]), "filename": _filename(slip), "content_type": PDF}
        ],
        "idempotency_key": f"hr.payslip:{row['id']}:{key}"[:200],
        "source_ref": f"hr.payslip:{row['id']}",
    }
    try:
        sent = await services.call(
            conn, "notify.send", {**request, "template": TEMPLATE}, result=_Sent
        )
    except NotFoundException:  # no hr.payslip template: the built-in text
        inline = _inline(slip)
        sent = await services.call(conn, "notify.send", {**request, **inline}, result=_Sent)
    return PayslipSendOut(
        payslip_id=row["id"],
        sent_to=address,
        message_id=sent.message_id,
        deliveries=sent.deliveries,
    )
