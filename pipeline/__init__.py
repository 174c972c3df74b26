"""docpipe's OCR engine: bytes and options in, page results out.

A pure library: no Flask, Celery or SQLAlchemy. The service drives it like
this (the engine is built once per process and reused)::

    from pipeline import Engine, EngineConfig, Limits, Options, open_document

    engine = Engine(EngineConfig(models_dir=..., threads=1))
    with open_document(data, Limits(max_pages=2000, max_pixels=50_000_000)) as doc:
        doc.kind, doc.page_count           # validated: magic bytes, encryption, limits
        for page_no in doc.select(options.pages):
            result = engine.process_page(doc, page_no, options)   # PageResult

or, for one file in one go, ``for result in engine.process(data, options): ...``.

Every failure is a ``PipelineError`` subclass with a stable ``code``.
Boxes in a ``PageResult`` are always in the pixels of the page as rendered
at ``result.dpi``, before any rotation or deskew the engine applied
internally (``result.preprocessing`` only reports those).
"""
from pipeline.errors import PipelineError
from pipeline.ingest import Document, open_document
from pipeline.options import Limits, Options
from pipeline.engine import Engine, EngineConfig, default_threads
from pipeline.second_opinion import SecondOpinionSettings
from pipeline.textlayer import read_text_layer
from pipeline.result import Line, PageResult, Word

__all__ = [
    "Document",
    "Engine",
    "EngineConfig",
    "Limits",
    "Line",
    "Options",
    "PageResult",
    "PipelineError",
    "SecondOpinionSettings",
    "Word",
    "default_threads",
    "open_document",
    "read_text_layer",
]
