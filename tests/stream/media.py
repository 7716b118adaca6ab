"""Test media: a short WebM made with PyAV, laid out as MediaRecorder writes it."""

import io
import math
import os
from array import array
from fractions import Fraction

import av

from streamchat.services.webm import CLUSTER, EBML, SEGMENT, read_vint

# A Segment or Cluster size field meaning "unknown", as MediaRecorder writes it.
UNKNOWN_SIZE = bytes.fromhex("01FFFFFFFFFFFFFF")
SEEK_HEAD = 0x114D9B74
CUES = 0x1C53BB6B


def make_webm(
    seconds: float = 3.0,
    fps: int = 25,
    gop: int = 10,
    audio: bool = True,
    cluster_ms: int = 0,
    bit_rate: int = 500_000,
    noise: bool = False,
) -> bytes:
    """Encode a moving test picture (and a tone) as VP8 and Opus in WebM.

    ``cluster_ms`` above zero also starts Clusters between key frames, and
    ``noise`` fills the picture with random pixels to reach ``bit_rate``.
    """
    output = io.BytesIO()
    options = {"cluster_time_limit": str(cluster_ms)} if cluster_ms else {}
    with av.open(output, "w", format="webm", options=options) as container:
        video = container.add_stream("libvpx", rate=fps)
        video.width, video.height, video.pix_fmt = 320, 240, "yuv420p"
        video.codec_context.gop_size = gop
        video.bit_rate = bit_rate
        sound = container.add_stream("libopus", rate=48000) if audio else None
        for index in range(int(seconds * fps)):
            frame = _picture(index, noise)
            frame.pts, frame.time_base = index, Fraction(1, fps)
            for packet in video.encode(frame):
                container.mux(packet)
            if sound is not None:
                _encode_tone(container, sound, index, fps)
        for stream in (video, sound):
            if stream is not None:
                for packet in stream.encode(None):
                    container.mux(packet)
    return output.getvalue()


def _picture(index: int, noise: bool = False) -> av.VideoFrame:
    """A grey picture whose brightness and one white column move with time."""
    frame = av.VideoFrame(320, 240, "yuv420p")
    row = bytearray([index * 7 % 256]) * 320
    row[(index * 4) % 320] = 255
    luma = os.urandom(320 * 240) if noise else bytes(row) * 240
    frame.planes[0].update(luma)
    frame.planes[1].update(bytes([128]) * (160 * 120))
    frame.planes[2].update(bytes([128]) * (160 * 120))
    return frame


def _encode_tone(
    container: av.container.OutputContainer, sound: av.AudioStream, index: int, fps: int
) -> None:
    samples = 48000 // fps
    start = index * samples
    wave = array(
        "h",
        (
            int(6000 * math.sin(2 * math.pi * 440 * n / 48000))
            for n in range(start, start + samples)
        ),
    )
    frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
    frame.planes[0].update(wave.tobytes())
    frame.sample_rate, frame.pts = 48000, start
    for packet in sound.encode(frame):
        container.mux(packet)


def _element(data: bytes, at: int) -> tuple[int, int, int, int]:
    """Return (id, header length, payload size, end) of the element at ``at``."""
    element, id_len = read_vint(data, at, True)
    size, size_len = read_vint(data, at + id_len, False)
    header = id_len + size_len
    return element, header, size, at + header + size


def as_media_recorder(data: bytes) -> bytes:
    """Rewrite a WebM file the way MediaRecorder streams it.

    The Segment and every Cluster get an unknown size, and the SeekHead and
    Cues, which a live recorder cannot write, are left out.
    """
    out = bytearray()
    at = 0
    while at < len(data):
        element, header, _size, end = _element(data, at)
        if element == EBML:
            out += data[at:end]
        elif element == SEGMENT:
            out += data[at : at + 4] + UNKNOWN_SIZE
            out += _segment_children(data, at + header, end)
        at = end
    return bytes(out)


def _segment_children(data: bytes, at: int, end: int) -> bytes:
    out = bytearray()
    while at < min(end, len(data)):
        element, header, _size, child_end = _element(data, at)
        if element == CLUSTER:
            out += data[at : at + 4] + UNKNOWN_SIZE + data[at + header : child_end]
        elif element not in (SEEK_HEAD, CUES):
            out += data[at:child_end]
        at = child_end
    return bytes(out)


def chunks(
    data: bytes, sizes: tuple[int, ...] = (1500, 9000, 333, 24000, 4096)
) -> list[bytes]:
    """Cut ``data`` into chunks of varying size, as MediaRecorder delivers it."""
    parts, at, turn = [], 0, 0
    while at < len(data):
        size = sizes[turn % len(sizes)]
        parts.append(data[at : at + size])
        at, turn = at + size, turn + 1
    return parts


def decode_frames(data: bytes) -> list[bool]:
    """Decode WebM bytes; return each video frame's key frame flag."""
    flags = []
    with av.open(io.BytesIO(data), "r", format="webm") as container:
        for packet in container.demux(video=0):
            for _frame in packet.decode():
                flags.append(bool(packet.is_keyframe))
    return flags
