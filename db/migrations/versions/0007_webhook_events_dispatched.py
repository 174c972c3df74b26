"""webhook_events.dispatched_at: when the fan-out turned the event into deliveries

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 02:20:00

The fan-out used to look for events without deliveries. Deleting an
endpoint deletes its deliveries, so an event delivered only to that
endpoint looked new again and went to the endpoints registered since; and
with every job's end and page's end going through the outbox, that search
would grow with the table. Events that have deliveries are marked
dispatched when they were created; the others are still to be fanned out.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # webhook_events has no foreign keys pointing at it, so SQLite's table copy is harmless here.
    with op.batch_alter_table('webhook_events') as batch:
        batch.add_column(sa.Column('dispatched_at', sa.DateTime(), nullable=True))
        batch.create_index('ix_webhook_events_dispatched_at', ['dispatched_at', 'created_at'], unique=False)
    op.execute(
        'UPDATE webhook_events SET dispatched_at = created_at '
        'WHERE EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)'
    )


def downgrade() -> None:
    with op.batch_alter_table('webhook_events') as batch:
        batch.drop_index('ix_webhook_events_dispatched_at')
        batch.drop_column('dispatched_at')
