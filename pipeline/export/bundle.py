"""One file per document: several documents travel as one ZIP."""
from __future__ import annotations

import io
import re
import zipfile

from pipeline.export.document import ExportDocument

_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def entry_name(index: int, doc: ExportDocument, suffix: str) -> str:
    """``<n>-<filename><suffix>``: numbered so equal filenames never collide,
    stripped of path parts so an entry cannot escape the folder it is
    unpacked into."""
    base = doc.filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .") or "document"
    return f"{index:04d}-{base}{suffix}"


def zip_per_document(documents: list[ExportDocument], suffix: str, render) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for index, doc in enumerate(documents, start=1):
            zf.writestr(entry_name(index, doc, suffix), render(doc))
    return buf.getvalue()


def one_or_zip(documents: list[ExportDocument], suffix: str, render) -> bytes:
    if len(documents) == 1:
        return render(documents[0])
    return zip_per_document(documents, suffix, render)
