"""tenants.retention_days: how long a tenant's ended jobs (uploads and results) are kept

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-04 05:30:00

NULL (every existing tenant) follows the deployment's default,
DOCPIPE_RETENTION_DAYS; 0 keeps a tenant's jobs forever.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both backends (no batch copy: api_keys, jobs and batches point at tenants).
    op.add_column('tenants', sa.Column('retention_days', sa.Integer(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # In place: a batch-mode copy would drop `tenants`, and ON DELETE CASCADE would empty jobs and keys.
        op.execute('ALTER TABLE tenants DROP COLUMN retention_days')
    else:
        op.drop_column('tenants', 'retention_days')
