"""Uploading a video and reading the current one."""

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from streamchat.api.deps import SessionDep, check_origin, find_identity
from streamchat.api.upload_stream import receive_upload
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.models import User
from streamchat.services import videos
from streamchat.services.video_files import UploadSink

router = APIRouter(
    prefix="/api/video", tags=["video"], dependencies=[Depends(check_origin)]
)

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "title": {"type": "string", "maxLength": videos.TITLE_MAX},
                    },
                }
            }
        },
    }
}


def _authenticate(request: Request) -> User:
    # A short read session: the dependency's write session would hold
    # SQLite's write lock for as long as the upload takes.
    with session_scope() as db:
        identity = find_identity(request, db)
    if identity is None:
        raise AppError(401, "not_authenticated", "Log in first.")
    return identity.user


def _store(
    sink: UploadSink, user: User, title: str | None, filename: str | None
) -> Any:
    with session_scope(write=True) as db:
        return videos.store_upload(db, user, sink, title=title, filename=filename)


@router.post("/upload", status_code=201, openapi_extra=UPLOAD_BODY)
async def upload_video(request: Request) -> dict[str, Any]:
    """Upload a video (MP4, MOV, WebM, Matroska or Ogg); it becomes the current one.

    The body is multipart/form-data with the file in `file` and an optional
    `title`. The type is detected from the file's bytes (415 otherwise); the
    size limit is the `STREAMCHAT_MAX_UPLOAD_BYTES` setting (413). The video
    object also carries `width` and `height` in pixels.
    """
    user = await run_in_threadpool(_authenticate, request)
    sink = UploadSink()
    try:
        form = await receive_upload(request, sink)
        video = await asyncio.to_thread(_store, sink, user, form.title, form.filename)
    except BaseException:
        sink.discard()
        raise
    return {"video": video}


@router.get("/current")
def current_video(db: SessionDep) -> dict[str, Any]:
    """Return the current video, or `{"video": null}` when there is none."""
    return {"video": videos.current_video(db)}
