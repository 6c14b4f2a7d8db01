"""Per-tenant settings of the mail plugin (filled from the tenant's preset)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ("MailSettings",)


class MailSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Mail.

    Attributes:
        mx_host: The host the domains' MX record names (this installation's inbound server).
        spf_include: A domain whose SPF the relay publishes (``include:`` in the SPF record
            to publish); empty: ``mx`` only.
        dmarc_policy: The DMARC policy the record to publish asks for.
        dmarc_report_address: Where aggregate DMARC reports go (``rua``), if anywhere.
        dkim_selector: The DKIM selector of new domains (``<selector>._domainkey``).
        relay_host: The SMTP relay outbound mail goes through.
        relay_port: Its port.
        relay_starttls: Upgrade the relay connection with STARTTLS.
        relay_timeout_seconds: How long a relay conversation may take.
        default_from: The sender of mail requested without one (notify's emails); empty: the
            first verified domain's ``noreply@``.
        max_message_bytes: The largest inbound message accepted (SIZE, and refused beyond).
        max_attachment_bytes: The largest attachment kept; larger ones are dropped and noted.
        reject_dmarc_failures: Refuse (550) inbound mail failing DMARC under a ``reject``
            policy of its sender's domain; otherwise it is kept with the result.
    """

    mx_host: Annotated[str, msgspec.Meta(min_length=1, max_length=253)] = "mx.nexus.localhost"
    spf_include: Annotated[str, msgspec.Meta(max_length=253)] = ""
    dmarc_policy: Literal["none", "quarantine", "reject"] = "quarantine"
    dmarc_report_address: Annotated[str, msgspec.Meta(max_length=254)] = ""
    dkim_selector: Annotated[str, msgspec.Meta(pattern="^[a-z0-9-]{1,63}$")] = "nexus"
    relay_host: Annotated[str, msgspec.Meta(min_length=1, max_length=253)] = "127.0.0.1"
    relay_port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 25
    relay_starttls: bool = False
    relay_timeout_seconds: Annotated[int, msgspec.Meta(ge=1, le=300)] = 30
    default_from: Annotated[str, msgspec.Meta(max_length=254)] = ""
    max_message_bytes: Annotated[int, msgspec.Meta(ge=1024, le=50_000_000)] = 10_000_000
    max_attachment_bytes: Annotated[int, msgspec.Meta(ge=0, le=25_000_000)] = 5_000_000
    reject_dmarc_failures: bool = False
