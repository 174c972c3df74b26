"""The Python client against the real service on its embedded default (SQLite + Kombu SQLAlchemy broker)."""
from __future__ import annotations

import json

import pytest

from client import BatchClosed, Client, Conflict, InvalidRequest, NotFound, RetryPolicy
from tests.factories import EN_TEXT, cer, encode_png, make_pdf, render_text_image
from tests.service_stack import ServiceStack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def api_url(tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp("client-stack"), backend="sqlite_sqla", DOCPIPE_DPI=100) as s:
        s.start_worker(concurrency=1)
        yield s.start_api()


@pytest.fixture
def client(api_url):
    with Client(api_url, retry=RetryPolicy(max_attempts=3, base_delay_s=0.1)) as c:
        yield c


def test_submit_wait_pages_result_delete(client, tmp_path):
    lines = [EN_TEXT[3], EN_TEXT[4]]
    scan = encode_png(render_text_image(lines, size_px=22, width=900, margin=30))
    path = tmp_path / "scan.png"
    path.write_bytes(scan)
    job = client.submit(path, priority="interactive", external_ref="client-test-1", idempotency_key="client-it-1")
    assert job["status"] in ("queued", "running") and job["external_ref"] == "client-test-1"
    # Same key: the same job, not a second one.
    assert client.submit(path, idempotency_key="client-it-1")["id"] == job["id"]

    seen = []
    done = client.wait(job["id"], timeout=120, poll=0.2, on_update=lambda v: seen.append(v["status"]))
    assert done["status"] == "succeeded" and done["progress"]["pages_done"] == 1
    assert seen[-1] == "succeeded"

    pages = list(client.pages(job["id"], limit=1))
    assert len(pages) == 1 and pages[0]["source"] == "ocr"
    assert cer(" ".join(lines), pages[0]["text"]) < 0.05
    text = client.result(job["id"], "txt").decode("utf-8")
    assert cer(" ".join(lines), text) < 0.05
    tree = json.loads(client.result(job["id"], "json"))
    assert tree  # the full result tree; its shape is the export module's tests' business

    client.delete(job["id"])
    with pytest.raises(NotFound) as gone:
        client.job(job["id"])
    assert gone.value.status == 404 and gone.value.code


def test_pages_follow_next_across_a_multipage_pdf(client):
    pdf = make_pdf([{"text": [EN_TEXT[i]]} for i in range(5)])
    job = client.submit(pdf, filename="five.pdf", mode="auto")
    client.wait(job["id"], timeout=120, poll=0.2)
    pages = list(client.pages(job["id"], limit=2))  # three requests, following `next`
    assert [p["page_no"] for p in pages] == [1, 2, 3, 4, 5]
    assert all(p["source"] == "text_layer" for p in pages)
    assert cer(EN_TEXT[4], pages[4]["text"]) < 0.01


def test_refused_inputs_raise_typed_errors(client):
    with pytest.raises(InvalidRequest) as unsupported:
        client.submit(b"just some notes, not a document", filename="notes.pdf")
    assert unsupported.value.status == 415 and unsupported.value.code == "unsupported_type"
    with pytest.raises(InvalidRequest) as corrupt:
        client.submit(b"%PDF-1.7\n1 0 obj garbage", filename="broken.pdf")
    assert corrupt.value.status == 422 and corrupt.value.code == "corrupt_file"
    with pytest.raises(InvalidRequest) as bad_mode:
        client.submit(make_pdf([{"text": ["x"]}]), filename="x.pdf", mode="telepathy")
    assert bad_mode.value.code == "invalid_option" and bad_mode.value.details
    with pytest.raises(NotFound):
        client.result("no-such-job", "txt")


def test_batch_created_and_aggregated_through_the_client(client):
    batch = client.create_batch("archive", external_ref="box-7")
    assert batch["id"] and batch["name"] == "archive"
    png = encode_png(render_text_image([EN_TEXT[5]], size_px=22, width=900, margin=30))
    job = client.submit(png, filename="one.png", batch_id=batch["id"])
    client.wait(job["id"], timeout=120)
    view = client.batch(batch["id"])
    assert view["id"] == batch["id"]
    assert view["status"] == "open", view  # every job ended, but more may come until it is closed
    closed = client.close_batch(batch["id"])
    assert closed["status"] == "completed" and closed["closed_at"], closed
    assert client.close_batch(batch["id"]) == closed
    with pytest.raises(BatchClosed) as refused:
        client.submit(png, filename="late.png", batch_id=batch["id"])
    assert isinstance(refused.value, Conflict) and (refused.value.status, refused.value.code) == (409, "batch_closed")
    with pytest.raises(NotFound) as err:
        client.batch("00000000000000000000000000000000")
    assert err.value.status == 404
