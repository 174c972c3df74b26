"""jobs.extract, documents.fields, webhook_endpoints.include: invoice fields read from a job's documents

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 05:20:00

A job submitted with ``extract=invoice`` keeps the option; each of its
documents gets the extraction's result (fields, line items, checks,
needs_review) once all its pages have ended; a webhook endpoint may ask
for them in job events (webhook_endpoints.include = ["fields"]). All
nullable: older jobs asked for nothing and have nothing to show.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # add_column needs no table copy on SQLite (documents is referenced by pages' foreign key).
    op.add_column('jobs', sa.Column('extract', sa.String(length=16), nullable=True))
    op.add_column('documents', sa.Column('fields', sa.JSON(), nullable=True))
    op.add_column('webhook_endpoints', sa.Column('include', sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain columns: dropped in place on SQLite 3.35+ too. A batch-mode copy of jobs or documents would
    # drop the old table, and with foreign_keys=ON that drop cascades to every document and page.
    op.drop_column('webhook_endpoints', 'include')
    op.drop_column('documents', 'fields')
    op.drop_column('jobs', 'extract')
