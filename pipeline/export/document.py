"""What an export is built from, and the errors an export can raise."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import PipelineError
from pipeline.result import PageResult

KINDS = ("pdf", "tiff", "png", "jpeg", "bmp", "webp")


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

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown document kind {self.kind!r}; use one of {', '.join(KINDS)}")
