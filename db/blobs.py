"""Where uploaded files live, under ids (never the client's filename).

``LocalBlobStore`` (default): a directory; workers on other machines need it
on a shared volume. ``DatabaseBlobStore`` (``DOCPIPE_BLOB_STORE=db``): the
``blobs`` table, so any worker that reaches the database reads the file with
no extra service to run, back up or secure; fine for documents up to the
100 MB upload limit (PostgreSQL ``bytea``).
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from sqlalchemy import delete, select

from db.clock import utcnow
from db.models import Blob
from db.session import Database

_KEY = re.compile(r"[0-9a-f]{32}")


class BlobNotFound(KeyError):
    code = "blob_not_found"


def _check_key(key: str) -> str:
    # Keys are ids we made; refusing anything else rules out path tricks.
    if not _KEY.fullmatch(key):
        raise ValueError(f"invalid blob key {key!r}")
    return key


class LocalBlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        key = _check_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def keys_older_than(self, seconds: float) -> Iterator[str]:
        """Keys of files written more than ``seconds`` ago; half-written temporaries that old (a killed
        writer's) are removed on the way."""
        cutoff = time.time() - seconds
        if not self.root.is_dir():
            return
        for folder in os.scandir(self.root):
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder.path):
                try:
                    old = entry.stat().st_mtime < cutoff
                except FileNotFoundError:
                    continue  # deleted meanwhile
                if not old:
                    continue
                if _KEY.fullmatch(entry.name):
                    yield entry.name
                elif entry.name.startswith(".tmp-"):
                    Path(entry.path).unlink(missing_ok=True)


class DatabaseBlobStore:
    def __init__(self, database: Database):
        self.database = database

    def put(self, key: str, data: bytes) -> None:
        with self.database.session() as s:
            s.merge(Blob(key=_check_key(key), data=data))

    def get(self, key: str) -> bytes:
        with self.database.session() as s:
            data = s.scalar(select(Blob.data).where(Blob.key == _check_key(key)))
        if data is None:
            raise BlobNotFound(key)
        return bytes(data)

    def delete(self, key: str) -> None:
        with self.database.session() as s:
            s.execute(delete(Blob).where(Blob.key == _check_key(key)))

    def exists(self, key: str) -> bool:
        with self.database.session() as s:
            return s.scalar(select(Blob.key).where(Blob.key == _check_key(key))) is not None

    def keys_older_than(self, seconds: float) -> Iterator[str]:
        cutoff = utcnow() - timedelta(seconds=seconds)
        with self.database.session() as s:
            keys = list(s.scalars(select(Blob.key).where(Blob.created_at < cutoff)))
        yield from keys


def blob_store(settings, database: Database):
    if settings.blob_store == "db":
        return DatabaseBlobStore(database)
    return LocalBlobStore(settings.blob_dir)
