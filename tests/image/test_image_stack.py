"""The production image and compose stack, from outside, as a user reaches them.

`make image-test` (scripts/image_test.sh) builds the images, starts docker-compose.yml
with podman, creates an API key and runs this module with DOCPIPE_STACK_URL and
DOCPIPE_STACK_KEY set; without them (`make test`) the module is skipped.
"""
from __future__ import annotations

import os

import pytest
import requests

from client import Client
from tests.factories import EN_TEXT, cer, make_pdf, render_text_image

STACK_URL = os.environ.get("DOCPIPE_STACK_URL")
STACK_KEY = os.environ.get("DOCPIPE_STACK_KEY")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (STACK_URL and STACK_KEY), reason="needs the compose stack: make image-test"),
]

LINES = EN_TEXT[:4]


@pytest.fixture(scope="module")
def api():
    with Client(STACK_URL, api_key=STACK_KEY, timeout=30) as client:
        yield client


def test_the_stack_is_production_shaped():
    # DOCPIPE_ENV=production: no key, no job; /health stays open for the container's check.
    assert requests.get(f"{STACK_URL}/health", timeout=10).status_code == 200
    refused = requests.get(f"{STACK_URL}/v1/jobs", timeout=10)
    assert refused.status_code == 401 and refused.headers["Content-Type"].startswith("application/json")


def test_a_pdf_made_here_is_read_by_the_stack(api):
    scan = render_text_image(LINES, size_px=30, width=1400)
    pdf = make_pdf([{"text": LINES}, {"image": scan, "dpi": 200}])
    job = api.submit(pdf, filename="image-test.pdf", external_ref="image-test")
    view = api.wait(job["id"], timeout=240)
    assert view["status"] == "succeeded", view
    pages = list(api.pages(job["id"]))
    # Page 1 through its text layer, page 2 through the OCR engine and models in the image.
    assert [(p["page_no"], p["status"], p["source"]) for p in pages] == [
        (1, "succeeded", "text_layer"), (2, "succeeded", "ocr")
    ]
    reference = "\n".join(LINES)
    assert cer(reference, pages[0]["text"]) <= 0.001, pages[0]["text"]
    assert cer(reference, pages[1]["text"]) <= 0.03, pages[1]["text"]
    text = api.result(job["id"], "txt").decode("utf-8")
    assert cer(reference * 2, text.replace("\f", "")) < 0.03, text
