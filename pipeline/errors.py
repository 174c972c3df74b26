"""The pipeline's one error hierarchy.

Each error carries a stable snake_case ``code`` that callers (the CLI, the
worker's job runner, the API) map to their own outcome by type, never by
message text. Messages say what the user can do about it.
"""
from __future__ import annotations


class CodedError(Exception):
    """The base of every error that carries a stable ``code`` (the pipeline's and the webhooks')."""

    code = "error"

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details}


class PipelineError(CodedError):
    code = "pipeline_error"


class UnsupportedTypeError(PipelineError):
    code = "unsupported_type"


class EncryptedPdfError(PipelineError):
    code = "encrypted_pdf"


class PageTooLargeError(PipelineError):
    code = "page_too_large"


class TooManyPagesError(PipelineError):
    code = "too_many_pages"


class CorruptFileError(PipelineError):
    code = "corrupt_file"


class EmptyFileError(CorruptFileError):
    """Zero bytes: a corrupt file with its own code, so callers can say so."""

    code = "empty_file"


class InferenceError(PipelineError):
    code = "inference_failed"


class ModelError(PipelineError):
    """A model file is missing or does not match its manifest checksum."""

    code = "model_unavailable"


class PageRangeError(PipelineError, ValueError):
    """A ``pages`` spec that is malformed or names pages the document lacks."""

    code = "invalid_pages"


ERRORS_BY_CODE = {
    cls.code: cls
    for cls in (
        UnsupportedTypeError,
        EncryptedPdfError,
        PageTooLargeError,
        TooManyPagesError,
        CorruptFileError,
        EmptyFileError,
        InferenceError,
        ModelError,
        PageRangeError,
    )
}
