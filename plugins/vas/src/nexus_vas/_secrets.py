"""Secrets at rest and signed tokens: Fernet keys from the process's configuration.

``NEXUS_VAS_KEYS`` holds one or more Fernet keys separated by commas, the newest first:
new secrets are encrypted with the first, and any of them decrypts (``MultiFernet``). To
rotate, put a new key first, run ``POST /providers/rotate`` (``MultiFernet.rotate`` re-encrypts
every stored secret with it), then drop the old key.
"""

from __future__ import annotations

from nexus_hookspecs.secrets import Keyring

__all__ = ("KEYS_VARIABLE", "decrypt", "encrypt", "rotate", "sign_token", "verify_token")

KEYS_VARIABLE = "NEXUS_VAS_KEYS"

_KEYRING = Keyring(KEYS_VARIABLE, owner="vas")
decrypt = _KEYRING.decrypt
encrypt = _KEYRING.encrypt
rotate = _KEYRING.rotate
sign_token = _KEYRING.sign_token
verify_token = _KEYRING.verify_token
