"""Rewriting an MP4's boxes for tests: files as phones and recorders write them, from OpenCV's.

OpenCV writes the index (moov) after the pictures, so boxes inside moov can change size
without moving a picture: chunk offsets stay right.
"""
from __future__ import annotations

import struct
from pathlib import Path
from typing import Callable

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta"}


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", len(payload) + 8, kind) + payload


def boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    out, off = [], 0
    while off + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[off:off + 8])
        out.append((kind, data[off + 8:off + size]))
        off += size
    return out


def rebuilt(data: bytes, edit: Callable[[bytes, bytes], bytes | None]) -> bytes:
    """The boxes of `data` with `edit(kind, payload)` applied (None drops the box), containers
    rebuilt around them; a container's payload is edited after its children."""
    out = b""
    for kind, payload in boxes(data):
        if kind in CONTAINERS:
            payload = rebuilt(payload, edit)
        payload = edit(kind, payload)
        if payload is not None:
            out += box(kind, payload)
    return out


def rewrite(path: Path, edit: Callable[[bytes, bytes], bytes | None]) -> Path:
    path.write_bytes(rebuilt(path.read_bytes(), edit))
    return path
