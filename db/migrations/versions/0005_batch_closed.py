"""batches.closed_at: a batch is announced once, after it is closed and its last job has ended

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 01:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('batches', sa.Column('closed_at', sa.DateTime(), nullable=True))
    # Batches that were already announced count as closed: their event went out, and under the
    # new rule a batch is announced once. A client still adding to one gets 409 batch_closed and
    # starts a new batch. Batches not announced yet stay open.
    op.execute('UPDATE batches SET closed_at = completed_at WHERE completed_at IS NOT NULL')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # In place: a batch-mode copy would drop `batches`, and ON DELETE SET NULL would empty jobs.batch_id.
        op.execute('ALTER TABLE batches DROP COLUMN closed_at')
    else:
        op.drop_column('batches', 'closed_at')
