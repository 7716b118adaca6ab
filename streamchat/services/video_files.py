"""Video files on disk: container sniffing, streamed uploads and probing.

Uploads are written to a hidden ``.part`` file in the videos folder, so the
finished file is renamed into place on the same file system, and a failed
upload is removed with one unlink.
"""

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
from PIL import Image

from streamchat.errors import AppError
from streamchat.settings import get_settings

logger = logging.getLogger(__name__)

# Bytes read before the container is sniffed; every signature fits in them.
SNIFF_BYTES = 4096
# Bytes kept in memory before they are written to disk in a worker thread.
FLUSH_BYTES = 1024 * 1024
# Packets demuxed while looking for the first video frame of an upload.
PROBE_PACKETS_MAX = 2000
POSTER_SIZE = (1280, 720)
PARTIAL_PREFIX = ".upload-"


@dataclass(frozen=True)
class Container:
    """A container format the site accepts: its media type and file suffix."""

    content_type: str
    suffix: str


MP4 = Container("video/mp4", ".mp4")
QUICKTIME = Container("video/quicktime", ".mov")
WEBM = Container("video/webm", ".webm")
MATROSKA = Container("video/x-matroska", ".mkv")
OGG = Container("video/ogg", ".ogv")

# Top-level atoms that may open a QuickTime file written without "ftyp".
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide")
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def sniff_container(head: bytes) -> Container | None:
    """Detect the container from a file's first bytes, or return None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return QUICKTIME if head[8:12] == b"qt  " else MP4
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS:
        return QUICKTIME
    if head.startswith(_EBML_MAGIC):
        # The EBML header names the DocType within its first few dozen bytes.
        if b"webm" in head[:64]:
            return WEBM
        if b"matroska" in head[:64]:
            return MATROSKA
        return None
    if head.startswith(b"OggS"):
        return OGG
    return None


def videos_dir() -> Path:
    return get_settings().media_dir / "videos"


def posters_dir() -> Path:
    return get_settings().media_dir / "posters"


def too_large(limit: int) -> AppError:
    """Build the 413 for an upload past ``limit`` bytes."""
    return AppError(
        413,
        "too_large",
        f"The file is larger than the limit of {format_size(limit)}.",
    )


def format_size(size: int) -> str:
    """Format a byte count for people, in binary units (MiB, GiB)."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


class UploadSink:
    """Receives one upload's bytes and writes them to a hidden partial file.

    ``feed`` only buffers and checks (size limit, container sniffing), so it
    is cheap to call on the event loop; ``flush`` does the disk write and is
    meant for a worker thread. Whoever creates a sink must call ``discard``
    when the upload does not end in a stored video.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit if limit is not None else get_settings().max_upload_bytes
        self.size = 0
        self.container: Container | None = None
        self.path = videos_dir() / f"{PARTIAL_PREFIX}{secrets.token_hex(16)}.part"
        self._buffer = bytearray()
        self._file: BinaryIO | None = None

    def feed(self, data: bytes) -> None:
        """Buffer ``data``; raise 413 past the limit and 415 for a wrong type."""
        self.size += len(data)
        if self.size > self.limit:
            raise too_large(self.limit)
        self._buffer += data
        if self.container is None and len(self._buffer) >= SNIFF_BYTES:
            self._sniff(bytes(self._buffer[:SNIFF_BYTES]))

    def should_flush(self) -> bool:
        return len(self._buffer) >= FLUSH_BYTES

    def flush(self) -> None:
        """Write the buffered bytes to the partial file (blocking)."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("xb")
        self._file.write(self._buffer)
        self._buffer.clear()

    def finish(self) -> Container:
        """Write what is left and close; raise 400 for an empty upload."""
        if self.size == 0:
            raise AppError(400, "empty_file", "The file is empty. Choose a video.")
        if self.container is None:
            self._sniff(bytes(self._buffer[:SNIFF_BYTES]))
        assert self.container is not None
        self.flush()
        self._close()
        return self.container

    def discard(self) -> None:
        """Close and delete the partial file, if any; safe to call twice."""
        self._close()
        self._buffer.clear()
        self.path.unlink(missing_ok=True)

    def _sniff(self, head: bytes) -> None:
        self.container = sniff_container(head)
        if self.container is None:
            raise AppError(
                415,
                "unsupported_media_type",
                "The file is not a supported video. Upload MP4, MOV, WebM, "
                "Matroska or Ogg.",
            )

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass(frozen=True)
class Probe:
    """The facts found by decoding the start of a video."""

    duration: float | None
    width: int
    height: int


def probe_video(path: Path, poster_path: Path) -> Probe:
    """Decode the first video frame of ``path`` and save it as a JPEG poster.

    Raises 400 ``invalid_video`` when the file has no video stream or its
    first frame does not decode. Blocking: call it in a worker thread.
    """
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.video:
                raise _invalid_video("it has no video stream")
            stream = container.streams.video[0]
            image = _first_frame(container, stream)
            duration = _duration(container, stream)
    except av.FFmpegError as error:
        logger.info("video %s does not decode: %s", path.name, error)
        raise _invalid_video("it does not decode") from None

    width, height = image.size
    image.thumbnail(POSTER_SIZE)
    poster_path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").save(poster_path, "JPEG", quality=85)
    return Probe(duration=duration, width=width, height=height)


def _first_frame(
    container: av.container.InputContainer, stream: av.VideoStream
) -> Image.Image:
    # NOTE: only the first frame is decoded, so a file that is damaged further
    # on is accepted and the browser plays it up to the damage.
    for count, packet in enumerate(container.demux(stream)):
        if count >= PROBE_PACKETS_MAX:
            break
        for frame in packet.decode():
            return frame.to_image()
    raise _invalid_video("no frame of it decodes")


def _duration(
    container: av.container.InputContainer, stream: av.VideoStream
) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _invalid_video(reason: str) -> AppError:
    return AppError(
        400,
        "invalid_video",
        f"The file could not be read as a video because {reason}. "
        "Check that it plays on your computer, or export it again.",
    )
