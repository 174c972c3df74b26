"""The worker records the pipeline's own CPU seconds on every page it reads (``pages.pipeline_cpu_s``), so a bulk
run's service share (its CPU beyond the pipeline's) comes out of that one run; on a real database of each kind."""
from __future__ import annotations

import time

from sqlalchemy import select

from db.models import Page
from db.tenants import ensure_tenant
from tests.factories import EN_TEXT, make_pdf, render_text_image
from tests.integration.test_group_split import _job, runner  # noqa: F401 - the fixture, on both databases

import pytest

pytestmark = [pytest.mark.integration]


def _cpu(runner, job_id: str) -> dict[int, float | None]:
    with runner.database.session() as s:
        return dict(s.execute(select(Page.page_no, Page.pipeline_cpu_s).where(Page.job_id == job_id)).all())


def test_each_page_carries_the_cpu_the_pipeline_spent_on_it(runner):  # noqa: F811
    with runner.database.session() as s:
        tenant = ensure_tenant(s, "acme").id
    lines = EN_TEXT[:12]
    scan = make_pdf([{"image": render_text_image(lines, size_px=24, width=1000), "dpi": 100}])
    digital = make_pdf([{"text": EN_TEXT[3:6]}, {"text": EN_TEXT[6:9]}])
    scan_job, (scan_doc,) = _job(runner, tenant, ("pdf", scan, 1))
    text_job, (text_doc,) = _job(runner, tenant, ("pdf", digital, 2))
    runner.engine  # built before the clock starts: a process builds it once, not per page

    outcome = runner.split_many([scan_doc, text_doc], worker="test:1")
    [page_id] = [p for o in outcome.pages for p in o.page_ids]
    started = time.process_time()
    runner.run_page(page_id, worker="test:1")
    whole = time.process_time() - started

    # The scan's page: the pipeline's share of the page task, which also claimed, stored and finalized.
    [scan_cpu] = _cpu(runner, scan_job).values()
    assert scan_cpu is not None and 0 < scan_cpu <= whole
    assert scan_cpu > 0.5 * whole  # OCR of twelve lines dwarfs the page's few SQL statements
    # Text-layer pages read while splitting carry the CPU of their read.
    text_cpu = _cpu(runner, text_job)
    assert sorted(text_cpu) == [1, 2] and all(c is not None and c >= 0 for c in text_cpu.values())
