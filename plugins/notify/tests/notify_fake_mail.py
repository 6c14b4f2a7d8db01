"""A stand-in for the Mail plugin (tests only): contract M's other side.

It handles ``notify.email.requested.v1`` as Mail does and answers with Mail's events:
``mail.outbound.bounced.v1`` for an address starting ``bounce@`` (after sending it),
``mail.outbound.failed.v1`` for ``fail@``, else ``mail.outbound.sent.v1``.
"""

from __future__ import annotations

from typing import Any

from nexus_hookspecs import Manifest, hookimpl, new_id

TYPES = ("mail.outbound.sent.v1", "mail.outbound.failed.v1", "mail.outbound.bounced.v1")
SEEN: list[dict[str, Any]] = []


async def requested(event: Any, ctx: Any) -> None:
    data = event.data
    SEEN.append(data)
    ref, to = str(data["delivery_id"]), data["to_address"]
    mail_id = str(new_id())
    if to.startswith("fail@"):
        await ctx.events.publish(
            ctx.conn,
            type=TYPES[1],
            data={
                "message_id": mail_id,
                "delivery_ref": ref,
                "error": "550 relay refused",
                "permanent": True,
            },
        )
        return
    await ctx.events.publish(
        ctx.conn,
        type=TYPES[0],
        data={
            "message_id": mail_id,
            "delivery_ref": ref,
            "rfc_message_id": data["headers"].get("Message-ID", "<x@y>"),
            "to": [to],
        },
    )
    if to.startswith("bounce@"):
        await ctx.events.publish(
            ctx.conn,
            type=TYPES[2],
            data={
                "message_id": mail_id,
                "delivery_ref": ref,
                "recipient": to,
                "kind": "bounce",
                "status": "5.1.1",
                "diagnostic": "user unknown",
            },
        )


class _Mail:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name="mail", version="0.0.1", title="mail", events=TYPES)

    @hookimpl
    def nexus_event_handlers(self, register: Any) -> None:
        register("notify.email.requested.v1", requested)


mail = _Mail()
