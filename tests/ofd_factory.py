"""OFD files (GB/T 33190) written by the tests, with known text at known places.

``make_ofd(pages, template=...)`` writes the ZIP an OFD reader sees: OFD.xml,
a Document.xml listing the pages, a public resource file with the font,
one Content.xml per page and, optionally, a template page drawn under every
page (where e-invoices keep the form's labels). Units are millimetres from
the top left; a text item is ``(x, y_baseline, text, size_mm)`` and may
space its characters (``DeltaX``) as forms do.
"""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
Text = tuple  # (x_mm, baseline_mm, text, size_mm[, delta_x_mm])


def _text_objects(items: list[Text], first_id: int) -> str:
    out = []
    for k, item in enumerate(items):
        x, y, text, size = item[:4]
        delta = item[4] if len(item) > 4 else None
        width = (delta or size) * len(text) + size
        delta_attr = f' DeltaX="g {len(text) - 1} {delta}"' if delta and len(text) > 1 else ""
        out.append(
            f'<ofd:TextObject ID="{first_id + k}" Boundary="{x} {y - size} {width} {size * 1.4}" Font="1" Size="{size}">'
            f'<ofd:TextCode X="0" Y="{size}"{delta_attr}>{escape(text)}</ofd:TextCode></ofd:TextObject>')
    return "".join(out)


def _page_xml(items: list[Text], lines: list[tuple[float, float, float, float]], first_id: int,
              template: bool) -> str:
    paths = "".join(
        f'<ofd:PathObject ID="{first_id + 500 + k}" Boundary="0 0 210 140" LineWidth="0.25">'
        f'<ofd:AbbreviatedData>M {x0} {y0} L {x1} {y1}</ofd:AbbreviatedData></ofd:PathObject>'
        for k, (x0, y0, x1, y1) in enumerate(lines))
    tpl = '<ofd:Template TemplateID="90" ZOrder="Background"/>' if template else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}">{tpl}'
            f'<ofd:Area><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:Area>'
            f'<ofd:Content><ofd:Layer ID="{first_id - 1}">{_text_objects(items, first_id)}{paths}</ofd:Layer>'
            f'</ofd:Content></ofd:Page>')


def make_ofd(pages: list[list[Text]], template: list[Text] | None = None,
             rules: list[tuple[float, float, float, float]] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.1" '
                              f'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo>'
                              f'<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        page_refs = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        tpl_ref = '<ofd:TemplatePage ID="90" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template else ""
        z.writestr("Doc_0/Document.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
                   f'<ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox>'
                   f'</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>{tpl_ref}</ofd:CommonData>'
                   f'<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>')
        z.writestr("Doc_0/PublicRes.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
                   f'<ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
        if template:
            z.writestr("Doc_0/Tpls/Tpl_0/Content.xml", _page_xml(template, list(rules), 200, template=False))
        for i, items in enumerate(pages):
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", _page_xml(items, [], 100 + 100 * i, template=bool(template)))
    return buf.getvalue()


def chinese_e_invoice(number: str, issue: str, buyer: str, buyer_id: str, seller: str, seller_id: str,
                      net: str, tax: str, total: str, total_words: str) -> bytes:
    """An electronic invoice laid out as the real ones: the form's labels in the template, values on the page."""
    labels = [
        (75, 12, "电子发票（普通发票）", 6),
        (140, 22, "发票号码：", 3), (140, 28, "开票日期：", 3),
        (8, 40, "购买方", 3.5), (30, 40, "名称：", 3), (30, 47, "统一社会信用代码/纳税人识别号：", 3),
        (8, 100, "销售方", 3.5), (30, 100, "名称：", 3), (30, 107, "统一社会信用代码/纳税人识别号：", 3),
        (10, 60, "项目名称", 3), (100, 60, "数量", 3), (130, 60, "金额", 3), (160, 60, "税率", 3), (180, 60, "税额", 3),
        (10, 80, "合", 3), (25, 80, "计", 3),
        (10, 90, "价税合计（大写）", 3), (130, 90, "（小写）", 3),
    ]
    values = [
        (155, 22, number, 3, 1.9), (155, 28, issue, 3),
        (42, 40, buyer, 3), (85, 47, buyer_id, 3, 1.9),
        (42, 100, seller, 3), (85, 107, seller_id, 3, 1.9),
        (10, 67, "*软件*技术服务费", 3), (100, 67, "1", 3), (130, 67, net, 3), (160, 67, "6%", 3), (180, 67, tax, 3),
        (130, 80, f"¥{net}", 3), (180, 80, f"¥{tax}", 3),
        (42, 90, total_words, 3), (145, 90, f"¥{total}", 3),
    ]
    return make_ofd([values], template=labels, rules=[(5, 35, 205, 35), (5, 55, 205, 55), (5, 95, 205, 95)])
