"""The FastAPI app mounted into Reflex's backend: REST, /ws/stream and media."""

import sqlalchemy as sa
from fastapi import FastAPI

from streamchat.api import (
    auth,
    chat,
    media,
    notifications,
    tokens,
    users,
    videos,
    ws,
)
from streamchat.api.deps import SessionDep
from streamchat.api.errors import install_error_handlers
from streamchat.api.site import SecurityHeaders, add_fallbacks, add_offline_docs

DESCRIPTION = (
    "The REST and WebSocket API of StreamChat. Errors always have the body "
    '`{"error": {"code", "message", "fields"}}`. Unsafe requests authenticated '
    "by the session cookie need the `X-CSRF-Token` header; scripts may use "
    "`Authorization: Bearer <token>` with a personal access token instead."
)


def create_api() -> FastAPI:
    """Build the API app with every router and the error envelope."""
    api = FastAPI(
        title="StreamChat API",
        version="1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    api.add_middleware(SecurityHeaders)
    install_error_handlers(api)
    add_offline_docs(api)
    for module in (auth, chat, tokens, notifications, users, videos, media, ws):
        api.include_router(module.router)

    @api.get("/api/health", tags=["meta"])
    def health(db: SessionDep) -> dict[str, str]:
        """Report that the site is up and its database responds."""
        db.exec(sa.select(1))  # type: ignore[call-overload]
        return {"status": "ok"}

    add_fallbacks(api)
    return api
