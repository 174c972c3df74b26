"""Worker behaviour end to end: a page over its time limit is retried, counted, and failed after
the last attempt while the rest of the job goes on (the job ends ``partial``); a duplicate
message for a finished page changes nothing."""
from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import select

from db.models import Page
from tests.factories import EN_TEXT, make_pdf, render_text_image
from tests.integration.conftest import all_pages, wait_for_job
from tests.service_stack import ServiceStack
from workers.queues import Enqueuer

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def strict_stack(tmp_path_factory):
    # A 2 s soft limit: a one-line page takes well under a second; the long page below
    # (80 lines 3,400 px wide) takes 5.4 s on one quiet core, more under load.
    with ServiceStack.start(
        tmp_path_factory.mktemp("strict"),
        backend="sqlite_sqla",
        DOCPIPE_PAGE_SOFT_TIME_LIMIT=2,
        DOCPIPE_PAGE_TIME_LIMIT=10,
        DOCPIPE_LEASE_SECONDS=12,
        DOCPIPE_SWEEP_INTERVAL=3,
        DOCPIPE_DPI=200,
    ) as st:
        st.start_worker(concurrency=1)
        st.start_beat()
        yield st


def test_a_page_over_its_time_limit_fails_after_three_attempts_and_the_job_goes_on(strict_stack):
    client = strict_stack.app().test_client()
    small = render_text_image(EN_TEXT[:1], size_px=24, width=700)
    wide_lines = [a + " " + b for a, b in zip(EN_TEXT * 4, (EN_TEXT * 4)[1:])][:80]
    long_page = render_text_image(wide_lines, size_px=26, width=3400)  # 5.4 s on one quiet core
    pdf = make_pdf([{"image": small, "dpi": 100}, {"image": long_page, "dpi": 200}, {"image": small, "dpi": 100}])
    r = client.post("/v1/jobs", data={"file": (io.BytesIO(pdf), "mixed.pdf"), "mode": "ocr"},
                    content_type="multipart/form-data")
    assert r.status_code == 202
    view = wait_for_job(client, r.get_json()["id"], timeout=180)
    assert view["status"] == "partial", view
    assert view["progress"] == {"pages_total": 3, "pages_done": 2, "pages_failed": 1}
    assert view["error"]["code"] == "timeout"
    pages = all_pages(client, view["id"])
    assert [p["status"] for p in pages] == ["succeeded", "failed", "succeeded"]
    assert pages[1]["error"]["code"] == "timeout" and pages[1]["attempts"] == 3
    assert pages[0]["attempts"] == 1 and pages[0]["text"]
    # Results of a partial job are still exported (the succeeded pages).
    txt = client.get(f"/v1/jobs/{view['id']}/result?format=txt")
    assert txt.status_code == 200 and EN_TEXT[0].split()[0] in txt.get_data(as_text=True)


def test_a_duplicate_message_for_a_finished_page_changes_nothing(strict_stack):
    client = strict_stack.app().test_client()
    pdf = make_pdf([{"text": EN_TEXT[:2]}])
    view = wait_for_job(client, client.post("/v1/jobs", data={"file": (io.BytesIO(pdf), "a.pdf")},
                                            content_type="multipart/form-data").get_json()["id"])
    assert view["status"] == "succeeded"
    (page,) = all_pages(client, view["id"])
    settings = strict_stack.settings
    from workers.celery_app import create_celery

    skipped_before = strict_stack.log("worker").count("'skipped'")
    Enqueuer(create_celery(settings), settings).ocr_page(page["id"], "interactive")
    # The worker consumes the duplicate, finds nothing to claim, and says so.
    deadline = time.monotonic() + 30
    while strict_stack.log("worker").count("'skipped'") == skipped_before:
        assert time.monotonic() < deadline, "the duplicate message was not consumed"
        time.sleep(0.2)
    with strict_stack.database().session() as s:
        attempts, status = s.execute(select(Page.attempts, Page.status).where(Page.id == page["id"])).one()
    assert (attempts, status) == (1, "succeeded")
    assert client.get(f"/v1/jobs/{view['id']}").get_json()["status"] == "succeeded"
