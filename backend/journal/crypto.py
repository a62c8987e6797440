"""Encryption at rest for the free text of the mood journal (journal bodies, mood notes,
goal titles). See docs/journal-encryption.md.

AES-256-GCM (``cryptography``), a random 96-bit nonce per value, and associated data
that binds each ciphertext to what it is and whose it is:

    stored value  = "wm1:" + key_id + ":" + base64url(nonce || ciphertext || tag)
    associated    = "wm1|" + key_id + "|" + kind + "|" + owner user id + "|" + record id

so a value copied into another row, another column or another person's record fails
authentication instead of decrypting. Several keys may be configured: the first
encrypts, every one decrypts (found by the key id in the stored value), which is how a
key is rotated (``waymark rotate-encryption``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import uuid
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.data_secrets import secret_text_once
from backend.settings import Settings, get_settings

VERSION = "wm1"
NONCE_BYTES = 12
KEY_FILE = "encryption_key"


class DecryptionError(Exception):
    """A stored value could not be opened: unknown key, wrong row, or tampered."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_key(text: str) -> bytes:
    """A key as configured: urlsafe base64 of 32 random bytes (a Fernet key has the same
    form). The error never repeats the key."""
    try:
        raw = _b64decode(text.strip())
    except (binascii.Error, ValueError) as exc:
        raise ValueError("an encryption key must be urlsafe base64 of 32 bytes") from exc
    if len(raw) != 32:
        raise ValueError(f"an encryption key must be 32 bytes (this one is {len(raw)})")
    return raw


def key_id(key: bytes) -> str:
    """A short public name for a key: 8 hex characters of a SHA-256 over it."""
    return hashlib.sha256(b"waymark-encryption-key-id\x00" + key).hexdigest()[:8]


def new_key() -> str:
    """A fresh key in the configured form."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _associated_data(kid: str, kind: str, owner: uuid.UUID, record: uuid.UUID) -> bytes:
    return f"{VERSION}|{kid}|{kind}|{owner}|{record}".encode()


class Keyring:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._keys: dict[str, AESGCM] = {}
        self._device_roots: dict[str, bytes] = {}  # never the keys themselves
        for key in keys:
            kid = key_id(key)
            if kid in self._keys:
                raise ValueError("the same encryption key is configured twice")
            self._keys[kid] = AESGCM(key)
            self._device_roots[kid] = hmac.new(key, b"waymark-device-key-root", hashlib.sha256).digest()
        self.primary_id = key_id(keys[0])

    def device_keys(self, owner: uuid.UUID) -> list[tuple[str, str]]:
        """The keys a person's phone seals its outbox and saved entries with, newest first
        (see docs/journal-encryption.md, "On the phone"): one per configured key, named by
        that key's id, derived with HMAC-SHA-256 so a device key reveals nothing of the
        server's key and differs for every person. Each key as urlsafe base64 (no padding)."""
        label = b"waymark-device-key\x00" + str(owner).encode()
        return [(kid, _b64encode(hmac.new(root, label, hashlib.sha256).digest()))
                for kid, root in self._device_roots.items()]

    def encrypt(self, plaintext: str, *, kind: str, owner: uuid.UUID, record: uuid.UUID) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.primary_id].encrypt(
            nonce, plaintext.encode("utf-8"), _associated_data(self.primary_id, kind, owner, record)
        )
        return f"{VERSION}:{self.primary_id}:{_b64encode(nonce + sealed)}"

    def decrypt(self, stored: str, *, kind: str, owner: uuid.UUID, record: uuid.UUID) -> str:
        try:
            version, kid, payload = stored.split(":", 2)
        except ValueError as exc:
            raise DecryptionError("not an encrypted value") from exc
        if version != VERSION:
            raise DecryptionError("unknown format")
        aead = self._keys.get(kid)
        if aead is None:
            raise DecryptionError("encrypted with a key that is not configured")
        try:
            raw = _b64decode(payload)
            plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(kid, kind, owner, record))
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise DecryptionError("the value does not belong here or was changed") from exc
        return plain.decode("utf-8")

    def current_prefix(self) -> str:
        return f"{VERSION}:{self.primary_id}:"


def _development_key(data_dir: Path) -> str:
    """The key kept in data_dir/encryption_key (0600), made once; every worker and every
    restart share it. Created with a hard link so two workers starting at once agree."""
    return secret_text_once(data_dir, KEY_FILE, new_key)


def load_keyring(settings: Settings) -> Keyring:
    keys = list(settings.encryption_keys)
    if not keys:
        if settings.is_production:  # get_settings refuses this already; belt and braces
            raise RuntimeError("WAYMARK_ENCRYPTION_KEY must be set in production")
        keys = [_development_key(settings.data_dir)]
    return Keyring([parse_key(k) for k in keys])


@lru_cache(maxsize=1)
def get_keyring() -> Keyring:
    return load_keyring(get_settings())
