"""An incremental WebM parser that cuts a live stream where a viewer may join.

A browser's MediaRecorder writes one EBML header, then a Segment of unknown
size holding Info and Tracks, then Clusters, usually also of unknown size.
The parser reads element ids and sizes as bytes arrive in chunks of any size,
and returns the same bytes in order as pieces: first the initialization
segment (everything before the first Cluster), then media. A piece that starts
a Cluster records whether the Cluster begins with a key frame, so a late viewer
can start there. It never copies or rewrites media payloads.

Element ids and the SimpleBlock layout follow the Matroska specification
(RFC 9559): Cluster 0x1F43B675, SimpleBlock 0xA3 with the key frame flag 0x80.
"""

from dataclasses import dataclass
from typing import Literal

EBML = 0x1A45DFA3
SEGMENT = 0x18538067
CLUSTER = 0x1F43B675
TRACKS = 0x1654AE6B
TRACK_ENTRY = 0xAE
TRACK_NUMBER = 0xD7
TRACK_TYPE = 0x83
SIMPLE_BLOCK = 0xA3
BLOCK_GROUP = 0xA0

VIDEO_TRACK = 1
KEYFRAME_FLAG = 0x80
# Elements that may follow a Cluster in a Segment. One of them ends a Cluster
# of unknown size.
SEGMENT_CHILDREN = frozenset(
    {CLUSTER, TRACKS, 0x114D9B74, 0x1549A966, 0x1C53BB6B, 0x1254C367, 0x1941A469}
)
# Containers the parser descends into; every other element is skipped whole.
CONTAINERS = frozenset({SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY})
# The largest Cluster prefix held back while waiting for its first video
# block. Past it the Cluster is passed on as one without a key frame.
MAX_HELD_BYTES = 1 << 20

PieceKind = Literal["init", "cluster", "media"]


class WebMError(ValueError):
    """The bytes are not a WebM stream the parser can follow."""


@dataclass(frozen=True)
class Piece:
    """Consecutive bytes of the stream.

    ``kind`` is ``init`` for the initialization segment, ``cluster`` for bytes
    that start a Cluster and ``media`` for the rest. ``keyframe`` is set on a
    ``cluster`` piece whose first video block is a key frame.
    """

    data: bytes
    kind: PieceKind
    keyframe: bool = False


def read_vint(data: bytes | bytearray, at: int, keep_marker: bool) -> tuple[int, int]:
    """Read an EBML variable-length integer; return (value, length).

    Element ids keep their length marker bit, sizes do not. Raise IndexError
    when ``data`` ends inside the integer and WebMError when it is invalid.
    """
    first = data[at]
    if first == 0:
        raise WebMError(f"invalid EBML variable-length integer at byte {at}")
    length = 9 - first.bit_length()
    if at + length > len(data):
        raise IndexError("incomplete integer")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return value, length


def is_unknown_size(value: int, length: int) -> bool:
    """Tell whether a size field has all value bits set, meaning unknown."""
    return value == (1 << (7 * length)) - 1


class WebMParser:
    """Follows one WebM stream fed in chunks; see the module docstring."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._base = 0  # stream offset of _buffer[0]
        self._cursor = 0  # stream offset of the next unparsed byte
        self._emitted = 0  # stream offset of the first byte not yet returned
        self._skip_to = 0  # payload bytes before this offset are skipped
        self._open: list[tuple[int, int | None]] = []  # (id, end offset)
        self._init_done = False
        self._held_cluster: int | None = None  # start of an undecided Cluster
        self._track = 0
        self._track_kind = 0
        self.video_track: int | None = None

    def feed(self, data: bytes) -> list[Piece]:
        """Parse ``data`` and return the pieces that are ready, in order."""
        self._buffer += data
        pieces: list[Piece] = []
        while self._step(pieces):
            pass
        if not self._init_done and len(self._buffer) > MAX_HELD_BYTES:
            raise WebMError("no Cluster in the first MiB; is this a WebM stream?")
        if self._init_done and self._held_cluster is None:
            self._emit(pieces, self._cursor, "media")
        self._trim()
        return pieces

    def _byte(self, offset: int) -> int:
        return self._buffer[offset - self._base]

    def _step(self, pieces: list[Piece]) -> bool:
        """Parse one element header or skip payload; False when data ran out."""
        end = self._base + len(self._buffer)
        if self._cursor < self._skip_to:
            self._cursor = min(self._skip_to, end)
            return self._cursor < end
        self._close_finished()
        try:
            element, id_len = read_vint(self._buffer, self._cursor - self._base, True)
            size_at = self._cursor - self._base + id_len
            size, size_len = read_vint(self._buffer, size_at, False)
        except IndexError:
            return False
        unknown = is_unknown_size(size, size_len)
        payload = self._cursor + id_len + size_len
        in_open_cluster = bool(self._open) and self._open[-1] == (CLUSTER, None)
        if in_open_cluster and (element in SEGMENT_CHILDREN or element == EBML):
            self._open.pop()  # this element ends the unknown-size Cluster
        if element in CONTAINERS or unknown:
            return self._enter(pieces, element, payload, None if unknown else size)
        wanted = element in (TRACK_NUMBER, TRACK_TYPE, SIMPLE_BLOCK)
        if wanted and not self._read_leaf(pieces, element, payload, size, end):
            return False
        self._cursor = payload
        self._skip_to = payload + size
        return True

    def _close_finished(self) -> None:
        while self._open and self._open[-1][1] is not None:
            if self._cursor < self._open[-1][1]:  # type: ignore[operator]
                return
            self._end_container(self._open.pop()[0])

    def _enter(
        self, pieces: list[Piece], element: int, payload: int, size: int | None
    ) -> bool:
        if element not in CONTAINERS:
            raise WebMError(f"element 0x{element:X} of unknown size is not supported")
        if element == CLUSTER:
            self._start_cluster(pieces)
        self._open.append((element, None if size is None else payload + size))
        self._cursor = self._skip_to = payload
        return True

    def _start_cluster(self, pieces: list[Piece]) -> None:
        if not self._init_done:
            self._emit(pieces, self._cursor, "init")
            self._init_done = True
        elif self._held_cluster is not None:
            self._emit(pieces, self._cursor, "cluster")
        else:
            self._emit(pieces, self._cursor, "media")
        self._held_cluster = self._cursor

    def _end_container(self, element: int) -> None:
        if element != TRACK_ENTRY:
            return
        if self._track_kind == VIDEO_TRACK and self.video_track is None:
            self.video_track = self._track
        self._track = self._track_kind = 0

    def _read_leaf(
        self, pieces: list[Piece], element: int, payload: int, size: int, end: int
    ) -> bool:
        """Read the few payload bytes the parser needs; False if not there yet."""
        if element == SIMPLE_BLOCK and self._held_cluster is None:
            return True
        need = min(size, 8) if element != SIMPLE_BLOCK else min(size, 12)
        if payload + need > end:
            return False
        start = payload - self._base
        body = bytes(self._buffer[start : start + need])
        if element == SIMPLE_BLOCK:
            self._decide_cluster(pieces, body, payload)
        elif element == TRACK_NUMBER:
            self._track = int.from_bytes(body, "big")
        else:
            self._track_kind = int.from_bytes(body, "big")
        return True

    def _decide_cluster(self, pieces: list[Piece], body: bytes, payload: int) -> None:
        track, length = read_vint(body, 0, False)
        other_track = self.video_track is not None and track != self.video_track
        held = payload - (self._held_cluster or 0)
        if other_track and held < MAX_HELD_BYTES:
            return  # an audio block, so the next video block decides
        keyframe = (
            bool(body[length + 2] & KEYFRAME_FLAG) if len(body) > length + 2 else False
        )
        if other_track:
            keyframe = False
        self._emit(pieces, self._cursor, "cluster", keyframe)
        self._held_cluster = None

    def _emit(
        self, pieces: list[Piece], until: int, kind: PieceKind, keyframe: bool = False
    ) -> None:
        if until <= self._emitted:
            return
        start = self._emitted - self._base
        data = bytes(self._buffer[start : until - self._base])
        pieces.append(Piece(data, kind, keyframe))
        self._emitted = until

    def _trim(self) -> None:
        keep_from = self._emitted if self._held_cluster is None else self._held_cluster
        keep_from = min(keep_from, self._emitted, self._cursor)
        drop = keep_from - self._base
        if drop > 0:
            del self._buffer[:drop]
            self._base = keep_from
