"""Page-range specs like ``"1-3,5"`` → sorted 1-based page numbers."""
from __future__ import annotations

import re

from pipeline.errors import PageRangeError

_PART = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d*)\s*)?$")


def parse_page_spec(spec: str | None, page_count: int | None) -> list[int]:
    """Parse ``spec``; ``page_count`` None checks syntax only.

    ``"3-"`` means page 3 to the end. Duplicates are merged, order is
    ascending.
    """
    if spec is None or (isinstance(spec, str) and spec.strip() in ("", "all")):
        return list(range(1, (page_count or 0) + 1))
    if not isinstance(spec, str):
        raise PageRangeError(f"pages must be a string like '1-3,5', got {spec!r}")
    pages: set[int] = set()
    for part in spec.split(","):
        m = _PART.match(part)
        if not m:
            raise PageRangeError(f"bad page range {part.strip()!r} in {spec!r}; use e.g. '1-3,5'")
        first = int(m.group(1))
        if m.group(2) is None:
            last = first
        elif m.group(2) == "":
            last = page_count if page_count is not None else first
        else:
            last = int(m.group(2))
        if first < 1 or last < first:
            raise PageRangeError(f"bad page range {part.strip()!r}: pages start at 1 and ranges ascend")
        if page_count is not None and last > page_count:
            raise PageRangeError(
                f"page {last} is out of range: the document has {page_count} page(s)",
                details={"page_count": page_count},
            )
        if page_count is None:
            continue
        pages.update(range(first, last + 1))
    return sorted(pages)
