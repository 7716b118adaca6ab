"""Public user resources: the generated default avatar."""

import hashlib
from html import escape

from fastapi import APIRouter, Response

from streamchat.api.deps import SessionDep
from streamchat.services.users import get_user

router = APIRouter(prefix="/api/users", tags=["users"])

_COLORS = ("#e8590c", "#2f9e44", "#1971c2", "#9c36b5", "#c2255c", "#0c8599", "#5f3dc4")


@router.get("/{user_id}/avatar", response_class=Response)
def default_avatar(user_id: int, db: SessionDep) -> Response:
    """Draw the default avatar: the name's first letter on a colour of its own."""
    user = get_user(db, user_id)
    digest = hashlib.sha256(user.name_key.encode()).digest()
    color = _COLORS[digest[0] % len(_COLORS)]
    letter = escape(user.name[:1].upper())
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" '
        'viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="32" fill="{color}"/>'
        '<text x="32" y="42" font-size="30" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{letter}</text></svg>'
    )
    headers = {
        "Cache-Control": "public, max-age=3600",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(svg, media_type="image/svg+xml", headers=headers)
