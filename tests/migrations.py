"""Steps the migration tests share: move a database to a revision, count its rows, and seed the rows an
old schema already holds (raw SQL: the ORM models describe only the newest schema)."""
from __future__ import annotations

from alembic import command
from sqlalchemy import text

from db.migrate import alembic_config
from db.session import Database

NOW = "2026-01-01 00:00:00"


def migrate(db: Database, target: str, down: bool = False) -> None:
    cfg = alembic_config(db.url)
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)
        conn.commit()


def row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("jobs", "documents", "pages")}


def seed_tenant(conn, now: str = NOW) -> None:
    conn.execute(text("INSERT INTO tenants (id, name, created_at) VALUES ('t', 'acme', :now)"), {"now": now})


def seed_job_document_page(conn, now: str = NOW, *, page: bool = True) -> None:
    """Tenant `t`, its succeeded job `j` with one split document `d` and, if asked, its page `p`."""
    seed_tenant(conn, now)
    conn.execute(text(
        "INSERT INTO jobs (id, tenant_id, status, mode, priority, dpi, pages_total, created_at, updated_at) "
        "VALUES ('j', 't', 'succeeded', 'auto', 'bulk', 200, 1, :now, :now)"), {"now": now})
    conn.execute(text(
        "INSERT INTO documents (id, job_id, position, filename, sha256, size, kind, page_count, pages_selected,"
        " blob_key, status, created_at) VALUES ('d', 'j', 0, 'a.pdf', 'x', 1, 'pdf', 1, 1, 'b', 'split', :now)"),
        {"now": now})
    if page:
        conn.execute(text(
            "INSERT INTO pages (id, job_id, document_id, position, page_no, status, attempts, created_at) "
            "VALUES ('p', 'j', 'd', 0, 1, 'succeeded', 1, :now)"), {"now": now})


def seed_batch_job(conn, job_id: str, batch_id: str, status: str, finished_at: str | None) -> None:
    conn.execute(text(
        "INSERT INTO jobs (id, tenant_id, status, mode, priority, dpi, pages_total, created_at, updated_at, finished_at,"
        " batch_id) VALUES (:id, 't', :status, 'auto', 'bulk', 200, 1, :now, :now, :fin, :batch)"),
        {"id": job_id, "status": status, "now": NOW, "fin": finished_at, "batch": batch_id})
