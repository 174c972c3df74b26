"""extract=invoice through the real service (both backends): a real celery worker reads the pages,
extracts each document's fields, and only then ends the job; the fields view, the json export, the
batch table (CSV, XLSX) and the signed webhook body of an endpoint that asked for them carry them.

Every invoice is generated with known fields (tests/invoice_factories.py).
"""
from __future__ import annotations

import base64
import csv
import io
import json
import uuid
from decimal import Decimal

import numpy as np
import pymupdf
import pytest
from openpyxl import load_workbook
from standardwebhooks import Webhook

from db.tenants import create_api_key

from tests.factories import encode_png, make_pdf
from tests.integration.conftest import wait_for_job
from tests.integration.test_webhook_delivery import Receiver
from tests.invoice_factories import cn_spec, make_chinese_vat, make_facturx, make_western, western_spec
from tests.service_stack import BACKENDS, ServiceStack

pytestmark = pytest.mark.integration

KEY = ("invoice_number", "issue_date", "total_amount", "currency", "seller_tax_id")


@pytest.fixture(scope="module", params=BACKENDS)
def inv_stack(request, tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp(f"invoice-{request.param}"), backend=request.param,
                            DOCPIPE_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8") as st:
        st.start_worker(concurrency=1)
        st.start_beat()
        yield st


@pytest.fixture(scope="module")
def client(inv_stack):
    return inv_stack.app().test_client()


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def submit_json(client, files: list[tuple[str, bytes]], **options) -> str:
    body = {"files": [{"filename": n, "content_base64": b64(d)} for n, d in files], **options}
    r = client.post("/v1/jobs", json=body)
    assert r.status_code == 202, r.get_data(as_text=True)
    return r.get_json()["id"]


def fields_of(client, job_id: str) -> dict:
    r = client.get(f"/v1/jobs/{job_id}/fields")
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def values(entry: dict) -> dict:
    return {k: (v["value"] if v else None) for k, v in entry["fields"].items() if k != "line_items"}


def scan_png(pdf: bytes) -> bytes:
    page = pymupdf.open(stream=pdf)[0]
    pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
    return encode_png(np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w))


def test_invoices_letter_and_bad_total_in_one_job(client):
    good, truth = make_western(western_spec(5, "de"), "de")
    bad_spec = western_spec(6, "en")
    bad_spec.wrong_total = bad_spec.net + bad_spec.tax + Decimal("10.00")
    bad, bad_truth = make_western(bad_spec, "en")
    letter = make_pdf([{"text": ["Dear Ms Weber,", "thank you for your visit last week.", "Kind regards, Anna"]}])
    job_id = submit_json(client, [("good.pdf", good), ("bad.pdf", bad), ("letter.pdf", letter)], extract="invoice")
    view = wait_for_job(client, job_id)
    assert view["status"] == "succeeded" and view["options"]["extract"] == "invoice"
    assert view["links"]["fields"].endswith(f"/v1/jobs/{job_id}/fields")
    assert [d["needs_review"] for d in view["documents"]] == [False, True, False]
    assert [d["document_type"] for d in view["documents"]] == ["invoice", "invoice", "other"]

    body = fields_of(client, job_id)
    assert body["job_id"] == job_id and body["extract"] == "invoice"
    first, second, third = body["documents"]
    assert [d["filename"] for d in body["documents"]] == ["good.pdf", "bad.pdf", "letter.pdf"]
    assert {k: values(first)[k] for k in KEY} == {k: truth[k] for k in KEY}
    total = first["fields"]["total_amount"]
    assert total["source"] == "text_layer" and total["page"] == 1 and len(total["box"]) == 4
    assert 0 < total["confidence"] <= 1
    assert len(first["fields"]["line_items"]) == len(western_spec(5, "de").items)
    assert first["needs_review"] is False and first["error"] is None
    assert values(second)["total_amount"] == bad_truth["total_amount"]
    assert second["needs_review"] is True
    assert any(c["status"] == "failed" and "total_amount" in c["fields"] for c in second["checks"])
    # Not an invoice: said so, and nothing invented.
    assert third["document_type"] == "other" and third["needs_review"] is False
    assert all(v is None for k, v in values(third).items() if k != "document_type")

    r = client.get(f"/v1/jobs/{job_id}/result?format=json")
    assert r.status_code == 200
    exported = json.loads(r.data)
    assert [d["fields"] for d in exported["documents"]] == body["documents"]


def test_scan_chinese_vat_and_facturx_in_a_group_submit(client):
    cn_pdf, cn_truth = make_chinese_vat(cn_spec(3))
    visible, fx_truth = make_western(western_spec(8, "fr"), "fr")
    facturx = make_facturx(western_spec(8, "fr"), visible)
    scan_pdf, scan_truth = make_western(western_spec(9, "en"), "en")
    r = client.post("/v1/batches", json={"name": "invoices"})
    batch_id = r.get_json()["id"]
    files = [("cn.pdf", cn_pdf), ("fx.pdf", facturx), ("scan.png", scan_png(scan_pdf))]
    r = client.post(f"/v1/batches/{batch_id}/jobs", content_type="multipart/form-data",
                    data={"file": [(io.BytesIO(d), n) for n, d in files], "extract": "invoice"})
    assert r.status_code == 202, r.get_data(as_text=True)
    job_ids = [slot["job"]["id"] for slot in r.get_json()["jobs"]]
    for job_id in job_ids:
        assert wait_for_job(client, job_id)["status"] == "succeeded"
    cn, fx, scan = (fields_of(client, j)["documents"][0] for j in job_ids)
    assert {k: values(cn)[k] for k in (*KEY, "invoice_code", "check_code")} == \
        {k: cn_truth[k] for k in (*KEY, "invoice_code", "check_code")}
    assert cn["document_type"].startswith("vat_") or cn["document_type"] != "other"
    assert {k: values(fx)[k] for k in KEY} == {k: fx_truth[k] for k in KEY}
    assert fx["fields"]["invoice_number"]["source"] == "embedded_xml" and fx["fields"]["invoice_number"]["confidence"] == 1.0
    assert scan["fields"]["invoice_number"]["source"] == "ocr"
    assert values(scan)["total_amount"] == scan_truth["total_amount"]

    assert client.post(f"/v1/batches/{batch_id}/close").status_code == 200
    r = client.get(f"/v1/batches/{batch_id}/fields?format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = {row["filename"]: row for row in csv.DictReader(io.StringIO(r.data.decode("utf-8-sig")))}
    assert sorted(rows) == ["cn.pdf", "fx.pdf", "scan.png"]
    fx_row = rows["fx.pdf"]
    assert fx_row["invoice_number"] == fx_truth["invoice_number"] and fx_row["total_amount"] == fx_truth["total_amount"]
    assert rows["cn.pdf"]["seller_tax_id"] == cn_truth["seller_tax_id"]
    assert fx_row["needs_review"] == str(fx["needs_review"]).lower()
    r = client.get(f"/v1/batches/{batch_id}/fields?format=xlsx")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == ["invoices", "line_items"]
    sheet = list(book["invoices"].values)
    assert sheet[0][:5] == ("job_id", "document", "filename", "document_type", "needs_review")
    assert sorted(row[2] for row in sheet[1:]) == ["cn.pdf", "fx.pdf", "scan.png"]
    items = list(book["line_items"].values)
    assert len(items) - 1 == sum(len(d["fields"]["line_items"]) for d in (cn, fx, scan)) > 0
    assert client.get(f"/v1/batches/{batch_id}/fields?format=pdf").status_code == 422


def test_refusals(inv_stack, client):
    pdf, _ = make_western(western_spec(2, "en"), "en")
    r = client.post("/v1/jobs", json={"files": [{"filename": "a.pdf", "content_base64": b64(pdf)}], "extract": "receipts"})
    # Like every refused submit option (mode, priority): 400 invalid_option with the allowed values.
    error = r.get_json()["error"]
    assert r.status_code == 400 and error["code"] == "invalid_option"
    assert error["details"] == {"field": "extract", "allowed": ["invoice"]}
    r = client.post("/v1/jobs", data={"file": (io.BytesIO(pdf), "a.pdf"), "extract": "tables!"},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and r.get_json()["error"]["details"]["field"] == "extract"
    r = client.post("/v1/batches", json={"name": "bad extract"})
    r = client.post(f"/v1/batches/{r.get_json()['id']}/jobs", data={"file": (io.BytesIO(pdf), "a.pdf"), "extract": "x"},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and r.get_json()["error"]["details"]["field"] == "extract"
    plain = submit_json(client, [("a.pdf", pdf)])
    wait_for_job(client, plain)
    r = client.get(f"/v1/jobs/{plain}/fields")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "extract_not_requested"
    assert "fields" not in wait_for_job(client, plain)["links"]
    assert client.get(f"/v1/jobs/{'0' * 32}/fields").status_code == 404
    with inv_stack.database().session() as s:
        _, key_a = create_api_key(s, "invoice-tenant-a")
        _, key_b = create_api_key(s, "invoice-tenant-b")
    a, b = {"Authorization": f"Bearer {key_a}"}, {"Authorization": f"Bearer {key_b}"}
    r = client.post("/v1/jobs", headers=a, json={"files": [{"filename": "a.pdf", "content_base64": b64(pdf)}],
                                                  "extract": "invoice"})
    mine = r.get_json()["id"]
    assert wait_for_job(client, mine, headers=a)["status"] == "succeeded"
    assert client.get(f"/v1/jobs/{mine}/fields", headers=a).status_code == 200
    r = client.get(f"/v1/jobs/{mine}/fields", headers=b)  # another tenant's job is not found
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_endpoint_with_include_fields_gets_them_signed(client, receiver):
    erp, thin_path = f"/erp-{uuid.uuid4().hex[:8]}", f"/thin-{uuid.uuid4().hex[:8]}"  # the receiver outlives a backend
    with_fields = client.post("/v1/webhook-endpoints", json={"url": receiver.url(erp), "include": ["fields"]})
    assert with_fields.status_code == 201, with_fields.get_data(as_text=True)
    assert with_fields.get_json()["include"] == ["fields"]
    thin = client.post("/v1/webhook-endpoints", json={"url": receiver.url(thin_path)})
    assert thin.status_code == 201 and thin.get_json()["include"] == []
    bad = client.post("/v1/webhook-endpoints", json={"url": receiver.url("/x"), "include": ["pages"]})
    assert bad.status_code == 422
    try:
        pdf, truth = make_western(western_spec(11, "nl"), "nl")
        job_id = submit_json(client, [("factuur.pdf", pdf)], extract="invoice", external_ref="ERP-11")
        wait_for_job(client, job_id)
        [req] = receiver.wait_for(erp, timeout=60)
        event = Webhook(with_fields.get_json()["secret"]).verify(req["body"], req["headers"])
        [doc] = event["data"]["documents"]
        assert doc == fields_of(client, job_id)["documents"][0]
        assert {k: values(doc)[k] for k in KEY} == {k: truth[k] for k in KEY}
        assert event["data"]["links"]["fields"].endswith(f"/v1/jobs/{job_id}/fields")
        [thin_req] = receiver.wait_for(thin_path, timeout=60)
        assert json.loads(req["body"])["data"]["job_id"] == job_id == json.loads(thin_req["body"])["data"]["job_id"]
        assert "documents" not in json.loads(thin_req["body"])["data"]
        assert truth["invoice_number"].encode() not in thin_req["body"]
    finally:
        for ep in (with_fields, thin):
            client.delete(f"/v1/webhook-endpoints/{ep.get_json()['id']}")
