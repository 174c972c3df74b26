"""Tables through the whole service (API → broker → celery worker → pipeline → database), on PostgreSQL +
Redis and on the embedded default: generated tables as born-digital PDFs and as scans, submitted with
``tables=true``; the page results, GET /v1/jobs/{id}/tables in every format, the same through
/result?format=tables.* and GET /v1/results, and the bulk command's tables formats."""
from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from bench.scan import scan_like
from db.tenants import create_api_key
from tests.factories import encode_png
from tests.integration.conftest import all_pages, wait_for_job
from tests.integration.test_service import submit
from tests.service_stack import bulk_command, client_env
from tests.table_factories import TableSpec, random_table, render_pages, table_pdf
from tests.unit.test_table_exports import _Cells, _texts

pytestmark = pytest.mark.integration

SPANS = random_table(3, rules="columns", spans=True)  # ruled columns, a two-row header with grouped columns
LONG = random_table(4, rules="none", rows=12)  # whitespace-aligned, continued on a second page
WRAPS = random_table(2, lang="zh", rules="grid", wraps=True)


def _cells(cells) -> list[tuple]:
    return sorted((c["row"], c["col"], c["row_span"], c["col_span"], c["text"]) for c in cells if c["text"])


def _truth(spec: TableSpec) -> list[tuple]:
    return _cells(spec.truth()["cells"])


def _spans(spec: TableSpec) -> set[tuple]:
    return {(c["row"] + 1, c["col"] + 1, c["row"] + c["row_span"], c["col"] + c["col_span"])
            for c in spec.truth()["cells"] if c["row_span"] > 1 or c["col_span"] > 1}


@pytest.fixture(scope="module")
def born_digital(client):
    """One job: a spanning table, a table over two pages, a Chinese table with wrapped cells."""
    files = [("spans.pdf", table_pdf(SPANS)), ("long.pdf", table_pdf(LONG, split_after=6)),
             ("wraps.pdf", table_pdf(WRAPS))]
    r = submit(client, files, tables="true")
    assert r.status_code == 202, r.get_data(as_text=True)
    assert r.get_json()["options"]["tables"] is True
    view = wait_for_job(client, r.get_json()["id"])
    assert view["status"] == "succeeded", view
    return view


def test_pages_carry_their_tables_and_read_them_row_by_row(client, born_digital):
    pages = all_pages(client, born_digital["id"])
    assert [p["source"] for p in pages] == ["text_layer"] * 4
    docs = [d["id"] for d in born_digital["documents"]]
    by_doc = {d: [p for p in pages if p["document"] == d] for d in docs}
    [spans_page], long_pages, [wraps_page] = by_doc[docs[0]], by_doc[docs[1]], by_doc[docs[2]]
    for page, spec in ((spans_page, SPANS), (wraps_page, WRAPS)):
        [table] = page["tables"]
        assert (table["rows"], table["cols"], table["header_rows"]) == (spec.rows, spec.cols, spec.header_rows)
        assert _cells(table["cells"]) == _truth(spec)
        assert all(len(c["box"]) == 4 and c["confidence"] == 1.0 for c in table["cells"])
    assert [len(p["tables"]) for p in long_pages] == [1, 1]  # each page keeps its own part
    body = "\n".join("\t".join(row) for row in _texts(WRAPS)[WRAPS.header_rows:])
    assert body in wraps_page["text"]


def test_tables_json_joins_the_table_over_two_pages(client, born_digital):
    r = client.get(f"/v1/jobs/{born_digital['id']}/tables")  # json is the default
    assert r.status_code == 200 and r.mimetype == "application/json"
    docs = r.get_json()["documents"]
    assert [d["filename"] for d in docs] == ["spans.pdf", "long.pdf", "wraps.pdf"]
    [long] = docs[1]["tables"]
    assert long["pages"] == [1, 2] and (long["rows"], long["cols"]) == (LONG.rows, LONG.cols)
    assert _cells(long["cells"]) == _truth(LONG)
    assert {c["page"] for c in long["cells"] if c["row"] > 6} == {2}


def test_tables_xlsx_html_and_csv(client, born_digital):
    job = born_digital["id"]
    r = client.get(f"/v1/jobs/{job}/tables?format=xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert f'filename="{job}.tables.xlsx"' in r.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.get_data()))
    assert wb.sheetnames == ["D1 T1 p1", "D2 T1 p1-2", "D3 T1 p1"]
    for ws, spec in zip(wb.worksheets, (SPANS, LONG, WRAPS)):
        assert [[v or "" for v in row] for row in ws.iter_rows(values_only=True)] == _texts(spec)
        assert {(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges} == _spans(spec)
    assert _spans(SPANS)

    r = client.get(f"/v1/jobs/{job}/tables?format=html")
    assert r.status_code == 200 and r.mimetype == "text/html"
    parser = _Cells()
    parser.feed(r.get_data(as_text=True))
    first = parser.rows[:SPANS.rows]
    truth = sorted((c["row_span"], c["col_span"], c["text"]) for c in SPANS.truth()["cells"])
    assert sorted((rs, cs, text) for row in first for _, rs, cs, text in row if text) == truth
    assert all(tag == "th" for row in first[:SPANS.header_rows] for tag, *_ in row)

    r = client.get(f"/v1/jobs/{job}/tables?format=csv")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.get_data())) as zf:
        names = zf.namelist()
        assert names == ["0001-spans.pdf/table-001-page-1.csv", "0002-long.pdf/table-001-page-1-2.csv",
                         "0003-wraps.pdf/table-001-page-1.csv"]
        for name, spec in zip(names, (SPANS, LONG, WRAPS)):
            assert list(csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig")))) == _texts(spec)

    same = client.get(f"/v1/jobs/{job}/result?format=tables.json")
    assert same.status_code == 200 and same.get_json() == client.get(f"/v1/jobs/{job}/tables").get_json()


def test_scans_through_the_service(client):
    specs = [random_table(0, rules="grid"), random_table(1, lang="zh", rules="grid", spans=True),
             random_table(2, rules="none", spans=True)]
    files = [{"filename": f"scan-{k}.png",
              "content_base64": base64.b64encode(encode_png(scan_like(render_pages(table_pdf(s))[0], k)[0])).decode()}
             for k, s in enumerate(specs)]
    r = client.post("/v1/jobs", json={"files": files, "tables": True})
    assert r.status_code == 202, r.get_data(as_text=True)
    view = wait_for_job(client, r.get_json()["id"], timeout=300)
    assert view["status"] == "succeeded", view
    pages = all_pages(client, view["id"])
    for page, spec in zip(pages, specs):
        assert page["source"] == "ocr"
        [table] = page["tables"]
        assert (table["rows"], table["cols"], table["header_rows"]) == (spec.rows, spec.cols, spec.header_rows)
        truth = {(c["row"], c["col"]): c for c in spec.truth()["cells"]}
        got = {(c["row"], c["col"]): c for c in table["cells"] if c["text"]}
        assert {(k, v["row_span"], v["col_span"]) for k, v in truth.items()} == \
               {(k, v["row_span"], v["col_span"]) for k, v in got.items()}
        right = sum(k in got and "".join(got[k]["text"].split()) == "".join(v["text"].split()) for k, v in truth.items())
        assert right / len(truth) >= 0.8
        assert page["timings"]["tables"] > 0
    wb = load_workbook(io.BytesIO(client.get(f"/v1/jobs/{view['id']}/tables?format=xlsx").get_data()))
    assert {(m.min_row, m.min_col, m.max_row, m.max_col) for m in wb.worksheets[1].merged_cells.ranges} == _spans(specs[1])


def test_a_job_without_tables_has_none_and_no_export(client, born_digital):
    data = table_pdf(SPANS)
    view = wait_for_job(client, submit(client, [("spans.pdf", data)]).get_json()["id"])
    assert view["options"]["tables"] is False
    [page] = all_pages(client, view["id"])
    assert page["tables"] == [] and "\t" not in page["text"]
    r = client.get(f"/v1/jobs/{view['id']}/tables?format=xlsx")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "tables_not_requested"
    # The same file with tables is not answered from the job without them (the reuse key differs) ...
    with_tables = wait_for_job(client, submit(client, [("spans.pdf", data)], tables="true").get_json()["id"])
    assert with_tables["reused_from"] is None
    [page] = all_pages(client, with_tables["id"])
    assert _cells(page["tables"][0]["cells"]) == _truth(SPANS)
    # ... while the same options still are.
    again = wait_for_job(client, submit(client, [("spans.pdf", data)]).get_json()["id"])
    assert again["reused_from"] == view["id"]

    ids = f"{born_digital['id']},{view['id']},nope"
    slots = client.get(f"/v1/results?ids={ids}&format=tables.xlsx").get_json()["results"]
    assert [s["id"] for s in slots] == [born_digital["id"], view["id"], "nope"]
    assert load_workbook(io.BytesIO(base64.b64decode(slots[0]["content_base64"]))).sheetnames[0] == "D1 T1 p1"
    assert slots[1]["error"]["code"] == "tables_not_requested" and slots[2]["error"]["code"] == "not_found"
    slots = client.get(f"/v1/results?ids={born_digital['id']}&format=tables.json").get_json()["results"]
    assert json.loads(slots[0]["content"]) == client.get(f"/v1/jobs/{born_digital['id']}/tables").get_json()


def test_bad_requests_for_tables(client, stack, born_digital):
    r = client.get(f"/v1/jobs/{born_digital['id']}/tables?format=ods")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_option"
    r = client.get(f"/v1/jobs/{born_digital['id']}/result?format=tables.ods")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_option"
    assert client.get("/v1/jobs/nope/tables").status_code == 404
    r = submit(client, [("spans.pdf", table_pdf(SPANS))], tables="maybe")
    assert r.status_code == 400 and r.get_json()["error"]["details"]["field"] == "tables"
    with stack.database().session() as s:
        _, key = create_api_key(s, "tables-other-tenant")
    r = client.get(f"/v1/jobs/{born_digital['id']}/tables", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    spec = client.get("/openapi.json").get_json()
    assert "/v1/jobs/{job_id}/tables" in spec["paths"]
    options = spec["components"]["schemas"]
    assert any("tables" in s.get("properties", {}) for s in options.values())


def test_bulk_writes_tables_formats(stack, tmp_path):
    if not hasattr(stack, "api_url"):
        stack.api_url = stack.start_api()
    src, out = tmp_path / "src", tmp_path / "out"
    (src / "a").mkdir(parents=True)
    (src / "a" / "spans.pdf").write_bytes(table_pdf(SPANS))
    (src / "long.pdf").write_bytes(table_pdf(LONG, split_after=6))
    cmd = bulk_command(stack.api_url, src, out, "--formats", "txt,tables.xlsx,tables.json,tables.csv,tables.html")
    run = subprocess.run(cmd, env=client_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr + run.stdout
    wb = load_workbook(out / "a" / "spans.pdf.tables.xlsx")
    assert {(m.min_row, m.min_col, m.max_row, m.max_col) for m in wb.worksheets[0].merged_cells.ranges} == _spans(SPANS)
    [table] = json.loads((out / "long.pdf.tables.json").read_text())["documents"][0]["tables"]
    assert table["pages"] == [1, 2] and _cells(table["cells"]) == _truth(LONG)
    with zipfile.ZipFile(out / "long.pdf.tables.csv.zip") as zf:
        assert zf.namelist() == ["0001-long.pdf/table-001-page-1-2.csv"]
    assert "<table>" in (out / "a" / "spans.pdf.tables.html").read_text()
    assert "\t" in (out / "long.pdf.txt").read_text()  # the page text reads the table row by row
