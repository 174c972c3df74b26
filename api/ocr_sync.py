"""One image answered in the request, with the API process's own engine.

``POST /v1/ocr`` is the v1 form (JSON error envelope); ``/ocr/predict``,
``/ocr/health`` and ``/ocr/webui`` keep clients of the older single-image
service working with their old shapes (``{"success": false, "error": ...}``).
"""
from __future__ import annotations

import binascii
import time

from apiflask import APIBlueprint
from flask import current_app, redirect, request

from api.auth import authenticate
from api.engine_gate import EngineBusy
from api.guards import decode_base64, json_body
from api.errors import ApiError, FileTooLarge, InvalidContent, InvalidOption, MissingFile, from_pipeline
from api.schemas import MODES, OcrSyncMultipart, OcrSyncResult, PredictIn, PredictOut
from api.limits import count_refusal
from api.services import services
from pipeline import Limits, Options, PipelineError, open_document

bp = APIBlueprint("ocr_sync", __name__, tag="Single image")


def _ocr(data: bytes, mode: str = "auto") -> dict:
    svc = services()
    settings = svc.settings
    if len(data) > settings.max_upload_bytes:
        raise FileTooLarge(f"the file is {len(data)} bytes; the limit is {settings.max_upload_bytes}")
    started = time.perf_counter()
    limits = Limits(max_pages=settings.max_pages, max_pixels=settings.max_pixels)
    with open_document(data, limits) as doc:
        if doc.page_count != 1:
            raise InvalidContent(
                "send one image or a one-page PDF here; submit longer documents to POST /v1/jobs",
                details={"page_count": doc.page_count},
            )
        # Few pages at a time per API process (the gate): oversubscribed cores make every answer late.
        try:
            with svc.gate.slot():
                result = svc.engine().process_page(doc, 1, Options(mode=mode, dpi=settings.dpi))
        except EngineBusy:
            count_refusal(current_app, "engine_busy")
            raise
    return {
        "text": result.text,
        "confidence": result.confidence,
        "lines": [
            {
                "text": line.text,
                "confidence": line.confidence,
                "box": line.box,
                "words": [{"text": w.text, "confidence": w.confidence, "box": w.box} for w in line.words],
            }
            for line in result.lines
        ],
        "width": result.width,
        "height": result.height,
        "warnings": result.warnings,
        "processing_time_ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _b64(value) -> bytes:
    if not isinstance(value, str) or not value:
        raise MissingFile("send the image as a base64 string")
    if value.startswith("data:"):
        value = value.split(",", 1)[-1]
    try:
        return decode_base64(value)
    except (binascii.Error, ValueError):
        raise InvalidContent("the image is not valid base64") from None


@bp.post("/v1/ocr")
@bp.input(OcrSyncMultipart, location="files", validation=False, arg_name="_form")
@bp.output(OcrSyncResult)
@bp.doc(
    summary="OCR one image or one-page PDF, answered in the request",
    description='multipart `file` (+ `mode`), or JSON `{"content_base64": ..., "mode": ...}`.',
    responses={400: "Bad input", 413: "Too large", 415: "Unsupported type", 422: "Invalid file",
               503: "Engine busy (see Retry-After)"},
)
def ocr_v1(_form):
    authenticate()
    if request.mimetype == "application/json":
        body = json_body()
        if not isinstance(body, dict):
            raise InvalidContent('send a JSON object {"content_base64": ..., "mode": ...}')
        data, mode = _b64(body.pop("content_base64", None)), body.get("mode") or "auto"
    else:
        part = request.files.get("file")
        if part is None:
            raise MissingFile("send a multipart part named `file`")
        data, mode = part.read(), request.form.get("mode") or "auto"
    if mode not in MODES:
        raise InvalidOption(f"mode must be one of {', '.join(MODES)}", details={"field": "mode"})
    try:
        return _ocr(data, mode)
    except PipelineError as exc:
        raise from_pipeline(exc) from None


# The route answers its errors in the old shape; a body refused before it runs (api/guards.py) gets the envelope.
_OLD_SHAPE = {"anyOf": [{"$ref": "#/components/schemas/PredictOut"}, {"$ref": "#/components/schemas/ErrorEnvelope"}]}
_OLD_SHAPE_ERRORS = {
    status: {"description": description, "content": {"application/json": {"schema": _OLD_SHAPE}}}
    for status, description in ((400, "Bad input"), (401, "No or bad API key"), (413, "Too large"),
                                (415, "Unsupported type"), (422, "Invalid file"))
}


@bp.post("/ocr/predict")
@bp.input(PredictIn, location="json", validation=False, arg_name="_body")
@bp.output(PredictOut)
@bp.doc(summary="Older single-image API: base64 image in, text out", responses=_OLD_SHAPE_ERRORS)
def predict(_body):
    try:
        authenticate()
        body = json_body()
        if not isinstance(body, dict):
            raise InvalidContent('send JSON {"image": "<base64>"}')
        out = _ocr(_b64(body.pop("image", None)))  # popped: the text is freed once decoded
    except PipelineError as exc:
        err = from_pipeline(exc)
        return {"success": False, "error": err.message, "code": err.code}, err.status_code
    except ApiError as exc:  # the old API's shape for every error a client can fix
        if exc.status_code >= 500:
            raise
        return {"success": False, "error": exc.message, "code": exc.code}, exc.status_code
    return {"success": True, "text": out["text"], "confidence": out["confidence"], "processing_time_ms": out["processing_time_ms"]}


@bp.get("/ocr/health")
@bp.doc(summary="Older single-image API: liveness")
def ocr_health():
    return {"status": "ok", "success": True}


@bp.get("/ocr/webui")
@bp.doc(summary="Older single-image API: the web page (now at /)", responses={302: {
    "description": "Redirect to /", "content": {"text/html": {"schema": {"type": "string"}}}}})
def ocr_webui():
    return redirect("/", code=302)
