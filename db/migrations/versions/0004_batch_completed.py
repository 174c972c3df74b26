"""batch.completed: batches.completed_at and callback_url; outbox rows without a callback_url

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 23:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

ACTIVE = "('queued', 'running')"


def upgrade() -> None:
    op.add_column('batches', sa.Column('callback_url', sa.String(length=2000), nullable=True))
    op.add_column('batches', sa.Column('completed_at', sa.DateTime(), nullable=True))
    # Batches that have already ended are marked, so a late sweep does not announce them now.
    op.execute(
        'UPDATE batches SET completed_at = (SELECT max(finished_at) FROM jobs WHERE jobs.batch_id = batches.id) '
        'WHERE EXISTS (SELECT 1 FROM jobs WHERE jobs.batch_id = batches.id) '
        f'AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.batch_id = batches.id AND jobs.status IN {ACTIVE})'
    )
    # A batch event goes to the tenant's endpoints even when nobody gave a callback_url.
    # webhook_events has no foreign keys pointing at it, so SQLite's table copy is harmless here.
    with op.batch_alter_table('webhook_events') as batch:
        batch.alter_column('callback_url', existing_type=sa.String(length=2000), nullable=True)


def downgrade() -> None:
    op.execute('DELETE FROM webhook_events WHERE callback_url IS NULL')
    with op.batch_alter_table('webhook_events') as batch:
        batch.alter_column('callback_url', existing_type=sa.String(length=2000), nullable=False)
    if op.get_bind().dialect.name == 'sqlite':
        # In place: a batch-mode copy would drop `batches`, and ON DELETE SET NULL would empty jobs.batch_id.
        op.execute('ALTER TABLE batches DROP COLUMN completed_at')
        op.execute('ALTER TABLE batches DROP COLUMN callback_url')
    else:
        op.drop_column('batches', 'completed_at')
        op.drop_column('batches', 'callback_url')
