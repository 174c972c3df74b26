"""The whole service, for real: API → broker → celery worker → pipeline → database, on
PostgreSQL + Redis and on the embedded default (SQLite + SQLAlchemy transport)."""
from __future__ import annotations

import io
import json
import time

import pytest
from sqlalchemy import func, select

from db.tenants import create_api_key
from db.models import Blob, Document, Job, Page, PageResult
from tests.factories import EN_TEXT, ZH_TEXT, cer, degrade, make_pdf, render_text_image
from tests.integration.conftest import all_pages, wait_for_job

pytestmark = pytest.mark.integration

EN = EN_TEXT[:5]


@pytest.fixture(scope="module")
def mixed_pdf():
    """Page 1 born-digital (a text layer); pages 2 and 3 scanned (images only), one clean, one scan-like."""
    scan = render_text_image(EN, size_px=30, width=1400)
    return make_pdf([
        {"text": EN},
        {"image": scan, "dpi": 200},
        {"image": degrade(scan, angle=0.8, blur=0.6, noise=6, jpeg_quality=70, seed=3), "dpi": 200},
    ])


def submit(client, files, headers=None, **fields):
    data = {"file": [(io.BytesIO(content), name) for name, content in files], **fields}
    return client.post("/v1/jobs", data=data, content_type="multipart/form-data", headers=headers or {})


def test_mixed_pdf_ends_succeeded_with_the_right_sources_and_text(client, mixed_pdf):
    r = submit(client, [("mixed.pdf", mixed_pdf)], external_ref="case-1")
    assert r.status_code == 202
    view = wait_for_job(client, r.get_json()["id"])
    assert view["status"] == "succeeded", view
    assert view["progress"] == {"pages_total": 3, "pages_done": 3, "pages_failed": 0}
    assert view["documents"][0]["status"] == "succeeded" and view["finished_at"] and view["error"] is None
    assert 0.8 < view["confidence"] <= 1.0
    pages = all_pages(client, view["id"])
    assert [(p["page_no"], p["status"], p["source"]) for p in pages] == [
        (1, "succeeded", "text_layer"), (2, "succeeded", "ocr"), (3, "succeeded", "ocr")
    ]
    reference = "\n".join(EN)
    for p, bar in zip(pages, (0.001, 0.02, 0.03)):
        assert cer(reference, p["text"]) <= bar, (p["page_no"], p["text"])
        assert p["lines"] and all(len(line["box"]) == 4 for line in p["lines"])
        assert p["width"] > 0 and p["height"] > 0 and p["error"] is None
        assert p["provenance"]["document_sha256"] == view["documents"][0]["sha256"]
    assert pages[1]["provenance"]["models"], "OCR pages name the models that read them"
    assert pages[1]["timings"]["total"] > 0
    txt = client.get(f"/v1/jobs/{view['id']}/result?format=txt")
    assert txt.status_code == 200 and txt.mimetype == "text/plain"
    assert cer(reference * 3, txt.get_data(as_text=True).replace("\f", "")) < 0.03
    tree = json.loads(client.get(f"/v1/jobs/{view['id']}/result?format=json").data)
    assert EN[1] in json.dumps(tree, ensure_ascii=False)  # the export module owns the shape


def test_chinese_image_job(client):
    from tests.factories import encode_png

    png = encode_png(render_text_image(ZH_TEXT[:3], font="cjk", size_px=32, width=1200))
    view = wait_for_job(client, submit(client, [("zh.png", png)]).get_json()["id"])
    assert view["status"] == "succeeded"
    (page,) = all_pages(client, view["id"])
    assert page["source"] == "ocr" and cer("".join(ZH_TEXT[:3]), page["text"]) < 0.05


def test_idempotent_resubmission_returns_the_same_job(client, mixed_pdf):
    first = submit(client, [("a.pdf", mixed_pdf)], headers={"Idempotency-Key": "svc-same"}, pages="1")
    again = submit(client, [("a.pdf", mixed_pdf)], headers={"Idempotency-Key": "svc-same"}, pages="1")
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert wait_for_job(client, first.get_json()["id"])["progress"]["pages_total"] == 1


def test_another_tenants_job_is_not_found(stack, client, mixed_pdf):
    with stack.database().session() as s:
        _, key_a = create_api_key(s, "svc-tenant-a")
        _, key_b = create_api_key(s, "svc-tenant-b")
    a, b = {"Authorization": f"Bearer {key_a}"}, {"Authorization": f"Bearer {key_b}"}
    job = submit(client, [("a.pdf", mixed_pdf)], headers=a, pages="1").get_json()
    assert wait_for_job(client, job["id"], headers=a)["status"] == "succeeded"
    for path in ("", "/pages", "/result?format=txt"):
        r = client.get(f"/v1/jobs/{job['id']}{path}", headers=b)
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    assert client.get(f"/v1/jobs/{job['id']}").status_code == 404  # tenant "default" neither
    assert job["id"] not in {j["id"] for j in client.get("/v1/jobs?limit=500", headers=b).get_json()["jobs"]}


def test_pages_are_readable_while_the_job_runs(client):
    # 12 lines a page (about 0.2 s on a quiet core of the fastest machine seen here): with 3 the
    # eight pages could all end between two rounds of this loop on two worker processes.
    img = render_text_image(EN_TEXT[:12], size_px=26, width=1000)
    pdf = make_pdf([{"image": img, "dpi": 150}] * 8)
    job_id = submit(client, [("eight.pdf", pdf)], mode="ocr").get_json()["id"]
    seen_partial = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        # Read pages first, then the job: a done page seen before the job ended proves it.
        pages = client.get(f"/v1/jobs/{job_id}/pages").get_json()["pages"]
        status = client.get(f"/v1/jobs/{job_id}").get_json()["status"]
        done = [p for p in pages if p["status"] == "succeeded"]
        if done and status == "running" and len(done) < 8:
            assert done[0]["text"] and done[0]["lines"]
            seen_partial = True
        if status not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert seen_partial, "no page was readable before the job finished"
    assert wait_for_job(client, job_id)["status"] == "succeeded"


def test_delete_cancels_a_running_job_and_purges_it(stack, client):
    img = render_text_image(EN_TEXT[:3], size_px=26, width=1000)
    pdf = make_pdf([{"image": img, "dpi": 150}] * 12)
    job_id = submit(client, [("twelve.pdf", pdf)], mode="ocr", priority="bulk").get_json()["id"]
    deadline = time.monotonic() + 60
    while client.get(f"/v1/jobs/{job_id}").get_json()["progress"]["pages_done"] < 1:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert client.delete(f"/v1/jobs/{job_id}").status_code == 204
    assert client.get(f"/v1/jobs/{job_id}").status_code == 404
    with stack.database().session() as s:
        for table in (Job, Document, Page, PageResult):
            assert s.scalar(select(func.count()).select_from(table).where(
                (table.id if table in (Job,) else table.job_id) == job_id)) == 0
        assert s.scalar(select(func.count()).select_from(Blob)) == 0 or stack.settings.blob_store == "local"
    # The workers go on: a new job still finishes.
    png_job = submit(client, [("again.pdf", make_pdf([{"text": ["still working"]}]))]).get_json()
    assert wait_for_job(client, png_job["id"])["status"] == "succeeded"


def test_ready_with_a_live_worker(client):
    r = client.get("/ready")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["checks"]["workers"]["detail"]["live"] >= 1
