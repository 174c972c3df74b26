"""OFD input (China's e-invoice format): read through the PDF it becomes; hostile packages refused."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from pipeline import Limits, Options, open_document, read_text_layer
from pipeline.errors import CorruptFileError, TooManyPagesError, UnsupportedTypeError
from pipeline.ingest import sniff
from pipeline.invoice import extract_invoice
from pipeline.invoice.numbers import to_chinese_capital
from pipeline.render import render_page
from tests.invoice_factories import valid_uscc
from tests.ofd_factory import chinese_e_invoice, make_ofd


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_an_ofd_is_read_with_its_text_where_it_stands():
    data = make_ofd([[(20, 30, "第一页 Page one", 5)], [(20, 30, "第二页", 5), (20, 60, "Second line", 4)]])
    assert sniff(data) == "ofd"
    with open_document(data, Limits()) as doc:
        assert (doc.kind, doc.source_kind, doc.page_count) == ("pdf", "ofd", 2)
        first = read_text_layer(doc, 1, Options())
        second = read_text_layer(doc, 2, Options())
        assert first.text == "第一页 Page one"
        assert [line.text for line in second.lines] == ["第二页", "Second line"]
        # 20 mm from the left at 200 DPI is about 157 px; the baseline 30 mm down is about 236 px.
        x0, y0, _, y1 = first.lines[0].box
        assert 150 < x0 < 165 and y0 < 236 < y1 + 5
        assert render_page(doc, 1, 100).image.min() < 128  # the page renders, with ink on it


def test_spaced_characters_and_a_template_page_come_out_as_text():
    data = make_ofd([[(60, 20, "ABC123", 4, 3.0)]], template=[(10, 20, "发票号码：", 4)])
    with open_document(data, Limits()) as doc:
        page = read_text_layer(doc, 1, Options())
    texts = [line.text for line in page.lines]
    assert "发票号码：" in texts and "ABC123" in texts


def test_fields_of_a_chinese_electronic_invoice_in_ofd():
    total = Decimal("1060.00")
    data = chinese_e_invoice("24112000000012345678", "2024年06月18日", "上海明达贸易有限公司", valid_uscc(3),
                             "北京云图科技有限公司", valid_uscc(4), "1000.00", "60.00", str(total),
                             to_chinese_capital(total))
    with open_document(data, Limits()) as doc:
        pages = [read_text_layer(doc, n, Options()) for n in doc.select(None)]
    result = extract_invoice(pages)
    expect = {"document_type": "cn_vat_electronic", "invoice_number": "24112000000012345678",
              "issue_date": "2024-06-18", "currency": "CNY", "buyer_name": "上海明达贸易有限公司",
              "buyer_tax_id": valid_uscc(3), "seller_name": "北京云图科技有限公司", "seller_tax_id": valid_uscc(4),
              "net_amount": "1000.00", "tax_amount": "60.00", "total_amount": "1060.00"}
    assert {k: result.value(k) for k in expect} == expect
    assert result.value("buyer_address") is None  # nothing printed there, nothing invented
    assert {c.name: c.status for c in result.checks}["amount_in_words"] == "passed"
    assert not result.needs_review


def test_a_zip_that_is_no_ofd_is_an_unsupported_type():
    with pytest.raises(UnsupportedTypeError):
        open_document(_zip({"word/document.xml": b"<w/>"}), Limits())


@pytest.mark.parametrize("files, words", [
    ({"OFD.xml": b"<not xml"}, "well-formed"),
    ({"OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'}, "DocRoot"),
    ({"OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
                 b'</ofd:DocRoot></ofd:DocBody></ofd:OFD>'}, "lacks"),
])
def test_a_broken_ofd_is_a_corrupt_file(files, words):
    with pytest.raises(CorruptFileError, match=words):
        open_document(_zip(files), Limits())


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", b"<x/>")
        z.writestr("Doc_0/huge.bin", b"\0" * (65 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < 1024 * 1024
    with pytest.raises(CorruptFileError, match="ZIP bomb"):
        open_document(data, Limits())


def test_an_ofd_with_more_pages_than_allowed_is_refused():
    data = make_ofd([[(10, 10, f"page {i}", 4)] for i in range(5)])
    with pytest.raises(TooManyPagesError):
        open_document(data, Limits(max_pages=4))


def test_xml_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = make_ofd([[(20, 30, "PLACEHOLDER", 5)]])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        files = {n: z.read(n) for n in z.namelist()}
    page = files["Doc_0/Pages/Page_0/Content.xml"].decode()
    page = page.replace('<?xml version="1.0" encoding="UTF-8"?>',
                        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE p [<!ENTITY x SYSTEM "file://{secret}">]>')
    files["Doc_0/Pages/Page_0/Content.xml"] = page.replace("PLACEHOLDER", "before &x; after").encode()
    with open_document(_zip(files), Limits()) as doc:
        text = read_text_layer(doc, 1, Options(mode="text")).text
    assert "before" in text and "TOP-SECRET" not in text


def test_the_bulk_client_knows_an_ofd_by_its_first_kilobyte():
    from client.sniff import sniff_kind

    assert sniff_kind(make_ofd([[(10, 10, "x", 4)]])[:1024]) == "ofd"
    assert sniff_kind(_zip({"word/document.xml": b"<w/>"})[:1024]) is None
