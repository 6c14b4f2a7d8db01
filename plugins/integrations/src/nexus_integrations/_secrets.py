"""Connection credentials at rest: Fernet keys from ``NEXUS_INTEGRATIONS_KEYS``.

One or more Fernet keys separated by commas, the newest first (``Keyring``). Without a key,
registering a connection or running one answers 409.
"""

from __future__ import annotations

from nexus_hookspecs.secrets import Keyring

__all__ = ("KEYS_VARIABLE", "decrypt", "encrypt")

KEYS_VARIABLE = "NEXUS_INTEGRATIONS_KEYS"

_KEYRING = Keyring(KEYS_VARIABLE, owner="integrations")
decrypt = _KEYRING.decrypt
encrypt = _KEYRING.encrypt
