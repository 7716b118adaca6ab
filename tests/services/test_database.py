"""The schema and its timestamps."""

from datetime import UTC

from alembic import command
from alembic.config import Config
from sqlmodel import select

from streamchat.db import session_scope
from streamchat.models import User
from streamchat.settings import PROJECT_ROOT


def test_timestamps_are_utc_aware(migrated_database: str) -> None:
    with session_scope(write=True) as db:
        db.add(User(name="t", name_key="t", email="t@example.com", password_hash="x"))
        db.commit()

    with session_scope() as db:
        user = db.exec(select(User)).one()

    assert user.created_at.tzinfo is not None
    assert user.created_at.utcoffset() == UTC.utcoffset(None)


def test_migrating_again_keeps_data(migrated_database: str) -> None:
    with session_scope(write=True) as db:
        db.add(User(name="k", name_key="k", email="k@example.com", password_hash="x"))
        db.commit()
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False

    command.upgrade(config, "head")

    with session_scope() as db:
        assert db.exec(select(User.email)).all() == ["k@example.com"]
