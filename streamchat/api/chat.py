"""Chat messages and likes over REST."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BeforeValidator

from streamchat.api.deps import (
    CurrentUserDep,
    OptionalUserDep,
    SessionDep,
    check_origin,
)
from streamchat.api.schemas import LikeRequest, MessageCreate
from streamchat.services import chat

router = APIRouter(
    prefix="/api/chat", tags=["chat"], dependencies=[Depends(check_origin)]
)


def _strict_int(value: Any) -> Any:
    # Query values arrive as strings; "1.5" or "abc" must be a 400, not truncated.
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        raise ValueError("must be an integer")
    return value


StrictInt = Annotated[int, BeforeValidator(_strict_int)]


@router.get("/messages")
def list_messages(
    db: SessionDep,
    user: OptionalUserDep,
    limit: Annotated[StrictInt, Query(description="1 to 200")] = 50,
    before_id: StrictInt | None = None,
    after_id: StrictInt | None = None,
) -> dict[str, Any]:
    """List messages oldest first; page with before_id or after_id."""
    viewer = user.id if user else None
    return chat.list_messages(
        db, limit=limit, before_id=before_id, after_id=after_id, viewer_id=viewer
    )


@router.post("/messages", status_code=201)
def post_message(
    body: MessageCreate, db: SessionDep, user: CurrentUserDep
) -> dict[str, Any]:
    """Post a message as the logged-in user."""
    assert user.id is not None
    return {"message": chat.post_message(db, user.id, body.text)}


@router.post("/like")
def like(body: LikeRequest, db: SessionDep, user: CurrentUserDep) -> dict[str, Any]:
    """Like or unlike a message; each user counts at most once."""
    assert user.id is not None
    return chat.set_like(db, user.id, body.message_id, body.action)


@router.delete("/messages/{message_id}")
def delete_message(
    message_id: int, db: SessionDep, user: CurrentUserDep
) -> dict[str, bool]:
    """Delete a message; the author or an admin may."""
    chat.delete_message(db, user, message_id)
    return {"ok": True}
