"""pages.pipeline_cpu_s: the CPU seconds the worker spent in the pipeline for the page

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:30:00

A bulk run's CPU is the pipeline's plus the service's (API, broker and database round trips,
worker bookkeeping). With the pipeline's part recorded per page by the worker that read it,
the service's share is measured within one run instead of against a separate pipeline-only run.
"""
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: no rewrite of the pages table on PostgreSQL, no batch copy on SQLite.
    op.add_column('pages', sa.Column('pipeline_cpu_s', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pages') as batch:
        batch.drop_column('pipeline_cpu_s')
