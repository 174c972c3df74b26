"""Result reuse through the real stack (API → broker → celery worker → database), on
PostgreSQL + Redis and on the embedded default: a file read once is answered from the
stored pages of its first job when files, options and models match — and only then."""
from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import func, select

from db.tenants import create_api_key
from db.models import Job, Page
from tests.factories import EN_TEXT, cer, make_pdf, render_text_image
from tests.integration.conftest import all_pages, wait_for_job

pytestmark = pytest.mark.integration


def _unique_pdf(tag: str) -> tuple[bytes, list[str]]:
    """Page 1 born-digital, page 2 scanned (OCR); unique text so no other test's job can match."""
    lines = [f"Reuse check {tag} {time.time_ns()}", EN_TEXT[8]]
    scan = render_text_image(lines, size_px=26, width=1000, margin=40)
    return make_pdf([{"text": lines}, {"image": scan, "dpi": 150}]), lines


def submit(client, data: bytes, key: str, headers=None, **fields):
    body = {"file": [(io.BytesIO(data), "letter.pdf")], **fields}
    r = client.post("/v1/jobs", data=body, content_type="multipart/form-data",
                    headers={"Idempotency-Key": key, **(headers or {})})
    assert r.status_code == 202, r.get_data(as_text=True)
    return r.get_json()["id"]


def _content(pages: list[dict]) -> list[tuple]:
    return [(p["page_no"], p["status"], p["source"], p["text"], p["confidence"], p["lines"], p["width"], p["height"])
            for p in pages]


def _attempts(stack, job_id: str) -> int:
    with stack.database().session() as s:
        return s.scalar(select(func.coalesce(func.sum(Page.attempts), 0)).where(Page.job_id == job_id))


def test_same_file_twice_is_answered_from_the_first_job_and_survives_its_deletion(stack, client):
    data, lines = _unique_pdf("a")
    first = wait_for_job(client, submit(client, data, f"reuse-a1-{time.time_ns()}"))
    assert first["status"] == "succeeded" and first["reused_from"] is None
    first_pages = all_pages(client, first["id"])
    assert [p["source"] for p in first_pages] == ["text_layer", "ocr"]
    assert cer(" ".join(lines), first_pages[1]["text"]) < 0.05
    assert _attempts(stack, first["id"]) == 2  # each page read once

    second_id = submit(client, data, f"reuse-a2-{time.time_ns()}")  # another key: a new job
    assert second_id != first["id"]
    second = wait_for_job(client, second_id)
    assert second["status"] == "succeeded" and second["reused_from"] == first["id"], second
    assert second["progress"] == first["progress"] and second["confidence"] == first["confidence"]
    second_pages = all_pages(client, second_id)
    assert _content(second_pages) == _content(first_pages)
    assert {p["id"] for p in second_pages}.isdisjoint({p["id"] for p in first_pages})  # copies, not shared rows
    assert [p["attempts"] for p in second_pages] == [0, 0]  # no ocr_page ran for them
    assert _attempts(stack, second_id) == 0 and _attempts(stack, first["id"]) == 2
    with stack.database().session() as s:
        keys = dict(s.execute(select(Job.id, Job.reuse_key).where(Job.id.in_([first["id"], second_id]))).all())
    assert keys[first["id"]] == keys[second_id] and len(keys[second_id]) == 64

    assert client.delete(f"/v1/jobs/{first['id']}").status_code == 204
    assert client.get(f"/v1/jobs/{first['id']}").status_code == 404
    after = client.get(f"/v1/jobs/{second_id}").get_json()
    assert after["status"] == "succeeded" and after["reused_from"] == first["id"]  # a name, not a link
    assert _content(all_pages(client, second_id)) == _content(first_pages)
    txt = client.get(f"/v1/jobs/{second_id}/result?format=txt")
    assert txt.status_code == 200 and cer(" ".join(lines) * 2, txt.get_data(as_text=True).replace("\f", " ")) < 0.05
    pdf = client.get(f"/v1/jobs/{second_id}/result?format=pdf")  # needs the job's own file, not the deleted one's
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def test_other_options_or_another_tenant_read_the_file_again(stack, client):
    data, _ = _unique_pdf("b")
    first = wait_for_job(client, submit(client, data, f"reuse-b1-{time.time_ns()}"))
    assert first["status"] == "succeeded"

    # mode=ocr changes the output of the born-digital page: no reuse.
    ocr = wait_for_job(client, submit(client, data, f"reuse-b2-{time.time_ns()}", mode="ocr"))
    assert ocr["status"] == "succeeded" and ocr["reused_from"] is None
    assert [p["source"] for p in all_pages(client, ocr["id"])] == ["ocr", "ocr"]
    assert _attempts(stack, ocr["id"]) == 2

    # Another page range: no reuse either.
    one = wait_for_job(client, submit(client, data, f"reuse-b3-{time.time_ns()}", pages="2"))
    assert one["reused_from"] is None and _attempts(stack, one["id"]) == 1

    # The same file and options from another tenant: never answered from this tenant's job.
    with stack.database().session() as s:
        _, secret = create_api_key(s, f"reuse-other-{time.time_ns()}")
    auth = {"Authorization": f"Bearer {secret}"}
    other_id = submit(client, data, f"reuse-b4-{time.time_ns()}", headers=auth)
    other = wait_for_job(client, other_id, headers=auth)
    assert other["status"] == "succeeded" and other["reused_from"] is None
    assert _attempts(stack, other_id) == 2

    # And the first tenant's identical resubmission still reuses (the newest matching job).
    again = wait_for_job(client, submit(client, data, f"reuse-b5-{time.time_ns()}"))
    assert again["reused_from"] == first["id"] and _attempts(stack, again["id"]) == 0
