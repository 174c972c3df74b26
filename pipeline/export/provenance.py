"""How each page was read, in one shape every format writes from."""
from __future__ import annotations

from pipeline.export.document import ExportDocument
from pipeline.result import PageResult

SOFTWARE_NAME = "docpipe"


def page_provenance(doc: ExportDocument, page: PageResult) -> dict:
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
