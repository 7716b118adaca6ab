"""Users as the API shows them."""

from typing import Any

from sqlmodel import Session

from streamchat.db import get_row
from streamchat.errors import not_found
from streamchat.models import User


def avatar_url(user: User) -> str:
    """Return the URL of the user's avatar, a generated one when none is set."""
    if user.avatar:
        return f"/media/avatars/{user.avatar}"
    return f"/api/users/{user.id}/avatar"


def public_user(user: User) -> dict[str, Any]:
    """Describe a user as other people see them."""
    return {"id": user.id, "name": user.name, "avatar_url": avatar_url(user)}


def own_user(user: User) -> dict[str, Any]:
    """Describe a user to themselves or to an admin, email included."""
    return {
        **public_user(user),
        "email": user.email,
        "is_admin": user.is_admin,
        "created_at": iso(user.created_at),
    }


def iso(moment: Any) -> str:
    """Format a UTC datetime as ISO 8601 with a ``Z`` suffix."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def get_user(db: Session, user_id: int) -> User:
    """Load a user by id or raise a 404."""
    user = get_row(db, User, user_id)
    if user is None:
        raise not_found("User")
    return user
