"""Apply Alembic migrations programmatically (at start of the API, workers and run_local).

    python -m db.migrate            # upgrade the database in DOCPIPE_DATABASE_URL to head
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_ID = 7_263_114  # PostgreSQL advisory lock: one process migrates, the others wait


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(database) -> None:
    """Bring ``database`` (a ``db.session.Database``) to the newest revision."""
    cfg = alembic_config(database.url)
    with database.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _LOCK_ID})
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _LOCK_ID})
                conn.commit()


def main() -> None:
    from db.session import Database
    from settings import Settings

    settings = Settings.from_env()
    upgrade(Database.for_url(settings.database_url))
    print(f"database at head: {settings.database_url.split('@')[-1]}")


if __name__ == "__main__":
    main()
