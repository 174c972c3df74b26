"""documents.blob_key indexed: the sweeper looks uploaded files up by key to find orphans

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 13:20:00

Files written by an upload whose job row never committed are found by asking which of a
chunk of stored keys no document names (db/retention.py); without the index every chunk
scans the documents table.
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain CREATE INDEX on both backends (no batch copy of documents on SQLite).
    op.create_index('ix_documents_blob_key', 'documents', ['blob_key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_documents_blob_key', table_name='documents')
