"""GET /stream: whether a broadcast is live, and where to watch it."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from streamchat.live.mirror import get_mirror
from streamchat.services.streams import WATCH_URL

router = APIRouter(tags=["stream"])


@router.get("/stream", response_model=None)
async def get_stream(request: Request) -> dict[str, Any] | RedirectResponse:
    """Describe the live broadcast; a browser navigation goes to the watch page.

    ``ws_url`` is the path of the WebSocket that carries the broadcast's
    events and media; ``viewers`` counts the viewers on every backend process.
    """
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(WATCH_URL, status_code=303)
    return get_mirror().public_state()
