"""Personal access tokens for scripts."""

from typing import Any

from fastapi import APIRouter, Depends

from streamchat.api.deps import CurrentUserDep, SessionDep, check_origin
from streamchat.api.schemas import TokenCreate
from streamchat.services import auth
from streamchat.services.users import iso

router = APIRouter(
    prefix="/api/tokens", tags=["tokens"], dependencies=[Depends(check_origin)]
)


@router.post("", status_code=201)
def create_token(
    body: TokenCreate, db: SessionDep, user: CurrentUserDep
) -> dict[str, Any]:
    """Create a token; its secret appears in this response only."""
    row, token = auth.create_access_token(db, user, body.name)
    return {
        "token": token,
        "id": row.id,
        "name": row.name,
        "created_at": iso(row.created_at),
    }


@router.get("")
def list_tokens(db: SessionDep, user: CurrentUserDep) -> dict[str, Any]:
    """List the user's tokens without their secrets."""
    rows = auth.list_access_tokens(db, user)
    return {
        "tokens": [
            {"id": row.id, "name": row.name, "created_at": iso(row.created_at)}
            for row in rows
        ]
    }


@router.delete("/{token_id}")
def revoke_token(
    token_id: int, db: SessionDep, user: CurrentUserDep
) -> dict[str, bool]:
    """Revoke one of the user's tokens."""
    auth.revoke_access_token(db, user, token_id)
    return {"ok": True}
