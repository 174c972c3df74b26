"""ZIP archives of per-document exports. Every entry carries one fixed timestamp, so the same results
give the same bytes whenever they are downloaded (``GET /v1/results`` promises each slot byte for byte
equal to the single download; ``writestr`` with a bare name would stamp the wall clock, which differs
between two requests that straddle a second)."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable

_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can hold


def safe_base_name(filename: str) -> str:
    """The file name without path parts or characters unsafe in an entry name, so an entry cannot
    escape the folder it is unpacked into."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE.sub("_", base).strip(" .") or "document"


def zip_bytes(entries: Iterable[tuple[str, bytes | str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # a plain file readable by all, as writestr would give
            zf.writestr(info, data)
    return buf.getvalue()
