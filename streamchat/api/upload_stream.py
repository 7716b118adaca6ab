"""Stream a multipart/form-data video upload to disk as its bytes arrive.

Starlette's own form parser reads the whole body before the route runs, so
the size limit could only be checked afterwards. This parser hands each piece
of the ``file`` part to an ``UploadSink`` while the request is still coming in.
"""

import asyncio
from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from streamchat.errors import AppError
from streamchat.services.video_files import UploadSink, too_large

FILE_FIELD = "file"
TITLE_FIELD = "title"
# Bytes kept of the title field; the longest valid title is far shorter.
TITLE_BYTES_MAX = 4096
# Room for the part headers, boundaries and title around the file's bytes.
MULTIPART_OVERHEAD = 64 * 1024


@dataclass
class ReceivedUpload:
    """The form fields sent beside the file's bytes."""

    filename: str | None = None
    title: str | None = None
    has_file: bool = False


@dataclass
class _FormReader:
    """Callbacks of python-multipart's parser, one part at a time."""

    sink: UploadSink
    upload: ReceivedUpload = field(default_factory=ReceivedUpload)
    part: str = ""
    header_name: bytes = b""
    header_value: bytes = b""
    disposition: bytes = b""
    title: bytearray = field(default_factory=bytearray)

    def on_part_begin(self) -> None:
        self.disposition = b""
        self.part = ""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name = b""
        self.header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == FILE_FIELD:
            if self.upload.has_file:
                raise AppError(400, "too_many_files", "Send one file per upload.")
            self.upload.has_file = True
            raw_filename = options.get(b"filename")
            if raw_filename is not None:
                self.upload.filename = raw_filename.decode("utf-8", "replace")
        elif name == TITLE_FIELD:
            self.title = bytearray()
        self.part = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part == FILE_FIELD:
            self.sink.feed(data[start:end])
        elif self.part == TITLE_FIELD:
            self.title += data[start:end]
            if len(self.title) > TITLE_BYTES_MAX:
                raise AppError(400, "validation_failed", "The title is too long.")

    def on_part_end(self) -> None:
        if self.part == TITLE_FIELD:
            self.upload.title = self.title.decode("utf-8", "replace")


def check_upload_request(request: Request, limit: int) -> bytes:
    """Return the multipart boundary; raise 415 or an early 413 before reading."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise AppError(
            415,
            "unsupported_media_type",
            "Send the video as multipart/form-data with the file in a 'file' field.",
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
        raise too_large(limit)
    return boundary


async def receive_upload(request: Request, sink: UploadSink) -> ReceivedUpload:
    """Read the request body into ``sink``; raise 400 without a file part.

    The sink raises 413 as soon as the bytes received pass its limit and 415
    as soon as the first bytes show a wrong container. Disk writes run in a
    worker thread, a megabyte at a time.
    """
    boundary = check_upload_request(request, sink.limit)
    reader = _FormReader(sink)
    callbacks = {
        name: getattr(reader, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    async for chunk in request.stream():
        parser.write(chunk)
        if sink.should_flush():
            await asyncio.to_thread(sink.flush)
    parser.finalize()

    if not reader.upload.has_file:
        raise AppError(
            400, "file_missing", "The request has no file. Send it in a 'file' field."
        )
    await asyncio.to_thread(sink.finish)
    return reader.upload
