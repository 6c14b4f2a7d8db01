"""The route that emails a payslip to its employee (through Notification)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, post
from litestar.params import FromPath, HeaderParameter
from nexus_hookspecs.http import Db, Services, TenantBlobs, route_opt

from nexus_hr._examples import body
from nexus_hr._keys import PAYROLL_WRITE
from nexus_hr._payslip_mail import PayslipSendIn, PayslipSendOut, send_payslip

__all__ = ("PayslipMailController",)

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        description="The request's key: a retry with it sends nothing again.",
        max_length=200,
        required=False,
    ),
]


class PayslipMailController(Controller):
    """Emailing payslips."""

    path = "/payruns"
    tags = ["hr: payroll"]

    @post(
        "/{payrun_id:uuid}/payslips/{employee_id:uuid}/send",
        summary="Email a payslip to its employee",
        opt=route_opt(permission=PAYROLL_WRITE),
        status_code=200,
    )
    async def send_payslip(
        self,
        db: Db,
        services: Services,
        blobs: TenantBlobs,
        payrun_id: FromPath[UUID],
        employee_id: FromPath[UUID],
        data: Annotated[
            PayslipSendIn,
            body("POST /payruns/{payrun_id}/payslips/{employee_id}/send", "To a private address"),
        ],
        idempotency_key: IdempotencyKey = None,
    ) -> PayslipSendOut:
        """Email an approved run's payslip, its PDF attached, through ``notify.send``.

        Sent to ``to``, else the employee's work email, from the tenant's Notification
        template ``hr.payslip`` (variables ``employee``, ``period``, ``period_start``,
        ``period_end``, ``pay_date``, ``net``, ``gross``, ``currency``), else a built-in
        text. The delivery is ``queued``: Notification sends after the commit. The same
        ``Idempotency-Key`` sends nothing again.

        Answers 404 when the run has no payslip of the employee (or is another tenant's),
        409 for a draft run and when Notifications is off (``blocking: ["notify"]``), 422
        when no address is known.
        """
        key = idempotency_key.strip().strip('"') if idempotency_key else None
        async with db.transaction() as conn:
            return await send_payslip(
                conn,
                services=services,
                blobs=blobs,
                payrun_id=payrun_id,
                employee_id=employee_id,
                data=data,
                request_key=key or None,
            )
