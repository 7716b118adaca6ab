"""Uploaded media files, served with byte ranges so that video seeking works.

Only names the site generated are served, with a content type chosen from the
suffix the site gave them and ``X-Content-Type-Options: nosniff``, so a file
can never be served as HTML or script.
"""

import os
import re
from collections.abc import AsyncIterator
from email.utils import formatdate
from pathlib import Path

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from streamchat.api.errors import error_response
from streamchat.errors import AppError, not_found
from streamchat.settings import get_settings

router = APIRouter(tags=["media"])

CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".ogv": "video/ogg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
FOLDERS = frozenset({"videos", "posters", "avatars"})
# Generated names only: no dots but the suffix's, so no partial or hidden file.
SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}\.[a-z0-9]{2,4}$")
READ_BYTES = 256 * 1024
RANGE_SPEC = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """Return the inclusive byte range of a ``Range`` header, or None to ignore it.

    Raises 416 when the range is valid but starts past the end of the file.
    A malformed header, a range whose last byte precedes its first, and a
    request for several ranges are ignored, which RFC 9110 (section 14.2)
    allows, so the whole file is sent.
    """
    match = RANGE_SPEC.match(header.replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        end = int(last) if last else size - 1
        if last and end < start:
            return None
    elif last:
        suffix = int(last)
        if suffix == 0:
            raise _unsatisfiable(size)
        start, end = max(size - suffix, 0), size - 1
    else:
        return None
    if start >= size:
        raise _unsatisfiable(size)
    return start, min(end, size - 1)


def _unsatisfiable(size: int) -> AppError:
    return AppError(
        416,
        "range_not_satisfiable",
        f"The requested range is outside the file, which has {size} bytes.",
    )


async def _read_file(path: Path, start: int, length: int) -> AsyncIterator[bytes]:
    file = await anyio.to_thread.run_sync(path.open, "rb")
    try:
        await anyio.to_thread.run_sync(file.seek, start)
        remaining = length
        while remaining > 0:
            chunk = await anyio.to_thread.run_sync(
                file.read, min(READ_BYTES, remaining)
            )
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        await anyio.to_thread.run_sync(file.close)


def _media_path(folder: str, name: str) -> Path:
    suffix = os.path.splitext(name)[1]
    if (
        folder not in FOLDERS
        or not SAFE_NAME.match(name)
        or suffix not in CONTENT_TYPES
    ):
        raise not_found("File")
    return get_settings().media_dir / folder / name


@router.get("/media/{folder}/{name}", operation_id="media_file")
@router.head("/media/{folder}/{name}", operation_id="media_file_head")
async def media_file(folder: str, name: str, request: Request) -> Response:
    """Serve an uploaded file; `Range: bytes=...` gets a 206 with that part."""
    path = _media_path(folder, name)
    try:
        stat = await anyio.to_thread.run_sync(path.stat)
    except FileNotFoundError:
        raise not_found("File") from None
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    headers = {
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "ETag": etag,
        "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
        # Stored names are never reused, so a file never changes at its URL.
        "Cache-Control": "public, max-age=31536000, immutable",
    }

    span = None
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if range_header and (if_range is None or if_range == etag):
        try:
            span = parse_range(range_header, size)
        except AppError as error:
            error_headers = {"Content-Range": f"bytes */{size}", **headers}
            return _error(error, error_headers)

    status, start, end = 200, 0, size - 1
    if span is not None:
        status, (start, end) = 206, span
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    length = end - start + 1
    headers["Content-Length"] = str(length)
    media_type = CONTENT_TYPES[path.suffix]
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media_type)
    body = _read_file(path, start, length)
    return StreamingResponse(
        body, status_code=status, headers=headers, media_type=media_type
    )


def _error(error: AppError, headers: dict[str, str]) -> Response:
    response = error_response(error)
    response.headers.update(headers)
    return response
