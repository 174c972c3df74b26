"""Opaque list cursors: the (timestamp, id) of the last row returned, so a feed resumes after it."""
from __future__ import annotations

import base64
from datetime import datetime




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
