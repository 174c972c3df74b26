"""Opaque list cursors: the (timestamp, id) of the last row returned, so a feed resumes after it."""
from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session


class InvalidCursor(Exception):
    code = "invalid_cursor"


def encode_cursor(updated_at: datetime, job_id: str) -> str:
    return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{job_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, job_id = raw.split("|", 1)
        return datetime.fromisoformat(at), job_id
    except (ValueError, UnicodeDecodeError):
        raise InvalidCursor("the cursor is not one this API returned") from None


def keyset_page(session: Session, query: Select, stamp, row_id, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Rows of ``query`` in (stamp, id) order after ``cursor``, at most ``limit``, and the cursor for the next
    page (None on the last). ``stamp`` and ``row_id`` are the ORM columns the order and the cursor use."""
    if cursor:
        at, last_id = decode_cursor(cursor)
        query = query.where(or_(stamp > at, and_(stamp == at, row_id > last_id)))
    rows = list(session.scalars(query.order_by(stamp, row_id).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(getattr(rows[-1], stamp.key), getattr(rows[-1], row_id.key))
