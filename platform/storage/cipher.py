"""Encryption of stored objects with a tenant's data key, in chunks.

AES-256-GCM over chunks of ``CHUNK`` bytes, so neither side needs the whole file in
memory. An object is ``MAGIC``, an 8-byte random nonce prefix, then records of a 4-byte
length and a sealed chunk. Each chunk's nonce is the prefix and its number; its
associated data binds the format, the object's name, the chunk's number and whether it
is the last. So a chunk changed, dropped, repeated, reordered or cut off at the end, or a
whole object copied under another name or to another tenant, fails to decrypt
(``CorruptObject``) rather than giving back something else.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"CFE1"
CHUNK = 1 << 20
_TAG = 16
_LENGTH = struct.Struct(">I")


class CorruptObject(ValueError):
    """A stored object does not decrypt: changed, cut short, moved, or another key's."""


def rechunk(chunks: Iterable[bytes], size: int = CHUNK) -> Iterator[bytes]:
    """The same bytes in pieces of exactly ``size`` (the last may be shorter, or empty
    when there were no bytes at all)."""
    buffer = bytearray()
    sent = False
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
            sent = True
    if buffer or not sent:
        yield bytes(buffer)


class DataCipher:
    """Seals and opens one tenant's objects with its data key (32 bytes)."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a data key is 32 bytes")
        self._aead = AESGCM(key)

    @staticmethod
    def _aad(name: str, number: int, last: bool) -> bytes:
        return MAGIC + name.encode("ascii") + b"\0" + struct.pack(">I?", number, last)

    def encrypt(self, name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """The object ``name`` sealed, in pieces, from its plaintext in pieces."""
        prefix = os.urandom(8)
        yield MAGIC + prefix
        pieces = rechunk(chunks)
        current = next(pieces)
        number = 0
        for following in pieces:
            yield self._seal(prefix, name, number, current, last=False)
            current, number = following, number + 1
        yield self._seal(prefix, name, number, current, last=True)

    def _seal(self, prefix: bytes, name: str, number: int, plain: bytes, *, last: bool) -> bytes:
        if number >= 2**32 - 1:
            raise ValueError("object too large")
        nonce = prefix + struct.pack(">I", number)
        sealed = self._aead.encrypt(nonce, plain, self._aad(name, number, last))
        return _LENGTH.pack(len(sealed)) + sealed

    def decrypt(self, name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """The plaintext of the sealed object ``name``, in pieces; ``CorruptObject`` as soon
        as anything is wrong (pieces already given are authentic, but the whole is not
        until the iteration ends without an error)."""
        buffer = bytearray()
        source = iter(chunks)

        def need(count: int) -> bool:
            while len(buffer) < count:
                more = next(source, None)
                if more is None:
                    return False
                buffer.extend(more)
            return True

        if not need(len(MAGIC) + 8) or bytes(buffer[: len(MAGIC)]) != MAGIC:
            raise CorruptObject("not a sealed object")
        prefix = bytes(buffer[len(MAGIC) : len(MAGIC) + 8])
        del buffer[: len(MAGIC) + 8]
        number = 0
        while True:
            if not need(_LENGTH.size):
                raise CorruptObject("the object is cut short")
            (length,) = _LENGTH.unpack(bytes(buffer[: _LENGTH.size]))
            if length < _TAG or length > CHUNK + _TAG:
                raise CorruptObject("a record has an impossible length")
            if not need(_LENGTH.size + length):
                raise CorruptObject("the object is cut short")
            sealed = bytes(buffer[_LENGTH.size : _LENGTH.size + length])
            del buffer[: _LENGTH.size + length]
            nonce = prefix + struct.pack(">I", number)
            # The last record is the one nothing follows: try it as such only then.
            at_end = not need(1)
            try:
                plain = self._aead.decrypt(nonce, sealed, self._aad(name, number, at_end))
            except InvalidTag:
                raise CorruptObject("a record does not decrypt") from None
            yield plain
            if at_end:
                return
            number += 1
