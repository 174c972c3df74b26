"""jobs.tables: the job asks for each page's tables

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04 05:20:00

A plain column with a server default: jobs made before it read as not
asking for tables, which is what they did.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # ADD COLUMN in place: a batch-mode copy of `jobs` would drop the old table, and with
        # foreign_keys=ON that drop deletes every document and page through ON DELETE CASCADE.
        op.execute('ALTER TABLE jobs ADD COLUMN tables BOOLEAN NOT NULL DEFAULT 0')
    else:
        op.add_column('jobs', sa.Column('tables', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE jobs DROP COLUMN tables')  # SQLite 3.35+: a plain column drops in place
    else:
        op.drop_column('jobs', 'tables')
