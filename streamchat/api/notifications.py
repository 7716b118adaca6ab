"""The logged-in user's notifications."""

from typing import Any

from fastapi import APIRouter, Depends

from streamchat.api.deps import CurrentUserDep, SessionDep, check_origin
from streamchat.api.schemas import NotificationsRead
from streamchat.errors import validation_error
from streamchat.services import notifications

router = APIRouter(
    prefix="/api/notifications",
    tags=["notifications"],
    dependencies=[Depends(check_origin)],
)


@router.get("")
def list_notifications(db: SessionDep, user: CurrentUserDep) -> dict[str, Any]:
    """List the newest notifications and the unread count."""
    assert user.id is not None
    return notifications.list_notifications(db, user.id)


@router.post("/read")
def mark_read(
    body: NotificationsRead, db: SessionDep, user: CurrentUserDep
) -> dict[str, Any]:
    """Mark the given notifications, or all of them, as read."""
    assert user.id is not None
    if not body.all and body.ids is None:
        raise validation_error({"ids": 'Give "ids" or "all": true.'})
    count = notifications.mark_read(db, user.id, None if body.all else body.ids)
    return {"updated": count}
