"""Provider keys at rest: Fernet keys from the process's configuration.

``NEXUS_PAYMENTS_KEYS`` holds one or more Fernet keys separated by commas, the newest
first: new secrets are encrypted with the first, and any of them decrypts
(``MultiFernet``). To rotate, put a new key first, run ``POST /accounts/rotate``, then drop
the old key. Without a key, the routes that keep or use credentials answer 409.
"""

from __future__ import annotations

from nexus_hookspecs.secrets import Keyring

__all__ = ("KEYS_VARIABLE", "decrypt", "encrypt", "rotate")

KEYS_VARIABLE = "NEXUS_PAYMENTS_KEYS"

_KEYRING = Keyring(KEYS_VARIABLE, owner="payments")
decrypt = _KEYRING.decrypt
encrypt = _KEYRING.encrypt
rotate = _KEYRING.rotate
