"""The web page's tables view, invoice fields view and its two languages, in real Chromium
against the real stack (API under gunicorn, a celery worker, PostgreSQL, Redis).

Inputs are made here with known content: a scanned table (tests/table_factories.py) and
generated invoices, one whose printed total does not add up (tests/invoice_factories.py).
"""
from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.test_web_page import JOB_TIMEOUT_MS, SCREENSHOTS, assert_accessible, file_card
from tests.factories import cer, encode_png
from tests.invoice_factories import make_western, western_spec
from tests.table_factories import SpecCell, TableSpec, render_pages, table_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

STATIC = Path(__file__).resolve().parents[2] / "api" / "static"

# A spanning header (Region over two rows, Sales over two columns) above three body rows.
TABLE = TableSpec(rows=5, cols=3, header_rows=2, title="Sales by region", cells=[
    SpecCell(0, 0, "Region", row_span=2), SpecCell(0, 1, "Sales", col_span=2),
    SpecCell(1, 1, "2024"), SpecCell(1, 2, "2025"),
    SpecCell(2, 0, "North"), SpecCell(2, 1, "1,200"), SpecCell(2, 2, "1,450"),
    SpecCell(3, 0, "South"), SpecCell(3, 1, "980"), SpecCell(3, 2, "1,010"),
    SpecCell(4, 0, "East"), SpecCell(4, 1, "2,310"), SpecCell(4, 2, "2,500"),
])


def job_id_of(page: Page, name: str) -> str:
    return page.evaluate(f"JSON.parse(localStorage.getItem('docpipe.jobs')).find(j => j.name === {name!r}).id")


def view_batch(web, job_id: str) -> str | None:
    return requests.get(f"{web.base_url}/v1/jobs/{job_id}", headers=web.headers, timeout=30).json()["batch_id"]


def raw_keys_on_page(page: Page) -> list[str]:
    """Message keys that reached the page as text or as an attribute a person or screen reader meets."""
    return page.evaluate(
        """() => {
            const keys = new Set(Object.keys(window.docpipe.i18n.MESSAGES.en));
            const found = [];
            const text = document.body.innerText + ' ' + document.title;
            for (const word of text.split(/\\s+/)) if (keys.has(word.replace(/[.,:;]$/, ''))) found.push(word);
            for (const el of document.querySelectorAll('*')) {
                for (const attr of ['aria-label', 'title', 'alt', 'placeholder']) {
                    const value = el.getAttribute(attr);
                    if (value && keys.has(value)) found.push(`${attr}=${value}`);
                }
            }
            return found;
        }"""
    )


def test_message_tables_have_the_same_keys_and_fill_every_placeholder(browser, web):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(web.base_url + "/")
    tables = page.evaluate("window.docpipe.i18n.MESSAGES")
    assert set(tables) == {"en", "zh-CN"}
    assert set(tables["en"]) == set(tables["zh-CN"])
    for key, text in tables["en"].items():
        # The same placeholders in both languages, so no value goes missing in one of them.
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", tables["zh-CN"][key])), key
        assert tables["zh-CN"][key].strip(), key
    context.close()


def test_scanned_table_appears_as_a_table_copies_as_tsv_downloads_as_xlsx_and_markdown_in_both_languages(browser, web):
    scan = encode_png(render_pages(table_pdf(TABLE), dpi=200)[0])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(web.base_url + "/")

    # The browser says Chinese: the page speaks Chinese.
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#dropzone-title")).to_have_text("把文件拖到这里，或选择文件")
    expect(page.locator("#lang-switch")).to_have_text("English")

    page.locator(".options summary").click()
    page.locator("#opt-tables").check()
    page.set_input_files("#file-input", [{"name": "sales.png", "mimeType": "image/png", "buffer": scan}])
    card = file_card(page, "sales.png")
    expect(card).to_have_attribute("data-state", "succeeded", timeout=JOB_TIMEOUT_MS)
    expect(card.locator(".badge")).to_have_text("完成")

    job_id = job_id_of(page, "sales.png")
    view = requests.get(f"{web.base_url}/v1/jobs/{job_id}", headers=web.headers, timeout=30).json()
    assert view["options"]["tables"] is True
    (api_page,) = requests.get(f"{web.base_url}/v1/jobs/{job_id}/pages", headers=web.headers, timeout=30).json()["pages"]
    (api_table,) = api_page["tables"]
    assert (api_table["rows"], api_table["cols"]) == (TABLE.rows, TABLE.cols)

    # The table as the API found it: same cells, same spans, header cells as <th>.
    table = card.locator(".data-table")
    expect(table).to_have_count(1)
    shown = table.evaluate(
        """(t) => Array.from(t.querySelectorAll('.cell')).map((c) => ({
            row: Number(c.dataset.row), col: Number(c.dataset.col), row_span: c.rowSpan, col_span: c.colSpan,
            text: c.textContent, th: c.tagName === 'TH'}))"""
    )
    expected = [{"row": c["row"], "col": c["col"], "row_span": c["row_span"], "col_span": c["col_span"],
                 "text": c["text"], "th": c["row"] < api_table["header_rows"]} for c in api_table["cells"]]
    assert sorted(shown, key=lambda c: (c["row"], c["col"])) == sorted(expected, key=lambda c: (c["row"], c["col"]))
    truth = {(c.row, c.col): c.truth for c in TABLE.cells}
    read = {(c["row"], c["col"]): c["text"] for c in shown}
    assert cer("\n".join(truth.values()), "\n".join(read.get(k, "") for k in truth)) < 0.1, read
    region = table.locator('.cell[data-row="0"][data-col="0"]')
    assert (region.get_attribute("rowspan"), table.locator('.cell[data-row="0"][data-col="1"]').get_attribute("colspan")) \
        == ("2", "2")

    # A cell outlines its own box on the page image.
    cell = table.locator('.cell[data-row="3"][data-col="1"]')
    cell.click()
    expect(cell).to_have_class(re.compile(r"\bactive\b"))
    focus = card.locator(".page .focus-box")
    expect(focus).to_have_count(1)
    frame = card.locator(".page .image-frame").bounding_box()
    box = focus.bounding_box()
    api_cell = next(c for c in api_table["cells"] if (c["row"], c["col"]) == (3, 1))
    x0, y0, x1, y1 = api_cell["box"]
    scale = frame["width"] / api_page["width"]
    assert abs(box["x"] - (frame["x"] + x0 * scale)) < 3 and abs(box["y"] - (frame["y"] + y0 * scale)) < 3
    assert abs(box["width"] - (x1 - x0) * scale) < 3

    # Copy as TSV: one line per row, tab-separated, a spanning cell's text once at its top-left.
    card.locator("[data-action=copy-tsv]").click()
    expect(page.locator("#toast")).to_contain_text("已复制表 1")
    tsv = page.evaluate("navigator.clipboard.readText()")
    rows = tsv.split("\n")
    assert len(rows) == TABLE.rows and all(r.count("\t") == TABLE.cols - 1 for r in rows), tsv
    grid = [r.split("\t") for r in rows]
    assert grid[0][2] == "" and grid[1][0] == ""  # covered by the spans
    assert cer("\n".join(truth.values()), "\n".join(grid[r][c] for r, c in truth)) < 0.1, tsv

    # Download XLSX: the job's tables, which openpyxl opens with the same cells and merged spans.
    with page.expect_download() as download_info:
        card.locator("[data-action=export-tables]").click()
    assert download_info.value.suggested_filename == "sales.tables.xlsx"
    book = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    (sheet,) = book.worksheets
    for c in api_table["cells"]:
        assert (sheet.cell(row=c["row"] + 1, column=c["col"] + 1).value or "") == c["text"]
    assert {str(m) for m in sheet.merged_cells.ranges} == {"A1:A2", "B1:C1"}

    # Download Markdown: the API's own export, the table as a pipe table with the API's cells.
    with page.expect_download() as download_info:
        card.locator("[data-action=export][data-format=md]").click()
    assert download_info.value.suggested_filename == "sales.md"
    md = Path(download_info.value.path()).read_text(encoding="utf-8")
    served = requests.get(f"{web.base_url}/v1/jobs/{job_id}/result", params={"format": "md"},
                          headers=web.headers, timeout=30)
    assert md == served.text
    texts = {(c["row"], c["col"]): c["text"] for c in api_table["cells"]}
    lines = md.splitlines()
    assert "|---|---|---|" in lines, md
    for r in range(api_table["header_rows"], api_table["rows"]):
        assert "| " + " | ".join(texts.get((r, c), "") for c in range(api_table["cols"])) + " |" in lines, md

    assert raw_keys_on_page(page) == []
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SCREENSHOTS / "tables-zh.png"))

    # The switch: English, everywhere including the file's card, then back; the choice is kept.
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#dropzone-title")).to_have_text("Drop files here, or choose files")
    expect(card.locator(".badge")).to_have_text("Done")
    expect(card.locator("[data-action=copy-tsv]")).to_have_text("Copy as TSV")
    expect(card.locator(".page .source")).to_have_text("OCR")
    expect(card.locator(".data-table caption")).to_contain_text("Table 1")
    expect(page.locator("#threshold-value")).to_have_text("80%")
    expect(page.locator("label[for=threshold]")).to_contain_text("Flag lines below")
    assert raw_keys_on_page(page) == []
    assert_accessible(page)
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(card.locator(".data-table")).to_have_count(1, timeout=30_000)
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("label[for=threshold]")).to_contain_text("标出置信度低于")
    assert page.evaluate("localStorage.getItem('docpipe.lang')") == "zh-CN"
    assert raw_keys_on_page(page) == []
    assert errors == []
    context.close()


def test_invoice_fields_beside_the_pages_and_needs_review_in_the_list(browser, web):
    good, truth = make_western(western_spec(5, "en"), "en")
    bad_spec = western_spec(6, "en")
    bad_spec.wrong_total = bad_spec.net + bad_spec.tax + Decimal("10.00")
    bad, bad_truth = make_western(bad_spec, "en")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(web.base_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".options summary").click()
    page.locator("#opt-extract").select_option("invoice")
    page.set_input_files("#file-input", [
        {"name": "good.pdf", "mimeType": "application/pdf", "buffer": good},
        {"name": "bad.pdf", "mimeType": "application/pdf", "buffer": bad},
    ])
    good_card, bad_card = file_card(page, "good.pdf"), file_card(page, "bad.pdf")
    for card in (good_card, bad_card):
        expect(card).to_have_attribute("data-state", "succeeded", timeout=JOB_TIMEOUT_MS)

    # needs_review in the file list.
    expect(bad_card.locator(".review-badge")).to_have_text("Needs review")
    expect(bad_card.locator(".review-badge")).to_have_attribute("data-review", "review")
    expect(good_card.locator(".review-badge")).to_have_attribute("data-review", "ok")

    # The fields, as read, beside the pages.
    good_fields = good_card.locator(".fields-view")
    expect(good_fields).to_be_visible(timeout=30_000)
    for name in ("invoice_number", "issue_date", "total_amount", "currency"):
        expect(good_fields.locator(f'.field[data-field="{name}"] .field-value')).to_have_text(str(truth[name]))
    expect(good_fields.locator(".field.failed")).to_have_count(0)
    items = good_fields.locator(".items-table tbody tr")
    expect(items).to_have_count(len(western_spec(5, "en").items))
    # Line items show their values (each one a field of its own) and outline them on the page too.
    expect(items.first.locator("td").first).to_have_text(western_spec(5, "en").items[0].description)
    items.first.locator("td").first.locator("button").click()
    expect(good_card.locator(".page .focus-box")).to_have_count(1)

    bad_fields = bad_card.locator(".fields-view")
    expect(bad_fields.locator(".fields-status")).to_have_text("A person should check these fields.")
    expect(bad_fields.locator('.field.failed[data-field="total_amount"]')).to_have_count(1)
    expect(bad_fields.locator('.field[data-field="total_amount"] .field-value')).to_have_text(
        str(bad_truth["total_amount"]))
    expect(bad_fields.locator(".check-failed").first).to_be_visible()

    # Low confidence is marked exactly where the API says so.
    job_id = job_id_of(page, "bad.pdf")
    api = requests.get(f"{web.base_url}/v1/jobs/{job_id}/fields", headers=web.headers, timeout=30).json()
    fields = api["documents"][0]["fields"]
    low = sorted(n for n, f in fields.items() if n != "line_items" and f and f["confidence"] < 0.8)
    shown_low = sorted(bad_fields.locator(".field.low").evaluate_all("rows => rows.map(r => r.dataset.field)"))
    assert shown_low == low

    # A field outlines its box on its page's image.
    total = fields["total_amount"]
    bad_fields.locator('.field[data-field="total_amount"] .field-value button').click()
    page_el = bad_card.locator(f'.page[data-page-no="{total["page"]}"]')
    focus = page_el.locator(".focus-box")
    expect(focus).to_have_count(1)
    frame = page_el.locator(".image-frame").bounding_box()
    box = focus.bounding_box()
    api_page = requests.get(f"{web.base_url}/v1/jobs/{job_id}/pages", headers=web.headers, timeout=30).json()["pages"][0]
    scale = frame["width"] / api_page["width"]
    assert abs(box["x"] - (frame["x"] + total["box"][0] * scale)) < 3
    assert abs(box["y"] - (frame["y"] + total["box"][1] * scale)) < 3

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    bad_card.screenshot(path=str(SCREENSHOTS / "invoice-fields.png"))

    # The invoices added together are one batch: its fields as one table, one row per invoice.
    assert view_batch(web, job_id) == view_batch(web, job_id_of(page, "good.pdf")) is not None
    with page.expect_download() as download_info:
        bad_card.locator('[data-action=export-fields][data-format="xlsx"]').click()
    assert download_info.value.suggested_filename == "bad.fields.xlsx"
    book = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    invoices = [[str(v) if v is not None else "" for v in row] for row in book["invoices"].iter_rows(values_only=True)]
    assert len(invoices) == 3  # the header and the two invoices
    flat = {v for row in invoices for v in row}
    assert {truth["invoice_number"], bad_truth["invoice_number"]} <= flat
    items = list(book["line_items"].iter_rows(values_only=True))
    assert len(items) == 1 + len(western_spec(5, "en").items) + len(bad_spec.items)
    with page.expect_download() as download_info:
        good_card.locator('[data-action=export-fields][data-format="csv"]').click()
    csv_text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert truth["invoice_number"] in csv_text and bad_truth["invoice_number"] in csv_text

    assert raw_keys_on_page(page) == []
    assert_accessible(page)
    # In Chinese too: field names and the review badge follow the switch.
    page.locator("#lang-switch").click()
    expect(bad_card.locator(".review-badge")).to_have_text("需要人工核对")
    expect(bad_fields.locator('.field[data-field="total_amount"] th')).to_have_text("价税合计")
    assert raw_keys_on_page(page) == []
    assert errors == []
    context.close()
