"""The web page in real headless Chromium against a real API + worker stack.

Inputs are rendered here from known text, so what the page shows can be checked
by character error rate, not by exact strings.
"""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pymupdf
import pytest
import requests
from playwright.sync_api import Page, expect

from tests.factories import EN_TEXT, ZH_TEXT, cer, encode_png, make_pdf, render_text_image

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.11.0.min.js"  # axe-core, MPL-2.0, see vendor/
JOB_TIMEOUT_MS = 180_000  # first pages also load the ONNX models in the worker
MAX_CER = 0.05

PDF_TEXT_PAGE = EN_TEXT[0:4]  # born-digital: read from the PDF's text layer
PDF_SCAN_PAGE = EN_TEXT[4:7]  # image-only: read by OCR
PNG_TEXT = EN_TEXT[8:11]
ZH_LINES = ZH_TEXT[0:3]
MAX_CER_ZH = 0.10


@pytest.fixture(scope="module")
def inputs() -> dict[str, bytes]:
    scan = render_text_image(PDF_SCAN_PAGE, size_px=30, width=1240, margin=80, dpi=150)
    return {
        "contract.pdf": make_pdf([{"text": PDF_TEXT_PAGE}, {"image": scan, "dpi": 150}]),
        "receipt.png": encode_png(render_text_image(PNG_TEXT, size_px=30, width=1240, margin=80)),
        "合同.png": encode_png(render_text_image(ZH_LINES, font="cjk", size_px=30, width=1240, margin=80)),
    }


def file_card(page: Page, name: str):
    return page.locator("#file-list > .file").filter(has=page.locator(".file-name", has_text=name))


def wait_finished(page: Page, name: str) -> None:
    expect(file_card(page, name)).to_have_attribute("data-state", "succeeded", timeout=JOB_TIMEOUT_MS)


def shown_page_texts(page: Page, name: str) -> list[str]:
    card = file_card(page, name)
    texts = []
    for page_el in card.locator(".page").all():
        texts.append("\n".join(page_el.locator(".line .line-text").all_inner_texts()))
    return texts


def assert_accessible(page: Page) -> None:
    """No WCAG 2.1 A/AA or best-practice violations found by axe-core, in the page's current state."""
    # Evaluated through the DevTools protocol, so the page's own CSP (script-src 'self') still holds.
    page.evaluate(AXE.read_text(encoding="utf-8") + ";0")
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    problems = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]]
    assert problems == [], "\n".join(problems)


def drop_files(page: Page, files: list[tuple[str, str, bytes]]) -> None:
    """A real drop: a DataTransfer holding File objects, dispatched as drag events."""
    payload = [[name, mime, base64.b64encode(data).decode()] for name, mime, data in files]
    transfer = page.evaluate_handle(
        """(files) => {
            const dt = new DataTransfer();
            for (const [name, type, b64] of files) {
                const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
                dt.items.add(new File([bytes], name, { type }));
            }
            return dt;
        }""",
        payload,
    )
    for event in ("dragenter", "dragover", "drop"):
        page.dispatch_event("#dropzone", event, {"dataTransfer": transfer})


def test_pick_files_see_pages_copy_and_export(web, browser, inputs):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(web.base_url + "/")

    page.set_input_files(
        "#file-input",
        [
            {"name": "contract.pdf", "mimeType": "application/pdf", "buffer": inputs["contract.pdf"]},
            {"name": "empty.png", "mimeType": "image/png", "buffer": b""},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just some plain text, not a document\n"},
            {"name": "receipt.png", "mimeType": "image/png", "buffer": inputs["receipt.png"]},
        ],
    )

    # Bad files get plain words at once, and never stop the good ones.
    empty = file_card(page, "empty.png")
    expect(empty).to_have_attribute("data-state", "error", timeout=30_000)
    expect(empty.locator(".file-error")).to_contain_text("empty")
    unsupported = file_card(page, "notes.txt")
    expect(unsupported).to_have_attribute("data-state", "error", timeout=30_000)
    expect(unsupported.locator(".file-error")).to_contain_text("Not a supported file type")

    wait_finished(page, "contract.pdf")
    wait_finished(page, "receipt.png")
    expect(file_card(page, "empty.png")).to_have_attribute("data-state", "error")

    contract = file_card(page, "contract.pdf")
    expect(contract.locator(".progress-text")).to_contain_text("2 of 2 pages")
    expect(contract.locator(".page")).to_have_count(2)
    expect(contract.locator(".page").nth(0).locator(".source")).to_have_text("Text layer")
    expect(contract.locator(".page").nth(1).locator(".source")).to_have_text("OCR")

    contract_texts = shown_page_texts(page, "contract.pdf")
    assert cer("\n".join(PDF_TEXT_PAGE), contract_texts[0]) < 0.01, contract_texts[0]
    assert cer("\n".join(PDF_SCAN_PAGE), contract_texts[1]) < MAX_CER, contract_texts[1]
    (receipt_text,) = shown_page_texts(page, "receipt.png")
    assert cer("\n".join(PNG_TEXT), receipt_text) < MAX_CER, receipt_text

    # The page image arrives (as a blob, so it works with a bearer key) with one box per line.
    scan_page = contract.locator(".page").nth(1)
    scan_page.scroll_into_view_if_needed()
    expect(scan_page.locator(".image-frame img")).to_have_attribute("src", re.compile(r"^blob:"), timeout=30_000)
    assert scan_page.locator(".image-frame img").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    line_count = scan_page.locator(".line").count()
    assert line_count >= len(PDF_SCAN_PAGE)
    expect(scan_page.locator(".box")).to_have_count(line_count)
    boxes_inside = scan_page.evaluate(
        """(el) => {
            const frame = el.querySelector('.image-frame').getBoundingClientRect();
            return Array.from(el.querySelectorAll('.box')).every((b) => {
                const r = b.getBoundingClientRect();
                return r.width > 4 && r.left >= frame.left - 1 && r.right <= frame.right + 1
                    && r.top >= frame.top - 1 && r.bottom <= frame.bottom + 1;
            });
        }"""
    )
    assert boxes_inside, "line boxes must lie on the page image"

    # The threshold slider flags exactly the lines the API reports below it, on the page and the image.
    job_id = page.evaluate("JSON.parse(localStorage.getItem('docpipe.jobs')).find(j => j.name === 'contract.pdf').id")
    api_pages = requests.get(f"{web.base_url}/v1/jobs/{job_id}/pages", headers=web.headers, timeout=30).json()["pages"]
    scan_confidences = [line["confidence"] for line in sorted(api_pages, key=lambda p: p["page_no"])[1]["lines"]]
    slider = page.locator("#threshold")
    for value, label in (("1", "100%"), ("0.95", "95%"), ("0", "0%")):
        slider.fill(value)
        expect(page.locator("#threshold-value")).to_have_text(label)
        expected = sum(conf < float(value) for conf in scan_confidences)
        expect(scan_page.locator(".line.low")).to_have_count(expected)
        expect(scan_page.locator(".box.low")).to_have_count(expected)
        expect(scan_page.locator(".page-stats")).to_contain_text(f"{expected} to check" if expected else "none below")
    slider.fill("0.8")
    expect(page.locator("#threshold-value")).to_have_text("80%")
    slider.blur()

    # Taken here, before any toast or hover, so the picture shows the resting page.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desktop.png"), full_page=True)

    # Hovering a line shows its confidence and lights up its box.
    first_line = scan_page.locator(".line").first
    first_line.hover()
    expect(first_line.locator(".line-conf")).to_be_visible()
    expect(first_line.locator(".line-conf")).to_have_text(re.compile(r"\d+%"))
    expect(scan_page.locator('.box[data-index="0"]')).to_have_class(re.compile(r"\bactive\b"))

    # One tab stop per page's text; arrow keys walk its lines and light up their boxes.
    assert scan_page.locator('.line[tabindex="0"]').count() == 1
    first_line.focus()
    page.keyboard.press("ArrowDown")
    expect(scan_page.locator(".line").nth(1)).to_be_focused()
    expect(scan_page.locator('.box[data-index="1"]')).to_have_class(re.compile(r"\bactive\b"))
    page.keyboard.press("End")
    expect(scan_page.locator(".line").last).to_be_focused()

    # Copy all: the clipboard holds every finished file's text.
    page.click("#copy-all")
    expect(page.locator("#toast")).to_contain_text("Copied")
    clipboard = page.evaluate("navigator.clipboard.readText()")
    expected_all = "\n".join(PDF_TEXT_PAGE + PDF_SCAN_PAGE + PNG_TEXT)
    assert cer(expected_all, clipboard) < MAX_CER, clipboard

    # Copy one page.
    contract.locator(".page").nth(0).locator("[data-action=copy-page]").click()
    assert cer("\n".join(PDF_TEXT_PAGE), page.evaluate("navigator.clipboard.readText()")) < 0.01

    # Export TXT: the downloaded file is the API's own export, and holds the known text.
    with page.expect_download() as download_info:
        contract.locator("[data-action=export][data-format=txt]").click()
    download = download_info.value
    assert download.suggested_filename == "contract.txt"
    downloaded = Path(download.path()).read_text(encoding="utf-8")
    served = requests.get(f"{web.base_url}/v1/jobs/{job_id}/result", params={"format": "txt"},
                          headers=web.headers, timeout=30)
    assert served.status_code == 200
    assert downloaded == served.text
    assert cer("\n".join(PDF_TEXT_PAGE + PDF_SCAN_PAGE), downloaded) < MAX_CER, downloaded

    # The other formats download as what they claim to be.
    with page.expect_download() as download_info:
        contract.locator("[data-action=export][data-format=json]").click()
    assert download_info.value.suggested_filename == "contract.json"
    exported = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert PDF_TEXT_PAGE[0].split()[0] in json.dumps(exported)
    with page.expect_download() as download_info:
        contract.locator("[data-action=export][data-format=pdf]").click()
    assert download_info.value.suggested_filename == "contract.pdf"
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")

    # Audited with flagged lines, error cards and finished pages all on screen.
    slider.fill("1")
    assert_accessible(page)
    slider.fill("0.8")

    # A reload keeps the list: job ids live in local storage, results come back from the API.
    page.reload()
    wait_finished(page, "contract.pdf")
    wait_finished(page, "receipt.png")
    expect(file_card(page, "contract.pdf").locator(".page")).to_have_count(2)

    assert errors == []
    context.close()


def test_drop_on_a_phone_sized_screen(web, browser, inputs):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(web.base_url + "/")

    drop_files(page, [("receipt.png", "image/png", inputs["receipt.png"]),
                      ("contract.pdf", "application/pdf", inputs["contract.pdf"]),
                      ("合同.png", "image/png", inputs["合同.png"]),
                      ("blank.pdf", "application/pdf", b"")])
    expect(page.locator("#file-list > .file")).to_have_count(4)
    expect(file_card(page, "blank.pdf").locator(".file-error")).to_contain_text("empty", timeout=30_000)
    wait_finished(page, "receipt.png")
    wait_finished(page, "contract.pdf")
    (receipt_text,) = shown_page_texts(page, "receipt.png")
    assert cer("\n".join(PNG_TEXT), receipt_text) < MAX_CER, receipt_text
    wait_finished(page, "合同.png")
    (zh_text,) = shown_page_texts(page, "合同.png")
    assert cer("\n".join(ZH_LINES), zh_text) < MAX_CER_ZH, zh_text

    # Nothing may stick out sideways at 375 px.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a phone screen"
    for name in ("receipt.png", "contract.pdf", "合同.png"):
        box = file_card(page, name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375

    # Page images load lazily as they scroll into view: scroll through, as a person would.
    images = page.locator(".page .image-frame img")
    expect(images).to_have_count(4)
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
        expect(images.nth(i)).to_have_attribute("src", re.compile(r"^blob:"), timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "phone.png"), full_page=True)
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "phone-first-screen.png"))
    assert errors == []
    context.close()


def test_keyboard_opens_picker_and_delete_purges_the_job(web, browser, inputs):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    # Listen before any key is pressed: Playwright only intercepts the picker once someone listens.
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    # The old single-image service's address still leads to the page.
    page.goto(web.base_url + "/ocr/webui")
    assert page.url == web.base_url + "/"
    expect(page).to_have_title(re.compile("docpipe"))

    # The drop zone is reached by keyboard (the first stop after the skip link and the language switch)
    # and opens the file picker.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#lang-switch")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#dropzone")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(100):
        if choosers:
            break
        page.wait_for_timeout(100)
    assert choosers, "Enter on the drop zone must open the file picker"
    chooser = choosers[0]
    assert chooser.is_multiple()
    chooser.set_files([{"name": "receipt.png", "mimeType": "image/png", "buffer": inputs["receipt.png"]}])
    wait_finished(page, "receipt.png")
    job_id = page.evaluate("JSON.parse(localStorage.getItem('docpipe.jobs'))[0].id")
    assert requests.get(f"{web.base_url}/v1/jobs/{job_id}", headers=web.headers, timeout=30).status_code == 200

    # Delete asks for a second press, then the job is gone from the server and the list.
    delete = file_card(page, "receipt.png").locator("[data-action=delete]")
    delete.focus()
    page.keyboard.press("Enter")
    expect(delete).to_have_text("Click again to delete")
    page.keyboard.press("Enter")
    expect(page.locator("#file-list > .file")).to_have_count(0)
    expect(page.locator("#announcer")).to_contain_text("Deleted receipt.png")
    assert requests.get(f"{web.base_url}/v1/jobs/{job_id}", headers=web.headers, timeout=30).status_code == 404
    assert page.evaluate("localStorage.getItem('docpipe.jobs')") == "[]"
    context.close()


def test_api_key_is_asked_once_and_kept(web_with_auth, browser, inputs):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(web_with_auth.base_url + "/")

    # Two files at once answer 401 together: one dialog asks for the key, both then go through.
    page.set_input_files("#file-input", [
        {"name": "receipt.png", "mimeType": "image/png", "buffer": inputs["receipt.png"]},
        {"name": "empty.png", "mimeType": "image/png", "buffer": b""},
    ])
    dialog = page.locator("#key-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#key-input")).to_be_focused()
    page.fill("#key-input", "dp_not-a-real-key")
    page.click("#key-dialog button[value=save]")
    # A wrong key is refused and the dialog says so.
    expect(page.locator("#key-title")).to_have_text("That API key was not accepted")
    page.fill("#key-input", web_with_auth.key)
    page.click("#key-dialog button[value=save]")
    expect(dialog).to_be_hidden()

    wait_finished(page, "receipt.png")
    expect(file_card(page, "empty.png").locator(".file-error")).to_contain_text("empty")
    assert page.evaluate("localStorage.getItem('docpipe.apiKey')") == web_with_auth.key
    scan = file_card(page, "receipt.png").locator(".page").first
    expect(scan.locator(".image-frame img")).to_have_attribute("src", re.compile(r"^blob:"), timeout=30_000)

    # After a reload the kept key is used without asking; the job is the caller's own.
    page.reload()
    wait_finished(page, "receipt.png")
    expect(dialog).to_be_hidden()
    job_id = page.evaluate("JSON.parse(localStorage.getItem('docpipe.jobs'))[0].id")
    assert requests.get(f"{web_with_auth.base_url}/v1/jobs/{job_id}", timeout=30).status_code == 401
    assert requests.get(f"{web_with_auth.base_url}/v1/jobs/{job_id}", headers=web_with_auth.headers,
                        timeout=30).status_code == 200
    context.close()


def encrypted_pdf() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="user", owner_pw="owner")


def test_refused_files_say_why_in_plain_words(web_small_uploads, browser, inputs):
    big = encode_png(np.random.default_rng(7).integers(0, 256, (400, 400), dtype=np.uint8))
    assert len(big) > 100_000
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(web_small_uploads.base_url + "/")
    page.set_input_files("#file-input", [
        {"name": "huge-scan.png", "mimeType": "image/png", "buffer": big},
        {"name": "locked.pdf", "mimeType": "application/pdf", "buffer": encrypted_pdf()},
        {"name": "receipt.png", "mimeType": "image/png", "buffer": inputs["receipt.png"]},
    ])
    expect(file_card(page, "huge-scan.png").locator(".file-error")).to_contain_text("Too big", timeout=30_000)
    expect(file_card(page, "locked.pdf").locator(".file-error")).to_contain_text("password-protected", timeout=30_000)
    wait_finished(page, "receipt.png")
    # Said to screen readers too, not only shown.
    expect(page.locator("#announcer")).not_to_be_empty()
    context.close()


def test_network_down_then_back(web, browser, inputs):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(web.base_url + "/")
    context.set_offline(True)
    page.set_input_files("#file-input", [{"name": "receipt.png", "mimeType": "image/png", "buffer": inputs["receipt.png"]}])
    card = file_card(page, "receipt.png")
    expect(card.locator(".progress-text")).to_contain_text("Connection problem", timeout=10_000)
    context.set_offline(False)
    # The upload is retried by itself once the network is back; nothing is lost.
    wait_finished(page, "receipt.png")
    expect(card.locator(".file-error")).to_be_hidden()
    context.close()


def test_pages_appear_while_the_job_runs(web, browser):
    # Pages heavy enough (30 lines each: 0.46 s on a quiet core of the fastest machine seen
    # here, one worker process) that the 1 s poll sees the job running with some pages done.
    # With 12 lines a page (0.21 s there) the whole job could end between two polls.
    truth = [(EN_TEXT * 12)[i:i + 30] for i in range(0, 240, 30)]
    scans = [render_text_image(lines, size_px=30, width=1654, margin=80) for lines in truth]
    pdf = make_pdf([{"image": img, "dpi": 200} for img in scans])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(web.base_url + "/")
    page.set_input_files("#file-input", [{"name": "eight-pages.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    card = file_card(page, "eight-pages.pdf")
    # Some page is shown, read, while the job as a whole is still running.
    page.wait_for_function(
        """() => {
            const card = [...document.querySelectorAll('#file-list > .file')]
                .find((c) => c.querySelector('.file-name').textContent === 'eight-pages.pdf');
            return card && card.dataset.state === 'running'
                && card.querySelector('.page[data-status="succeeded"] .line') !== null;
        }""",
        timeout=JOB_TIMEOUT_MS,
    )
    progress = card.locator("progress")
    assert 0 < float(progress.get_attribute("value")) < 8
    wait_finished(page, "eight-pages.pdf")
    expect(card.locator('.page[data-status="succeeded"]')).to_have_count(8)
    texts = shown_page_texts(page, "eight-pages.pdf")
    assert cer("\n".join(line for page in truth for line in page), "\n".join(texts)) < MAX_CER
    context.close()
