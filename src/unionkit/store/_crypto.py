"""Encryption at rest for ID and phone numbers: AES-GCM values and a keyed hash to match on."""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

from unionkit.errors import StoreError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "ENV_KEY",
    "ENV_KEY_FILE",
    "StoreKey",
    "default_key_file",
    "load_key",
    "missing_key",
    "new_key_text",
]

ENV_KEY = "UNIONKIT_KEY"
"""Environment variable holding the store key (44 characters of base64, 32 bytes)."""

ENV_KEY_FILE = "UNIONKIT_KEY_FILE"
"""Environment variable naming a file that holds the store key (mode 0600)."""

_VERSION = "v1"
_NONCE_BYTES = 12  # AES-GCM's standard nonce length


def new_key_text() -> str:
    """A fresh random store key as text (urlsafe base64 of 32 bytes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def missing_key(doing: str) -> StoreError:
    """The error for *doing* something that needs the store key when none is configured."""
    error = StoreError(
        f"{doing} needs the store key: set UNIONKIT_KEY or UNIONKIT_KEY_FILE (make a key with "
        f"`unionkit store new-key`); ID and phone numbers are only stored encrypted / "
        f"未配置数据库密钥，身份证号与手机号只加密保存"
    )
    error.reason = "no_key"
    return error


def _no_key(message: str) -> StoreError:
    error = StoreError(message)
    error.reason = "no_key"
    return error


def _parse(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise _no_key(
            f"the store key in {where} is not 32 bytes of base64; make one with "
            f"`unionkit store new-key` / 数据库密钥格式不正确"
        )
    return raw


@frozen
class StoreKey:
    """
    The master key of a store, and the two keys derived from it.

    AES-256-GCM encrypts each number with a random nonce; the column name and the
    member id are authenticated with it, so a value copied to another row or column
    does not decrypt. A separate HMAC-SHA256 key gives the match column: equal numbers
    have equal hashes, and without the key a hash cannot be checked against guesses.

    Args:
        master: 32 random bytes.
    """

    master: bytes

    @property
    def key_id(self) -> str:
        """A short public name of the key (not secret): which key encrypted a value."""
        return hashlib.sha256(b"unionkit key id" + self.master).hexdigest()[:8]

    def _derive(self, purpose: bytes) -> bytes:
        return _derived(self.master, purpose)

    def encrypt(self, value: str, *, column: str, member_id: str) -> str:
        """Encrypt *value*; the result names the key that can open it."""
        return self.encrypt_many([value], column=column, member_ids=[member_id])[0]

    def encrypt_many(
        self, values: Sequence[str], *, column: str, member_ids: Sequence[str]
    ) -> list[str]:
        """
        Encrypt each of *values* (of *column*, for the member at the same index).

        Each value gets its own random 96-bit nonce, drawn in one read of the operating
        system's random source for the whole batch: a roster of 100,000 members encrypts
        200,000 values, and one cipher object and one random read serve them all.

        Args:
            values: The plain values.
            column: The column they are stored in (authenticated with each value).
            member_ids: The member of each value (authenticated with it).

        Returns:
            One token per value, as :meth:`encrypt` returns it.
        """
        if len(values) != len(member_ids):
            raise ValueError("encrypt_many needs one member id per value")
        seal = _cipher(self.master).encrypt
        nonces = os.urandom(_NONCE_BYTES * len(values))
        prefix = f"{_VERSION}:{self.key_id}:"
        b64 = base64.b64encode
        out: list[str] = []
        for i, (value, member_id) in enumerate(zip(values, member_ids, strict=True)):
            nonce = nonces[i * _NONCE_BYTES : (i + 1) * _NONCE_BYTES]
            sealed = seal(nonce, value.encode("utf-8"), f"{column}|{member_id}".encode())
            out.append(prefix + b64(nonce + sealed).decode("ascii"))
        return out

    def decrypt(self, token: str, *, column: str, member_id: str) -> str:
        """
        Open a value :meth:`encrypt` made.

        Raises:
            StoreError: The value was made with another key, or was altered or moved.
        """
        return self.decrypt_many([token], column=column, member_ids=[member_id])[0]

    def decrypt_many(
        self, tokens: Sequence[str], *, column: str, member_ids: Sequence[str]
    ) -> list[str]:
        """
        Open each of *tokens* (of *column*, for the member at the same index).

        One cipher object and one key id serve the whole batch (reading 100,000 members
        opens up to 200,000 values); each value is checked as :meth:`decrypt` checks it.

        Args:
            tokens: Values :meth:`encrypt` or :meth:`encrypt_many` made.
            column: The column they are stored in.
            member_ids: The member of each value.

        Returns:
            The plain values, in order.

        Raises:
            StoreError: A value was made with another key, or was altered or moved (the
                message names the first such member, never the value).
        """
        from cryptography.exceptions import InvalidTag

        if len(tokens) != len(member_ids):
            raise ValueError("decrypt_many needs one member id per value")
        open_sealed = _cipher(self.master).decrypt
        own_id = self.key_id
        b64decode = base64.b64decode
        out: list[str] = []
        for token, member_id in zip(tokens, member_ids, strict=True):
            version, key_id, body = ([*token.split(":", 2), "", ""])[:3]
            if version != _VERSION or key_id != own_id:
                raise _no_key(
                    f"member {member_id!r}: {column} was encrypted with key {key_id!r}, "
                    f"not the configured key {own_id!r} / 密钥不匹配"
                )
            raw = b64decode(body)
            try:
                plain = open_sealed(
                    raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], f"{column}|{member_id}".encode()
                )
            except InvalidTag:
                raise StoreError(
                    f"member {member_id!r}: the stored {column} fails its integrity check "
                    f"(altered, or moved from another row) / 加密数据校验失败"
                ) from None
            out.append(plain.decode("utf-8"))
        return out

    def digest(self, value: str) -> str:
        """The keyed hash of *value* for matching and joins (64 hex digits)."""
        return self.digest_many([value])[0]

    def digest_many(self, values: Iterable[str]) -> list[str]:
        """
        The keyed hash of each of *values*, as :meth:`digest` gives it.

        HMAC-SHA256 (RFC 2104) with the inner and outer hashes keyed once and copied per
        value: keying costs as much as hashing a short number, and the :mod:`hmac`
        module's per-object wrapper as much again. The result equals ``hmac.new``'s.
        """
        inner, outer = _hmac_pads(self._derive(b"hmac v1"))
        out: list[str] = []
        for value in values:
            mac = inner.copy()
            mac.update(value.encode("utf-8"))
            final = outer.copy()
            final.update(mac.digest())
            out.append(final.hexdigest())
        return out


@functools.lru_cache(maxsize=16)
def _hmac_pads(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    # The two keyed SHA-256 states of HMAC (a 32-byte key fits SHA-256's 64-byte block).
    if len(key) > 64:
        raise ValueError("an HMAC-SHA256 key longer than a block must be hashed first")
    block = key.ljust(64, b"\0")
    return (
        hashlib.sha256(bytes(b ^ 0x36 for b in block)),
        hashlib.sha256(bytes(b ^ 0x5C for b in block)),
    )


@functools.lru_cache(maxsize=16)
def _derived(master: bytes, purpose: bytes) -> bytes:
    # HKDF once per key and purpose: a batch of 100,000 members encrypts 200,000 values.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"unionkit " + purpose
    ).derive(master)


@functools.lru_cache(maxsize=16)
def _cipher(master: bytes) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(_derived(master, b"aes-gcm v1"))


def default_key_file() -> Path:
    """
    Where ``unionkit store new-key`` keeps this user's key when no file is named.

    ``store.key`` in the per-user config folder (platformdirs:
    ``~/.config/unionkit/store.key`` on Linux), read when neither ``$UNIONKIT_KEY`` nor
    ``$UNIONKIT_KEY_FILE`` is set.
    """
    import platformdirs

    return Path(platformdirs.user_config_dir("unionkit", appauthor=False)) / "store.key"


def load_key(key: str | bytes | None = None) -> StoreKey | None:
    """
    The store key: *key* if given, else ``$UNIONKIT_KEY``, else the file ``$UNIONKIT_KEY_FILE``,
    else this user's key file (:func:`default_key_file`) when it exists.

    Args:
        key: The key as text (base64) or 32 raw bytes.

    Returns:
        The key, or ``None`` when none is configured.

    Raises:
        StoreError: A configured key is malformed, or its file cannot be read or is
            readable by others.
    """
    if isinstance(key, bytes) and len(key) == 32:
        return StoreKey(key)
    if key is not None:
        return StoreKey(
            _parse(key.decode("ascii") if isinstance(key, bytes) else key, "the key given")
        )
    text = os.environ.get(ENV_KEY)
    if text:
        return StoreKey(_parse(text, f"${ENV_KEY}"))
    file = os.environ.get(ENV_KEY_FILE)
    if not file and default_key_file().is_file():
        file = str(default_key_file())
    if file:
        path = Path(file)
        try:
            if path.stat().st_mode & 0o077:
                raise _no_key(
                    f"the key file {file} is readable by others; chmod 600 it / 密钥文件权限过宽"
                )
            return StoreKey(_parse(path.read_text(encoding="ascii"), file))
        except OSError as exc:
            raise _no_key(
                f"cannot read the key file {file} ({exc.strerror}) / 无法读取密钥文件"
            ) from None
    return None
