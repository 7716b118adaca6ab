"""VideoState: the current video, the upload dialog and live video changes."""

import asyncio
import logging
import time
from typing import Any

import reflex as rx
from reflex_base.event import Event
from reflex_base.utils.format import format_event_handler

from streamchat import events
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.i18n import CATALOGUE, LANGUAGES, translate
from streamchat.models import User
from streamchat.realtime import get_bus
from streamchat.services import auth, videos
from streamchat.services.video_files import UploadSink, format_size
from streamchat.settings import get_settings
from streamchat.state.i18n import I18nState

logger = logging.getLogger(__name__)

UPLOAD_ID = "video_upload"
# Room for the multipart boundaries and headers around the file in the body.
MULTIPART_OVERHEAD = 64 * 1024
# An upload with no progress for this long is reported as failed: the browser
# hides the HTTP status of an upload, so a proxy's 413 looks like a stall.
STALL_SECONDS = 30.0
WATCH_INTERVAL = 2.0


def _user_from_cookie(cookie_header: str) -> User | None:
    name = get_settings().cookie_name
    for part in cookie_header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            with session_scope() as db:
                found = auth.find_session(db, value)
            return found[0] if found else None
    return None


def _load_current() -> dict[str, Any] | None:
    with session_scope() as db:
        return videos.current_video(db)


def _store(sink: UploadSink, user: User, title: str, filename: str | None) -> Any:
    with session_scope(write=True) as db:
        return videos.store_upload(db, user, sink, title=title, filename=filename)


class VideoState(rx.State):
    """The current video and the upload dialog of one page."""

    video: dict[str, Any] | None = None
    lang: str = "ru"
    can_upload: bool = False
    dialog_open: bool = False
    title: str = ""
    uploading: bool = False
    processing: bool = False
    percent: int = 0
    done: bool = False
    error: str = ""
    limit_text: str = ""
    _last_activity: float = 0.0

    @rx.var
    def video_url(self) -> str:
        return self.video["url"] if self.video else ""

    @rx.var
    def poster_url(self) -> str:
        return (self.video or {}).get("poster_url") or ""

    @rx.var
    def video_title(self) -> str:
        return self.video["title"] if self.video else ""

    @rx.var
    def uploaded_by(self) -> str:
        if not self.video:
            return ""
        return translate(self.lang, "video.by", name=self.video["user"]["name"])

    @rx.var
    def percent_text(self) -> str:
        return translate(self.lang, "video.upload.progress", percent=self.percent)

    @rx.var
    def hint_text(self) -> str:
        return translate(self.lang, "video.upload.hint", limit=self.limit_text)

    @rx.event
    async def load_video(self) -> None:
        """Load the current video and whether this visitor may upload."""
        headers = self.router.headers
        self.lang = (await self.get_state(I18nState)).current_lang
        self.limit_text = format_size(get_settings().max_upload_bytes)
        user = await asyncio.to_thread(_user_from_cookie, headers.cookie)
        self.can_upload = user is not None
        self.video = await asyncio.to_thread(_load_current)

    @rx.event
    def set_language(self, lang: str) -> None:
        """Follow the language toggle, for the texts built here."""
        if lang in LANGUAGES:
            self.lang = lang

    @rx.event
    def show_new_video(self, video: dict[str, Any]) -> Any:
        """Switch to a video that someone just uploaded, with a toast."""
        self.video = video
        message = translate(
            self.lang,
            "video.toast.changed",
            name=video["user"]["name"],
            title=video["title"],
        )
        return rx.toast.info(message)

    @rx.event
    def open_dialog(self) -> Any:
        self.dialog_open = True
        self.title = ""
        self.error = ""
        self.percent = 0
        self.done = False
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    def set_dialog_open(self, is_open: bool) -> Any:
        if not is_open and self.uploading:
            return VideoState.cancel_upload
        self.dialog_open = is_open
        return None

    @rx.event
    def set_title(self, title: str) -> None:
        self.title = title

    @rx.event
    def begin_upload(self) -> Any:
        """Reset the progress before the browser starts sending the file."""
        self.uploading = True
        self.processing = False
        self.done = False
        self.percent = 0
        self.error = ""
        self._last_activity = time.monotonic()
        return VideoState.watch_upload

    @rx.event
    def record_progress(self, progress: dict[str, Any]) -> Any:
        """Show the browser's upload progress; stop at once past the limit."""
        if not self.uploading:
            return None
        self._last_activity = time.monotonic()
        self.percent = min(100, int(float(progress.get("progress", 0)) * 100))
        limit = get_settings().max_upload_bytes
        if int(progress.get("total", 0)) > limit + MULTIPART_OVERHEAD:
            return self._fail("video.error.too_large", limit=format_size(limit))
        return None

    @rx.event
    def cancel_upload(self) -> Any:
        self.uploading = False
        self.processing = False
        self.percent = 0
        return rx.cancel_upload(UPLOAD_ID)

    def _fail(self, key: str, **values: object) -> Any:
        if key not in CATALOGUE["en"]:
            key = "error.generic"
        self.error = translate(self.lang, key, **values)
        self.uploading = False
        self.processing = False
        return rx.cancel_upload(UPLOAD_ID)

    @rx.event(background=True)
    async def watch_upload(self) -> Any:
        """Fail an upload that made no progress for ``STALL_SECONDS``."""
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            async with self:
                if not self.uploading or self.processing:
                    return None
                if time.monotonic() - self._last_activity > STALL_SECONDS:
                    logger.warning("video upload stalled for %.0f s", STALL_SECONDS)
                    return self._fail("video.error.stalled")

    @rx.event(background=True)
    async def receive_upload(self, chunks: rx.UploadChunkIterator) -> Any:
        """Stream an upload from the dialog to disk and store it as a video."""
        async with self:
            cookie, title = self.router.headers.cookie, self.title
        user = await asyncio.to_thread(_user_from_cookie, cookie)
        sink = UploadSink()
        try:
            if user is None:
                raise AppError(401, "not_authenticated", "Log in first.")
            filename = await self._receive_chunks(chunks, sink)
            async with self:
                self.processing = True
            video = await asyncio.to_thread(_store, sink, user, title, filename)
        except AppError as error:
            sink.discard()
            logger.info("video upload rejected: %s", error.code)
            async with self:
                limit = format_size(sink.limit)
                return self._fail(f"video.error.{error.code}", limit=limit)
        except BaseException:
            sink.discard()
            raise
        async with self:
            self.video = video
            self.uploading = self.processing = False
            self.done = True
            self.percent = 100
            self.title = ""
        return rx.clear_selected_files(UPLOAD_ID)

    async def _receive_chunks(
        self, chunks: rx.UploadChunkIterator, sink: UploadSink
    ) -> str:
        filename: str | None = None
        async for chunk in chunks:
            if filename is None:
                filename = chunk.filename
            elif chunk.filename != filename:
                raise AppError(400, "too_many_files", "Send one file per upload.")
            sink.feed(chunk.data)
            if sink.should_flush():
                await asyncio.to_thread(sink.flush)
        if filename is None:
            raise AppError(400, "file_missing", "Choose a file.")
        await asyncio.to_thread(sink.finish)
        return filename


async def relay_video_changes(app: rx.App) -> None:
    """Forward every video change on the bus to each page open in this process.

    Video changes are rare, so one event per connected page is cheap, and no
    page needs a listener of its own.
    """
    handler = format_event_handler(VideoState.event_handlers["show_new_video"])
    async with get_bus().subscribe() as subscription:
        while True:
            event = await subscription.get()
            if event.type != events.VIDEO_CHANGED or event.user_id is not None:
                continue
            namespace = app.event_namespace
            tokens = list(namespace.token_to_sid) if namespace else []
            payload = {"video": event.data["video"]}
            logger.info(
                "video %s is current, telling %d pages",
                payload["video"]["id"],
                len(tokens),
            )
            for token in tokens:
                await app.event_processor.enqueue(
                    token, Event(handler, payload=payload)
                )
