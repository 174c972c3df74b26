"""What an export is built from, how each of its pages was read, and the errors an export can raise."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import PipelineError
from pipeline.result import PageResult

KINDS = ("pdf", "tiff", "png", "jpeg", "bmp", "webp")
SOFTWARE_NAME = "docpipe"
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class UnknownFormatError(PipelineError, ValueError):
    code = "unknown_format"


class ExportSourceMissingError(PipelineError):
    """The searchable PDF needs the original file, and it was not given."""

    code = "export_source_missing"


@dataclass(frozen=True)
class ExportDocument:
    filename: str
    sha256: str
    kind: str  # one of KINDS
    data: bytes | None  # the original file (needed for pdf), else None
    pages: list[PageResult]  # in page order
    fields: dict | None = None  # the document's invoice fields entry (extract=invoice), carried by the json export

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown document kind {self.kind!r}; use one of {', '.join(KINDS)}")


def page_provenance(doc: ExportDocument, page: PageResult) -> dict:
    """How ``page`` was read, in one shape every format writes from."""
    pre = page.preprocessing
    return {
        "source_sha256": doc.sha256,
        "filename": doc.filename,
        "page_no": page.page_no,
        "source": page.source,
        "dpi": page.dpi,
        "rotation": int(pre.get("rotation", 0) or 0),
        "deskew_angle": float(pre.get("deskew_angle", 0.0) or 0.0),
        "models": dict(page.models),
    }


def models_label(models: dict[str, str]) -> str:
    """``name:sha256`` pairs, space-separated, stable order."""
    return " ".join(f"{name}:{digest}" for name, digest in sorted(models.items()))


def xml_text(text: str) -> str:
    """A document's text as XML 1.0 takes it (for hOCR and ALTO).

    PDF text layers in particular carry stray control characters (form feeds,
    NULs, private escape codes), which XML forbids and lxml refuses outright;
    they become spaces, so character positions stay where they were.
    """
    return _NOT_XML.sub(" ", text)
