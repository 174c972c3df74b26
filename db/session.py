"""Engines and sessions.

``Database`` wraps one SQLAlchemy engine per process. Forked worker children
must build their own (``Database.for_url`` keys the cache by pid) because a
connection pool must never cross a fork.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import orjson
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the API read while a worker writes; busy_timeout waits for the writer
    # instead of failing at once; SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # Take the write lock when a transaction starts, so read-then-write
    # transactions cannot deadlock into "database is locked".
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _to_json(value) -> str:
    # A page result is ~40 KB of JSON (every line and word box): the stdlib encoder took
    # 0.86 ms a page in the worker, orjson 0.13 ms. Same JSON text; NaN becomes null
    # (which PostgreSQL's json type would have refused anyway).
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# JSON columns (page results, webhook payloads) are encoded and decoded with orjson.
_JSON = {"json_serializer": _to_json, "json_deserializer": orjson.loads}


def build_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "isolation_level": None}, **_JSON
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, **_JSON)


class Database:
    _by_process: dict[tuple[int, str], "Database"] = {}

    def __init__(self, url: str):
        self.url = url
        self.engine = build_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def for_url(cls, url: str) -> "Database":
        key = (os.getpid(), url)
        if key not in cls._by_process:
            cls._by_process[key] = cls(url)
        return cls._by_process[key]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @classmethod
    def after_fork(cls) -> None:
        """In a forked child: drop the parent's pools without closing the parent's connections."""
        pid = os.getpid()
        for (owner, url), database in list(cls._by_process.items()):
            if owner != pid:
                database.engine.dispose(close=False)
                del cls._by_process[(owner, url)]

    def dispose(self) -> None:
        self.engine.dispose()
        self._by_process.pop((os.getpid(), self.url), None)


def dialect_insert(session: Session | str, table):
    """INSERT with ``on_conflict_*`` for the session's dialect, or the dialect named (SQLite and PostgreSQL
    share that API)."""
    dialect = session if isinstance(session, str) else session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
