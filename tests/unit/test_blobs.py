"""Blob stores: local directory and database table (SQLite here; PostgreSQL in tests/integration/test_db.py)."""
import pytest

from db.blobs import BlobNotFound, DatabaseBlobStore, LocalBlobStore
from db.migrate import upgrade
from db.models import new_id
from db.session import Database


@pytest.fixture(params=["local", "db"])
def store(request, tmp_path):
    if request.param == "local":
        yield LocalBlobStore(tmp_path / "blobs")
        return
    database = Database(f"sqlite:///{tmp_path / 'b.db'}")
    upgrade(database)
    yield DatabaseBlobStore(database)
    database.dispose()


def test_put_get_delete_round_trip(store):
    key, data = new_id(), bytes(range(256)) * 1000
    store.put(key, data)
    assert store.exists(key) and store.get(key) == data
    store.put(key, b"replaced")
    assert store.get(key) == b"replaced"
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(BlobNotFound):
        store.get(key)
    store.delete(key)  # deleting twice is fine


@pytest.mark.parametrize("key", ["../etc/passwd", "ABC", "", "0" * 31, "0" * 32 + "/x"])
def test_only_our_ids_are_keys(store, key):
    with pytest.raises(ValueError):
        store.put(key, b"x")


def test_local_store_names_files_by_id_only(tmp_path):
    store = LocalBlobStore(tmp_path)
    key = new_id()
    store.put(key, b"data")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p.name for p in files] == [key]
