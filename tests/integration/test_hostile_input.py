"""Hostile files through every upload route, on both backends with a real worker: damaged and lying
PDFs, pixel bombs, page-tree loops, nested objects, polyglots, random bytes under every extension.
Each answer is a 4xx JSON envelope, or a job that ends within 30 s with an error code; never a 5xx,
a hang or a silent empty success. The files come from tests/hostile_factories.py.
"""
from __future__ import annotations

import base64
import io
import time

import pytest

from tests.factories import EN_TEXT, encode_png, make_pdf, render_text_image
from tests.hostile_factories import damaged_files, polyglot_files
from tests.integration.conftest import TERMINAL, all_pages, wait_for_job

pytestmark = pytest.mark.integration

DAMAGED = damaged_files()
POLYGLOTS = polyglot_files()
BOUND_SECONDS = 30


def _assert_envelope(r) -> dict:
    assert 400 <= r.status_code < 500, (r.status_code, r.get_data(as_text=True)[:300])
    error = r.get_json()["error"]
    assert error["code"] and error["message"] and isinstance(error["details"], dict)
    return error


def _error_codes(client, view: dict) -> set[str]:
    codes = {view["error"]["code"]} if view.get("error") else set()
    codes |= {d["error"]["code"] for d in view["documents"] if d.get("error")}
    codes |= {p["error"]["code"] for p in all_pages(client, view["id"]) if p.get("error")}
    return codes


def _settle(client, r, started: float, *, damaged: bool) -> None:
    """A refusal in the envelope, or the job's end within the bound (with an error code when damaged)."""
    if r.status_code >= 400:
        _assert_envelope(r)
        return
    assert r.status_code in (200, 202), r.get_data(as_text=True)[:300]
    view = wait_for_job(client, r.get_json()["id"], timeout=BOUND_SECONDS)
    assert time.monotonic() - started < BOUND_SECONDS
    assert view["status"] in TERMINAL
    if damaged:
        assert view["status"] in ("failed", "partial"), view
        assert _error_codes(client, view), view


def _multipart(filename: str, data: bytes) -> dict:
    return {"data": {"file": [(io.BytesIO(data), filename)]}, "content_type": "multipart/form-data"}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_file_on_v1_jobs_multipart(client, name):
    started = time.monotonic()
    _settle(client, client.post("/v1/jobs", **_multipart(*DAMAGED[name])), started, damaged=True)


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_file_on_v1_jobs_json(client, name):
    filename, data = DAMAGED[name]
    started = time.monotonic()
    body = {"files": [{"filename": filename, "content_base64": base64.b64encode(data).decode()}]}
    _settle(client, client.post("/v1/jobs", json=body), started, damaged=True)


@pytest.mark.parametrize("name", sorted(POLYGLOTS))
def test_polyglot_on_v1_jobs_is_read_as_one_thing_or_refused(client, name):
    started = time.monotonic()
    _settle(client, client.post("/v1/jobs", **_multipart(*POLYGLOTS[name])), started, damaged=False)


def test_every_hostile_file_in_one_group_submit(client):
    batch = client.post("/v1/batches", json={"name": "hostile"}).get_json()["id"]
    names = sorted(DAMAGED) + sorted(POLYGLOTS)
    files = {**DAMAGED, **POLYGLOTS}
    started = time.monotonic()
    r = client.post(f"/v1/batches/{batch}/jobs", content_type="multipart/form-data",
                    data={"file": [(io.BytesIO(files[n][1]), files[n][0]) for n in names]})
    assert r.status_code in (200, 202), r.get_data(as_text=True)[:300]
    slots = r.get_json()["jobs"]
    assert [s["index"] for s in slots] == list(range(len(names)))
    for name, slot in zip(names, slots):
        if "error" in slot:
            assert 400 <= slot["status"] < 500 and slot["error"]["code"], (name, slot)
            continue
        view = wait_for_job(client, slot["job"]["id"], timeout=max(1.0, BOUND_SECONDS - (time.monotonic() - started)))
        if name in DAMAGED:
            assert view["status"] in ("failed", "partial") and _error_codes(client, view), (name, view)


@pytest.mark.parametrize("name", sorted(DAMAGED) + sorted(POLYGLOTS))
def test_hostile_file_on_the_single_image_routes(client, name):
    filename, data = {**DAMAGED, **POLYGLOTS}[name]
    started = time.monotonic()
    r = client.post("/v1/ocr", **_multipart(filename, data))
    if name in DAMAGED:
        _assert_envelope(r)
    else:
        assert r.status_code == 200 or 400 <= r.status_code < 500, r.get_data(as_text=True)[:300]
    old = client.post("/ocr/predict", json={"image": base64.b64encode(data).decode()})
    if name in DAMAGED:
        assert 400 <= old.status_code < 500, old.get_data(as_text=True)[:300]
        body = old.get_json()
        assert body["success"] is False and body["code"], body
    else:
        assert old.status_code == 200 or 400 <= old.status_code < 500
    assert time.monotonic() - started < BOUND_SECONDS


def test_mode_text_on_a_scan_says_no_text_layer_instead_of_a_silent_empty_page(client):
    scan_and_text = make_pdf([{"image": render_text_image(EN_TEXT[:2], width=800), "dpi": 100}, {"text": EN_TEXT[:1]}])
    r = client.post("/v1/jobs", data={"file": [(io.BytesIO(scan_and_text), "a.pdf")], "mode": "text"},
                    content_type="multipart/form-data")
    view = wait_for_job(client, r.get_json()["id"], timeout=BOUND_SECONDS)
    pages = all_pages(client, view["id"])
    assert view["status"] == "succeeded"
    assert [(p["text"] == "", p["warnings"]) for p in pages] == [(True, ["no_text_layer"]), (False, [])]
    single = client.post("/v1/ocr", data={"file": [(io.BytesIO(_png()), "a.png")],
                                         "mode": "text"}, content_type="multipart/form-data")
    assert single.status_code == 200 and single.get_json()["warnings"] == ["no_text_layer"]


def _png() -> bytes:
    return encode_png(render_text_image(EN_TEXT[:1], size_px=24, width=400))
