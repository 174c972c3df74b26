"""``python -m pipeline`` as a user runs it: text, JSON, page ranges, errors."""
import json
import subprocess
import sys

import pytest

from tests.factories import EN_TEXT, ZH_TEXT, cer, encode_png, make_pdf, render_text_image


def run(*args, timeout=180):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    pdf = d / "mixed.pdf"
    pdf.write_bytes(make_pdf([{"text": EN_TEXT[:6]}, {"image": render_text_image(ZH_TEXT[:6], font="cjk"), "dpi": 200},
                              {"text": ["third page"]}]))
    png = d / "en.png"
    png.write_bytes(encode_png(render_text_image(EN_TEXT[:5])))
    empty = d / "empty.png"
    empty.write_bytes(b"")
    return {"pdf": pdf, "png": png, "empty": empty}


def test_plain_text_of_two_files(files):
    done = run(files["png"], files["pdf"], "--threads", "2")
    assert done.returncode == 0, done.stderr
    pages = done.stdout.split("\f\n")
    assert len(pages) == 4 and pages[3].strip() == "third page"
    assert cer("\n".join(EN_TEXT[:5]), pages[0]) <= 0.01
    assert cer("\n".join(EN_TEXT[:6]), pages[1]) == 0.0  # text layer
    assert cer("\n".join(ZH_TEXT[:6]), pages[2]) <= 0.02


def test_json_output(files):
    done = run("--json", "--mode", "ocr", "--pages", "2", "--dpi", "150", files["pdf"])
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    [page] = doc["pages"]
    assert page["page_no"] == 2 and page["source"] == "ocr" and page["dpi"] == 150
    assert page["file"] == str(files["pdf"])
    assert {"text", "confidence", "lines", "timings", "models", "width", "height"} <= set(page)
    assert page["lines"] and {"text", "confidence", "box"} <= set(page["lines"][0])
    assert cer("\n".join(ZH_TEXT[:6]), page["text"]) <= 0.02


def test_errors_go_to_stderr_with_code(files, tmp_path):
    done = run(files["empty"], files["png"])
    assert done.returncode == 1
    assert "empty_file" in done.stderr and str(files["empty"]) in done.stderr
    assert cer("\n".join(EN_TEXT[:5]), done.stdout) <= 0.01  # the good file is still read
    bad = tmp_path / "notes.txt"
    bad.write_text("plain text")
    done = run(bad)
    assert done.returncode == 1 and "error: unsupported_type" in done.stderr and done.stdout == ""


def test_bad_arguments(files):
    done = run("--pages", "9", files["pdf"])
    assert done.returncode == 1 and "invalid_pages" in done.stderr
    done = run("--pages", "x", files["pdf"])
    assert done.returncode == 2 and "invalid_option" in done.stderr
    done = run("--mode", "fast", files["pdf"])
    assert done.returncode == 2


def test_extract_invoice_fields_from_a_pdf_and_an_ofd(tmp_path):
    from decimal import Decimal

    from pipeline.invoice.numbers import to_chinese_capital
    from tests.invoice_factories import make_western, valid_uscc, western_spec
    from tests.ofd_factory import chinese_e_invoice

    pdf, truth = make_western(western_spec(3, "de"), "de")
    (tmp_path / "rechnung.pdf").write_bytes(pdf)
    (tmp_path / "fapiao.ofd").write_bytes(chinese_e_invoice(
        "24112000000012345678", "2024年06月18日", "上海明达贸易有限公司", valid_uscc(3), "北京云图科技有限公司",
        valid_uscc(4), "1000.00", "60.00", "1060.00", to_chinese_capital(Decimal("1060"))))
    letter = tmp_path / "letter.png"
    letter.write_bytes(encode_png(render_text_image(["Dear Ms Keller,", "the river rises in the hills."])))
    done = run("--json", "--extract", "invoice", tmp_path / "rechnung.pdf", tmp_path / "fapiao.ofd", letter)
    assert done.returncode == 0, done.stderr
    docs = {d["file"].rsplit("/", 1)[-1]: d for d in json.loads(done.stdout)["documents"]}
    assert set(docs) == {"rechnung.pdf", "fapiao.ofd", "letter.png"}
    de = docs["rechnung.pdf"]
    assert {k: de["fields"][k]["value"] for k in ("invoice_number", "total_amount", "currency")} == \
        {k: truth[k] for k in ("invoice_number", "total_amount", "currency")}
    assert de["needs_review"] is False and {c["name"] for c in de["checks"]} >= {"totals_add_up", "iban_valid"}
    zh = docs["fapiao.ofd"]["fields"]
    assert (zh["document_type"]["value"], zh["total_amount"]["value"]) == ("cn_vat_electronic", "1060.00")
    assert docs["letter.png"]["fields"]["document_type"]["value"] == "other"
    plain = run("--extract", "invoice", tmp_path / "rechnung.pdf")
    assert f"invoice_number: {truth['invoice_number']}" in plain.stdout and "needs_review: false" in plain.stdout
