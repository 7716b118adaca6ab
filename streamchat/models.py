"""Database tables. The schema changes only through Alembic migrations."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, SQLite included.

    SQLite has no time zone type, so values are stored as naive UTC and
    given back their zone when read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def time_field(**kwargs: Any) -> Any:
    """Declare a UTC timestamp column that defaults to now."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kwargs)


def optional_time_field(**kwargs: Any) -> Any:
    """Declare a nullable UTC timestamp column."""
    return Field(default=None, sa_type=UTCDateTime, **kwargs)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)
    # Lower-cased name, unique, so "Anna" and "anna" cannot both register.
    name_key: str = Field(max_length=50, unique=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=100)
    avatar: str | None = Field(default=None, max_length=200)
    is_admin: bool = False
    banned: bool = False
    muted_until: datetime | None = optional_time_field()
    created_at: datetime = time_field()


class Session(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    csrf_token: str = Field(max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = time_field()
    expires_at: datetime = Field(sa_type=UTCDateTime)


class LoginTicket(SQLModel, table=True):
    """A single-use, short-lived proof that the page checked a password.

    The Reflex page checks credentials over its websocket, where no cookie can
    be set, and then sends the browser to exchange this ticket for a new
    session in an HttpOnly cookie.
    """

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    expires_at: datetime = Field(sa_type=UTCDateTime)


class AccessToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = time_field()


class Message(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=2000)
    # Count of this message's Like rows, changed only in the transaction
    # that inserts or deletes one of them.
    likes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    deleted: bool = Field(default=False, index=True)
    created_at: datetime = time_field()


class Like(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("message_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = time_field()


class Video(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    stored_name: str = Field(max_length=200, unique=True)
    content_type: str = Field(max_length=100)
    size: int = Field(sa_type=sa.BigInteger)
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    poster_name: str | None = Field(default=None, max_length=200)
    is_current: bool = Field(default=False, index=True)
    created_at: datetime = time_field()


class Stream(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    started_at: datetime = time_field()
    ended_at: datetime | None = optional_time_field()
    recording_video_id: int | None = Field(
        default=None, foreign_key="video.id", ondelete="SET NULL"
    )


class Notification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)
    text: str = Field(max_length=1000)
    link: str | None = Field(default=None, max_length=500)
    read: bool = Field(default=False, index=True)
    created_at: datetime = time_field()


class AdminAction(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    admin_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    action: str = Field(max_length=50)
    target: str = Field(max_length=200)
    detail: str | None = Field(default=None, max_length=1000)
    created_at: datetime = time_field()
