"""Markdown and PDF/A through the service: GET /v1/jobs/{id}/result?format=md|pdfa and /v1/results?format=md."""
from __future__ import annotations

import io
import re

import pikepdf
import pymupdf
import pytest

from tests.factories import ZH_TEXT, cer, make_pdf, render_text_image
from tests.integration.conftest import all_pages, wait_for_job
from tests.integration.test_service import submit
from tests.manual_factory import H_SETTINGS, H_SETUP, LIST, TITLE, manual_pdf

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def manual_job(client):
    """The manual page (born-digital) followed by a scanned Chinese page."""
    doc = pymupdf.open(stream=manual_pdf(), filetype="pdf")
    doc.insert_pdf(pymupdf.open(stream=make_pdf([
        {"image": render_text_image(ZH_TEXT[:3], font="cjk", size_px=36), "dpi": 200}]), filetype="pdf"))
    view = wait_for_job(client, submit(client, [("manual.pdf", doc.tobytes())]).get_json()["id"])
    assert view["status"] == "succeeded", view
    return view


def test_pages_carry_typed_blocks(client, manual_job):
    first, second = all_pages(client, manual_job["id"])
    types = [b["type"] for b in first["blocks"]]
    assert types[:3] == ["header", "heading", "heading"] and types.count("list_item") == 3
    assert types[-1] == "page_number"
    assert second["source"] == "ocr" and [b["type"] for b in second["blocks"]] == ["paragraph"]


def test_markdown_result_has_headings_lists_and_the_chinese_page(client, manual_job):
    r = client.get(f"/v1/jobs/{manual_job['id']}/result?format=md")
    assert r.status_code == 200 and r.content_type == "text/markdown; charset=utf-8"
    assert r.headers["Content-Disposition"].endswith('.md"')
    md = r.get_data(as_text=True)
    assert f"# {TITLE}\n" in md and f"## {H_SETUP}\n" in md and f"## {H_SETTINGS}\n" in md
    assert f"- {LIST[0][0]}\n" in md
    zh = md.split("<!-- page 2 -->")[1]
    assert cer("".join(ZH_TEXT[:3]), zh.strip()) < 0.05
    group = client.get(f"/v1/results?format=md&ids={manual_job['id']}").get_json()["results"][0]
    assert group["content"] == md


def test_pdfa_result_declares_itself_and_reads_back(client, manual_job):
    r = client.get(f"/v1/jobs/{manual_job['id']}/result?format=pdfa")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"].endswith('.pdfa.pdf"')
    pdf = pikepdf.open(io.BytesIO(r.data))
    assert re.search(rb"<pdfaid:part>2</pdfaid:part>", pdf.Root.Metadata.read_bytes())
    assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
    with pymupdf.open(stream=r.data, filetype="pdf") as out:
        assert TITLE in out[0].get_text()
        assert cer("".join(ZH_TEXT[:3]), "".join(out[1].get_text().split())) < 0.05
