"""Event handlers: notify's own sends, and the Mail plugin's outcomes."""

from __future__ import annotations

from nexus_notify._dispatch import deliver
from nexus_notify._mail import mail_bounced, mail_failed, mail_sent

__all__ = ("deliver", "mail_bounced", "mail_failed", "mail_sent")
