"""The broadcast's media on the bus: WebM bytes with a small header.

The process with the broadcaster's socket publishes every chunk it receives,
and every process (that one included) reads them back to serve its own
viewers. A header before the bytes names the broadcast and numbers the
chunks, so a reader can tell when one was lost. It also marks the first chunk
of a new byte stream, which begins with an initialization segment: the start
of a broadcast, or a broadcaster that reconnected.
"""

import struct
from dataclasses import dataclass

from streamchat.realtime import get_bus

# Flags (1 byte), stream id (8 bytes), chunk number (8 bytes), big-endian.
HEADER = struct.Struct(">BQQ")
FLAG_START = 0x01


@dataclass(frozen=True)
class MediaChunk:
    """One chunk of a broadcast as the broadcaster sent it."""

    stream_id: int
    number: int  # 0 for the chunk that starts a byte stream, then 1, 2, ...
    start: bool
    data: bytes


def encode_chunk(chunk: MediaChunk) -> bytes:
    flags = FLAG_START if chunk.start else 0
    return HEADER.pack(flags, chunk.stream_id, chunk.number) + chunk.data


def decode_chunk(raw: bytes) -> MediaChunk | None:
    """Read a chunk from the bus; None when it is shorter than a header."""
    if len(raw) < HEADER.size:
        return None
    flags, stream_id, number = HEADER.unpack_from(raw)
    return MediaChunk(stream_id, number, bool(flags & FLAG_START), raw[HEADER.size :])


def publish_chunk(chunk: MediaChunk) -> None:
    """Send a chunk to the viewers of every process, this one included."""
    get_bus().publish_media(encode_chunk(chunk))
