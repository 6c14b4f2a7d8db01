"""Per-tenant settings of the notify plugin (filled from the tenant's preset)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ("NotifySettings",)


class NotifySettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Notifications.

    Attributes:
        email_transport: ``mail``: hand email to the Mail plugin
            (``notify.email.requested.v1``); ``smtp``: send it through the SMTP relay kept
            as the tenant's ``smtp`` provider credentials.
        email_from: The sender address of notification email.
        sms_provider: Which SMS provider's credentials send SMS: ``twilio`` or
            ``africastalking``.
        default_locale: The locale templates render in when the recipient has none.
        default_time_zone: The zone dates render in (and quiet hours count in) when the
            recipient has none.
        public_base_url: The address providers reach this deployment at (no trailing
            slash); status callback URLs, which Twilio signs, and unsubscribe links start
            with it.
        bulk_categories: Categories that are bulk mail: their email carries an unsubscribe
            link and ``List-Unsubscribe`` headers, and an unsubscribed recipient gets nothing.
        quiet_start: Local hour (0-23) quiet hours start at; ``None`` for none.
        quiet_end: Local hour (0-23) quiet hours end at.
        sms_rate: Provider calls allowed per tenant and SMS provider (``limits`` notation).
        whatsapp_rate: The same for the WhatsApp Cloud API.
        webhook_rate: The same for each webhook endpoint.
        max_attempts: Attempts of a failing delivery before it is dead-lettered.
        retry_base_seconds: The first retry's delay; each next one doubles it (at most an hour).
        max_attachment_bytes: The most bytes of files one email attaches (``attachments``
            of ``notify.send``, all together); a larger email fails for good.
    """

    email_transport: Literal["mail", "smtp"] = "mail"
    email_from: str = "no-reply@example.com"
    sms_provider: Literal["twilio", "africastalking"] = "twilio"
    default_locale: str = "en"
    default_time_zone: str = "UTC"
    public_base_url: str = "http://localhost:8000"
    bulk_categories: list[str] = msgspec.field(default_factory=list)
    quiet_start: Annotated[int, msgspec.Meta(ge=0, le=23)] | None = None
    quiet_end: Annotated[int, msgspec.Meta(ge=0, le=23)] = 7
    sms_rate: str = "10/second"
    whatsapp_rate: str = "20/second"
    webhook_rate: str = "20/second"
    max_attempts: Annotated[int, msgspec.Meta(ge=1, le=20)] = 6
    retry_base_seconds: Annotated[float, msgspec.Meta(ge=0, le=3600)] = 30.0
    max_attachment_bytes: Annotated[int, msgspec.Meta(ge=0, le=25_000_000)] = 10_000_000
