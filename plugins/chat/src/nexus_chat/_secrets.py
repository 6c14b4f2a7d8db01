"""Outgoing webhooks' signing secrets at rest: Fernet keys from the process's configuration.

``NEXUS_CHAT_KEYS`` holds one or more Fernet keys separated by commas, the newest first:
a new secret is encrypted with the first, and any of them decrypts (``MultiFernet``).
Without it, creating an outgoing webhook answers 409 naming the setting.
"""

from __future__ import annotations

from nexus_hookspecs.secrets import Keyring

__all__ = ("KEYS_VARIABLE", "decrypt", "encrypt")

KEYS_VARIABLE = "NEXUS_CHAT_KEYS"

_KEYRING = Keyring(KEYS_VARIABLE, owner="chat")
decrypt = _KEYRING.decrypt
encrypt = _KEYRING.encrypt
