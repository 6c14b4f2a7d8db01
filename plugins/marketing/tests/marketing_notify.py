"""A stand-in for notify offering ``notify.send`` with the contract's fields (tests only).

It converts the request strictly (an unknown field is refused) and keeps what it was asked,
so a test can count and read what Marketing sent. Each message gets one delivery per channel,
as notify answers.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import msgspec
from nexus_hookspecs import Manifest, Service, ServiceContext, hookimpl


class Recipient(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    user_id: UUID | None = None
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    locale: str | None = None
    time_zone: str | None = None


class Send(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
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


async def send(data: Send, ctx: ServiceContext) -> Sent:
    del ctx
    ASKED.append(data)
    channels = data.channels or ["email"]
    return Sent(
        message_id=uuid4(),
        deliveries=[Delivery(id=uuid4(), channel=channel, state="queued") for channel in channels],
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
