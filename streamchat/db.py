"""The database engine and sessions."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from streamchat.settings import get_settings

logger = logging.getLogger(__name__)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer, and the busy timeout makes a
    # second writer wait for the lock instead of failing at once. The driver's
    # own transaction handling is turned off so that _on_sqlite_begin decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(connection: sa.Connection) -> None:
    # A deferred transaction that reads and then writes can fail with
    # "database is locked" at once, without waiting, when another writer got
    # there first. Write transactions therefore take the lock up front.
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITE_OPTION = "streamchat_write"


def make_engine(url: str) -> sa.Engine:
    """Create an engine for ``url`` with the settings each backend needs."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=10,
            max_overflow=20,
        )
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        sa.event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    settings = get_settings()
    return sa.create_engine(
        url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_pre_ping=True,
    )


@lru_cache
def get_engine() -> sa.Engine:
    """Return the process-wide engine for the configured database."""
    url = get_settings().database_url
    logger.info("database: %s", sa.make_url(url).render_as_string(hide_password=True))
    return make_engine(url)


# Ids are 64-bit signed integers in every supported database. A larger
# number from a client can name no row, and SQLite's driver cannot even bind it.
MAX_ID = 2**63 - 1

RowT = TypeVar("RowT")


def is_valid_id(value: object) -> bool:
    """Tell whether ``value`` can be the id of a row."""
    return (
        isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    )


def get_row(db: Session, model: type[RowT], row_id: object) -> RowT | None:
    """Load the row of ``model`` with ``row_id``; None for any id no row can have."""
    if not is_valid_id(row_id):
        return None
    return db.get(model, row_id)


@contextmanager
def session_scope(write: bool = False) -> Iterator[Session]:
    """Open a session that is closed, and rolled back if not committed, on exit.

    With ``write``, every transaction of the session takes SQLite's write lock
    when it begins. Other databases ignore the flag.
    """
    engine = get_engine()
    if write:
        engine = engine.execution_options(**{WRITE_OPTION: True})
    with Session(engine, expire_on_commit=False) as session:
        yield session
