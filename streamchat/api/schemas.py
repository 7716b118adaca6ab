"""Request bodies of the API. Unknown fields are ignored."""

from pydantic import BaseModel, Field


class RegisterRequest(BaseModel):
    name: str
    email: str
    password: str


class LoginRequest(BaseModel):
    email: str
    password: str


class MessageCreate(BaseModel):
    text: str


class LikeRequest(BaseModel):
    message_id: int
    action: str = Field(description='"like" or "unlike"')


class TokenCreate(BaseModel):
    name: str


class NotificationsRead(BaseModel):
    ids: list[int] | None = None
    all: bool = False
