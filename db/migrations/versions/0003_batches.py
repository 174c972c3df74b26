"""batches; jobs.batch_id, jobs.reuse_key, jobs.reused_from

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batches',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('tenant_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('external_ref', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_batches_tenant_created', 'batches', ['tenant_id', 'created_at'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        # ADD COLUMN keeps the rows in place. A batch-mode copy of `jobs` would
        # drop the old table, and with foreign_keys=ON that drop deletes every
        # document and page through their ON DELETE CASCADE.
        columns = {c['name'] for c in sa.inspect(op.get_bind()).get_columns('jobs')}
        if 'batch_id' not in columns:  # a SQLite downgrade cannot drop it (see below), a re-upgrade reuses it
            op.execute('ALTER TABLE jobs ADD COLUMN batch_id VARCHAR(32) REFERENCES batches (id) ON DELETE SET NULL')
        op.execute('ALTER TABLE jobs ADD COLUMN reuse_key VARCHAR(64)')
        op.execute('ALTER TABLE jobs ADD COLUMN reused_from VARCHAR(32)')
    else:
        op.add_column('jobs', sa.Column('batch_id', sa.String(length=32), nullable=True))
        op.add_column('jobs', sa.Column('reuse_key', sa.String(length=64), nullable=True))
        op.add_column('jobs', sa.Column('reused_from', sa.String(length=32), nullable=True))
        op.create_foreign_key('fk_jobs_batch_id_batches', 'jobs', 'batches', ['batch_id'], ['id'], ondelete='SET NULL')
    op.create_index('ix_jobs_batch_id', 'jobs', ['batch_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_jobs_reuse_key', 'jobs', ['reuse_key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_jobs_reuse_key', table_name='jobs')
    op.drop_index('ix_jobs_batch_id', table_name='jobs')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite 3.35+ drops plain columns in place but refuses a column with a REFERENCES clause:
        # batch_id stays, emptied, and an upgrade finds it there.
        op.execute('ALTER TABLE jobs DROP COLUMN reused_from')
        op.execute('ALTER TABLE jobs DROP COLUMN reuse_key')
        op.execute('UPDATE jobs SET batch_id = NULL')
    else:
        op.drop_constraint('fk_jobs_batch_id_batches', 'jobs', type_='foreignkey')
        op.drop_column('jobs', 'reused_from')
        op.drop_column('jobs', 'reuse_key')
        op.drop_column('jobs', 'batch_id')
    op.drop_index('ix_batches_tenant_created', table_name='batches')
    op.drop_table('batches')
