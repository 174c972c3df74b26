"""Single images answered in the request: POST /v1/ocr and the older /ocr/predict, with the
API process's own ONNX engine (no worker involved)."""
from __future__ import annotations

import base64
import io

import pytest

from api import create_app
from settings import Settings
from tests.factories import EN_TEXT, ZH_TEXT, cer, degrade, encode_jpeg, encode_png, make_pdf, render_text_image

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    var = tmp_path_factory.mktemp("ocr-sync")
    settings = Settings.from_env({"DOCPIPE_VAR_DIR": str(var), "DOCPIPE_QUEUE_PREFIX": "sync-", "DOCPIPE_LOG_LEVEL": "warning"})
    return create_app(settings).test_client()


def test_v1_ocr_multipart_image(client):
    img = degrade(render_text_image(EN_TEXT[:3], size_px=28, width=800), angle=0.5, noise=4, seed=1)
    r = client.post("/v1/ocr", data={"file": (io.BytesIO(encode_png(img)), "x.png")}, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert cer("\n".join(EN_TEXT[:3]), body["text"]) < 0.03
    assert 0.8 < body["confidence"] <= 1 and body["processing_time_ms"] > 0
    assert body["lines"] and all(len(line["box"]) == 4 for line in body["lines"])


def test_v1_ocr_json_chinese_and_one_page_pdf(client):
    img = render_text_image(ZH_TEXT[:2], font="cjk", size_px=32, width=900)
    r = client.post("/v1/ocr", json={"content_base64": base64.b64encode(encode_jpeg(img, 90)).decode()})
    assert r.status_code == 200 and cer("".join(ZH_TEXT[:2]), r.get_json()["text"]) < 0.05
    pdf = make_pdf([{"text": EN_TEXT[:1]}])
    r = client.post("/v1/ocr", json={"content_base64": base64.b64encode(pdf).decode()})
    assert r.status_code == 200 and cer(EN_TEXT[0], r.get_json()["text"]) == 0


@pytest.mark.parametrize(
    "payload, status, code",
    [
        ({"content_base64": base64.b64encode(b"plain text").decode()}, 415, "unsupported_type"),
        ({"content_base64": "@@@"}, 400, "invalid_content"),
        ({"content_base64": ""}, 400, "missing_file"),
        ({"content_base64": base64.b64encode(make_pdf([{"text": ["a"]}, {"text": ["b"]}])).decode()}, 400, "invalid_content"),
    ],
)
def test_v1_ocr_errors_use_the_envelope(client, payload, status, code):
    r = client.post("/v1/ocr", json=payload)
    assert r.status_code == status and r.get_json()["error"]["code"] == code


def test_predict_keeps_the_old_shape(client):
    img = render_text_image(EN_TEXT[:2], size_px=28, width=800)
    r = client.post("/ocr/predict", json={"image": "data:image/png;base64," + base64.b64encode(encode_png(img)).decode()})
    body = r.get_json()
    assert r.status_code == 200 and body["success"] is True
    assert set(body) >= {"text", "confidence", "processing_time_ms"}
    assert cer("\n".join(EN_TEXT[:2]), body["text"]) < 0.03
    for bad, status in (({"image": "not base64!"}, 400), ({"image": base64.b64encode(b"GIF89a....").decode()}, 415), ({}, 400)):
        r = client.post("/ocr/predict", json=bad)
        assert r.status_code == status and r.get_json()["success"] is False and r.get_json()["error"]
    assert client.get("/ocr/health").status_code == 200
