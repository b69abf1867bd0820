"""A sheet part's XML handed on in slices that end just after a row's closing tag.

A slice never cuts a row (nor, therefore, a cell) in two, so each can be searched, checked
or parsed on its own; a sheet of any size then costs one slice of memory, not its whole XML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

_PREFIX = re.compile(rb"\w+:")
_PIECE = 256 << 10


def _read(stream: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes of `stream`, read a quarter megabyte at a time: one large read of a
    zip member holds several times `size` while it inflates (a 4 MB slice of sheet XML
    briefly cost 36 MB), small ones only what they return."""
    pieces = []
    while size > 0:
        piece = stream.read(min(size, _PIECE))
        if not piece:
            break
        pieces.append(piece)
        size -= len(piece)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def last_row_end(buffer: bytes) -> int:
    """Offset just past the last </row> (or </x:row>) in `buffer`, or -1.

    "row>" alone may sit in a cell's text (a ">" need not be escaped there), but "</" may
    not: only a real closing tag ends a slice."""
    end = buffer.rfind(b"row>")
    while end >= 0:
        start = buffer.rfind(b"</", max(0, end - 64), end)
        if start >= 0 and (start + 2 == end or _PREFIX.fullmatch(buffer, start + 2, end)):
            return end + 4
        end = buffer.rfind(b"row>", 0, end)
    return -1


def row_slices(stream: BinaryIO, size: int, max_carry: int | None = None) -> Iterator[bytes]:
    """`stream`'s bytes in slices of about `size`, each ending at a row's end (the last one
    at the stream's end). A slice holding no row end grows until one comes; with `max_carry`,
    past that many bytes it is cut after any tag instead (a "row" that long is no row a
    person typed, and the caller only scans it)."""
    carry = b""
    while True:
        chunk = _read(stream, size)
        if not chunk:
            if carry:
                yield carry
            return
        buffer = carry + chunk if carry else chunk
        cut = last_row_end(buffer)
        if cut < 0:
            if max_carry is None or len(buffer) <= max_carry:
                carry = buffer
                continue
            cut = buffer.rfind(b">") + 1 or len(buffer)
        if cut == len(buffer):
            carry = b""
            yield buffer
        else:
            carry = buffer[cut:]
            yield buffer[:cut]
