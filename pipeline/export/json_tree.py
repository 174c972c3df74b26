"""JSON: the full result tree, documents → pages → lines → words."""
from __future__ import annotations

import json

from pipeline.export.document import ExportDocument
from pipeline.export.provenance import SOFTWARE_NAME, page_provenance

SCHEMA = "docpipe.export.v1"


def json_tree(documents: list[ExportDocument]) -> dict:
    return {
        "schema": SCHEMA,
        "software": SOFTWARE_NAME,
        "documents": [
            {
                "filename": doc.filename,
                "sha256": doc.sha256,
                "kind": doc.kind,
                "pages": [
                    {**page.to_dict(), "provenance": page_provenance(doc, page)}
                    for page in doc.pages
                ],
            }
            for doc in documents
        ],
    }


def json_documents(documents: list[ExportDocument]) -> bytes:
    return json.dumps(json_tree(documents), ensure_ascii=False).encode("utf-8")
