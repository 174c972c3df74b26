"""Idempotency keys for bulk submissions.

The key is a function of the file's content and of every option that changes
the result, so the same file (or a duplicate of it elsewhere in the tree) maps
to the same server job across restarts. ``attempt`` moves only with
``--retry-failed``: a new attempt needs a new key, since the old key would hand
back the old failed job.
"""
from __future__ import annotations

import hashlib
import json

KEY_PREFIX = "docpipe-bulk-"
KEY_VERSION = 1


def content_key(sha256: str, *, mode: str | None, pages: str | None = None, tables: bool = False) -> str:
    """What identifies the work regardless of retries: content plus result-changing options."""
    work = {"v": KEY_VERSION, "sha256": sha256.lower(), "mode": mode, "pages": pages}
    if tables:  # only then: the keys of runs without tables stay what they were
        work["tables"] = True
    canonical = json.dumps(
        work,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(content: str, attempt: int = 0) -> str:
    """The header value for one submission attempt of a ``content_key``."""
    if attempt == 0:
        # Attempt 0 keeps the bare content key so reruns from another machine
        # or state file land on the same job.
        return KEY_PREFIX + content[:40]
    digest = hashlib.sha256(f"{content}:{attempt}".encode()).hexdigest()
    return KEY_PREFIX + digest[:40]
