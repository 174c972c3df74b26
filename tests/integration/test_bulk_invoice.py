"""``bulk --extract invoice`` through the real service (API under gunicorn, a celery worker, PostgreSQL,
Redis): each file's fields land beside its text, manifest.csv gains the key fields and needs_review,
and fields.csv / fields.xlsx cover the run. Invoices are generated with known fields."""
from __future__ import annotations

import csv
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from client.manifest import read_manifest
from tests.factories import make_pdf
from tests.invoice_factories import make_western, western_spec
from tests.service_stack import ROOT, ServiceStack, bulk_command, client_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with ServiceStack.start(tmp_path_factory.mktemp("bulk-invoice"), backend="postgres_redis") as s:
        s.start_worker(concurrency=1)
        s.url = s.start_api()
        yield s


def _write(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_bulk_extract_invoice_writes_fields_manifest_and_tables(stack, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    good, truth = make_western(western_spec(21, "de"), "de")
    spec = western_spec(22, "en")
    spec.wrong_total = spec.net + spec.tax + Decimal("5.00")
    bad, bad_truth = make_western(spec, "en")
    _write(src, "2024/good.pdf", good)
    _write(src, "2024/bad.pdf", bad)
    _write(src, "letters/letter.pdf", make_pdf([{"text": ["Dear Sir,", "see you on Monday.", "Regards"]}]))
    cmd = bulk_command(stack.url, src, out, "--formats", "txt", "--extract", "invoice", "--concurrency", "3")
    run = subprocess.run(cmd, cwd=ROOT, env=client_env(), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr  # needs_review is a finding, not a failed file

    body = json.loads((out / "2024/good.pdf.fields.json").read_text(encoding="utf-8"))
    [doc] = body["documents"]
    assert doc["fields"]["invoice_number"]["value"] == truth["invoice_number"]
    assert (out / "2024/good.pdf.txt").is_file()

    manifest = {r["path"]: r for r in read_manifest(out / "manifest.csv")}
    assert manifest["2024/good.pdf"]["status"] == "succeeded"
    assert {k: manifest["2024/good.pdf"][k] for k in ("invoice_number", "issue_date", "total_amount", "currency",
                                                      "seller_tax_id")} == \
        {k: truth[k] for k in ("invoice_number", "issue_date", "total_amount", "currency", "seller_tax_id")}
    assert manifest["2024/good.pdf"]["needs_review"] == "false"
    assert manifest["2024/bad.pdf"]["needs_review"] == "true"
    assert manifest["2024/bad.pdf"]["total_amount"] == bad_truth["total_amount"]
    assert manifest["letters/letter.pdf"]["document_type"] == "other"
    assert manifest["letters/letter.pdf"]["invoice_number"] == ""

    with open(out / "fields.csv", newline="", encoding="utf-8-sig") as fh:
        rows = {r["path"]: r for r in csv.DictReader(fh)}
    assert sorted(rows) == ["2024/bad.pdf", "2024/good.pdf", "letters/letter.pdf"]
    assert rows["2024/good.pdf"]["seller_name"] == truth["seller_name"]
    assert "totals_add_up" in rows["2024/bad.pdf"]["failed_checks"].split(";")
    assert rows["2024/good.pdf"]["failed_checks"] == ""
    book = load_workbook(out / "fields.xlsx")
    assert book.sheetnames == ["invoices", "line_items"]
    items = [r for r in book["line_items"].values][1:]
    assert len([r for r in items if r[0] == "2024/good.pdf"]) == len(western_spec(21, "de").items)

    # Again: nothing to do, nothing submitted, the same tables.
    before = (out / "fields.csv").read_bytes()
    again = subprocess.run(cmd, cwd=ROOT, env=client_env(), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "0 submitted" in again.stdout, again.stdout + again.stderr
    assert (out / "fields.csv").read_bytes() == before
