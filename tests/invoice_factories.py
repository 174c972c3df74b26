"""Invoices with known fields, made by the tests: Western layouts in four languages and the Chinese VAT form.

Each ``make_*`` returns ``(pdf_bytes, truth)``; ``truth`` holds the
normalized values extraction must give (ISO dates, decimal strings, ISO
4217 codes). Tax ids and IBANs are valid by their check digits unless a
test asks for a broken one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pymupdf
from schwifty import IBAN
from stdnum.cn import uscc
from stdnum.eu import vat

from pipeline.invoice.numbers import to_chinese_capital
from tests.factories import font_path

CENT = Decimal("0.01")


def valid_de_vat(seed: int) -> str:
    base = f"DE{10_000_000 + seed * 7919 % 89_999_999:08d}"
    return next(base + str(d) for d in range(10) if vat.is_valid(base + str(d)))


def valid_uscc(seed: int) -> str:
    body = f"9111010{seed % 10}MA0{seed % 7}{seed * 37 % 100000:05d}X"[:17]
    body = body.replace("I", "1").replace("O", "0")
    return body + uscc.calc_check_digit(body)


def valid_iban(seed: int) -> str:
    return str(IBAN.generate("DE", bank_code="37040044", account_code=f"{532013000 + seed:010d}").compact)


@dataclass
class Item:
    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = "pcs"

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT)


@dataclass
class InvoiceSpec:
    number: str
    issue: date
    due: date | None
    seller: str
    seller_address: str
    seller_tax_id: str
    buyer: str
    buyer_address: str
    buyer_tax_id: str | None
    items: list[Item]
    rate: Decimal = Decimal("19")
    currency: str = "EUR"
    iban: str | None = None
    po: str | None = None
    code: str | None = None  # 发票代码
    check_code: str | None = None  # 校验码
    wrong_total: Decimal | None = None  # print a total that does not add up
    extra: dict = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal(0))

    @property
    def tax(self) -> Decimal:
        return (self.net * self.rate / 100).quantize(CENT)

    @property
    def total(self) -> Decimal:
        return self.wrong_total if self.wrong_total is not None else self.net + self.tax

    def truth(self) -> dict[str, str | None]:
        return {
            "invoice_number": self.number, "issue_date": self.issue.isoformat(),
            "due_date": self.due.isoformat() if self.due else None, "currency": self.currency,
            "seller_name": self.seller, "seller_tax_id": self.seller_tax_id, "buyer_name": self.buyer,
            "buyer_tax_id": self.buyer_tax_id, "net_amount": str(self.net.quantize(CENT)),
            "tax_amount": str(self.tax), "total_amount": str(self.total.quantize(CENT)),
            "iban": self.iban, "purchase_order": self.po, "invoice_code": self.code, "check_code": self.check_code,
        }


# Labels and number/date conventions per language.
STYLES = {
    "en": {"title": "INVOICE", "number": "Invoice No.", "date": "Invoice Date", "due": "Due Date", "po": "PO Number",
           "bill_to": "Bill To", "vat": "VAT ID", "cols": ("Description", "Qty", "Unit Price", "Amount"),
           "net": "Subtotal", "tax": "VAT {rate}%", "total": "Total Due", "iban": "IBAN",
           "fmt": lambda d: f"{d:,.2f}", "datefmt": lambda d: d.strftime("%B %d, %Y").replace(" 0", " ")},
    "de": {"title": "RECHNUNG", "number": "Rechnungsnummer", "date": "Rechnungsdatum", "due": "Zahlbar bis",
           "po": "Bestellnummer", "bill_to": "Rechnungsempfänger", "vat": "USt-IdNr.",
           "cols": ("Bezeichnung", "Menge", "Einzelpreis", "Betrag"), "net": "Nettobetrag", "tax": "MwSt. {rate}%",
           "total": "Gesamtbetrag", "iban": "IBAN",
           "fmt": lambda d: f"{d:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."),
           "datefmt": lambda d: d.strftime("%d.%m.%Y")},
    "fr": {"title": "FACTURE", "number": "Numéro de facture", "date": "Date de facture", "due": "Date d'échéance",
           "po": "Bon de commande", "bill_to": "Facturé à", "vat": "N° TVA",
           "cols": ("Désignation", "Quantité", "Prix unitaire", "Montant"), "net": "Total HT",
           "tax": "TVA {rate}%", "total": "Total TTC", "iban": "IBAN",
           "fmt": lambda d: f"{d:,.2f}".replace(",", " ").replace(".", ","),
           "datefmt": lambda d: d.strftime("%d/%m/%Y")},
    "nl": {"title": "FACTUUR", "number": "Factuurnummer", "date": "Factuurdatum", "due": "Vervaldatum",
           "po": "Bestelnummer", "bill_to": "Factuur aan", "vat": "BTW-nummer",
           "cols": ("Omschrijving", "Aantal", "Prijs", "Bedrag"), "net": "Subtotaal", "tax": "BTW {rate}%",
           "total": "Totaal", "iban": "IBAN",
           "fmt": lambda d: f"{d:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."),
           "datefmt": lambda d: d.strftime("%d-%m-%Y")},
}
SYMBOL = {"EUR": "€", "USD": "$", "GBP": "£", "CNY": "¥"}


def western_spec(seed: int, lang: str = "en", currency: str = "EUR") -> InvoiceSpec:
    items = [Item(f"Consulting service {k + 1}", Decimal(seed % 5 + k + 1), Decimal(f"{120 + 13 * k + seed}.50"))
             for k in range(2 + seed % 3)]
    return InvoiceSpec(
        number=f"INV-{2024}-{1000 + seed}", issue=date(2024, 1 + seed % 12, 1 + seed % 27),
        due=date(2024, 1 + seed % 12, 28), seller=f"Nordlicht Software GmbH {seed}",
        seller_address="Hauptstraße 12, 10115 Berlin", seller_tax_id=valid_de_vat(seed),
        buyer=f"Acme Trading Ltd {seed}", buyer_address="5 Market Street, Dublin", buyer_tax_id=valid_de_vat(seed + 1),
        items=items, currency=currency, iban=valid_iban(seed), po=f"PO-{77000 + seed}",
    )


def make_western(spec: InvoiceSpec, lang: str = "en") -> tuple[bytes, dict]:
    st = STYLES[lang]
    fmt = st["fmt"]
    sym = SYMBOL.get(spec.currency, spec.currency)
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)

    # DejaVu Sans, embedded: the base-14 Helvetica would lose "€" from the text layer.
    font_file = str(font_path("sans"))
    page.insert_font(fontname="dejavu", fontfile=font_file)
    font = pymupdf.Font(fontfile=font_file)

    def put(x: float, y: float, text: str, size: float = 10, right: bool = False) -> None:
        if right:
            x -= font.text_length(text, fontsize=size)
        page.insert_text((x, y), text, fontname="dejavu", fontsize=size)

    put(50, 60, spec.seller, 14)
    put(50, 76, spec.seller_address, 9)
    put(50, 88, f"{st['vat']}: {spec.seller_tax_id}", 9)
    put(400, 60, st["title"], 18)
    put(50, 140, f"{st['bill_to']}:", 10)
    put(50, 154, spec.buyer)
    put(50, 168, spec.buyer_address)
    if spec.buyer_tax_id:
        put(50, 182, f"{st['vat']}: {spec.buyer_tax_id}")
    meta = [(st["number"], spec.number), (st["date"], st["datefmt"](spec.issue))]
    if spec.due:
        meta.append((st["due"], st["datefmt"](spec.due)))
    if spec.po:
        meta.append((st["po"], spec.po))
    for k, (label, value) in enumerate(meta):
        put(330, 140 + 14 * k, f"{label}:")
        put(545, 140 + 14 * k, value, right=True)
    y = 240
    xs = (50, 330, 430, 545)
    for k, head in enumerate(st["cols"]):
        put(xs[k], y, head, 10, right=k > 0)
    page.draw_line((50, y + 4), (545, y + 4))
    for item in spec.items:
        y += 18
        put(xs[0], y, item.description)
        put(xs[1], y, str(item.quantity), right=True)
        put(xs[2], y, fmt(item.unit_price), right=True)
        put(xs[3], y, fmt(item.amount), right=True)
    page.draw_line((50, y + 6), (545, y + 6))
    y += 26
    for label, value in ((st["net"], spec.net), (st["tax"].format(rate=spec.rate.normalize()), spec.tax),
                         (st["total"], spec.total)):
        put(330, y, f"{label}:")
        put(545, y, f"{fmt(value)} {spec.currency}" if lang != "en" else f"{sym}{fmt(value)}", right=True)
        y += 16
    if spec.iban:
        put(50, 780, f"{st['iban']}: {' '.join(spec.iban[i:i + 4] for i in range(0, len(spec.iban), 4))}", 9)
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data, spec.truth()


def cn_spec(seed: int) -> InvoiceSpec:
    items = [Item(f"*信息技术服务*软件开发{k + 1}", Decimal(k + 1 + seed % 3), Decimal(f"{300 + 7 * k + seed}.00"), "项")
             for k in range(1 + seed % 3)]
    return InvoiceSpec(
        number=f"{12345678 + seed:08d}", issue=date(2024, 1 + seed % 12, 1 + seed % 27), due=None,
        seller=f"北京云图科技有限公司{seed}", seller_address="北京市海淀区中关村大街1号 010-88886666",
        seller_tax_id=valid_uscc(seed), buyer=f"上海明达贸易有限公司{seed}",
        buyer_address="上海市浦东新区世纪大道100号 021-66668888", buyer_tax_id=valid_uscc(seed + 3),
        items=items, rate=Decimal("13"), currency="CNY", code=f"0{31002300000 + seed}",
        check_code=f"{(seed * 7919) % 10**20:020d}",
    )


def make_chinese_vat(spec: InvoiceSpec, kind: str = "增值税专用发票") -> tuple[bytes, dict]:
    """The layout of the real form: title, code/number/date/check code top right, 购买方 block,
    the goods table, 合计, 价税合计 (大写)/(小写), 销售方 block."""
    doc = pymupdf.open()
    page = doc.new_page(width=842, height=595)

    def put(x: float, y: float, text: str, size: float = 10) -> None:
        page.insert_text((x, y), text, fontname="china-s", fontsize=size)

    put(320, 50, kind, 18)
    put(600, 40, f"发票代码：{spec.code}")
    put(600, 56, f"发票号码：{spec.number}")
    put(600, 72, f"开票日期：{spec.issue.year}年{spec.issue.month:02d}月{spec.issue.day:02d}日")
    put(600, 88, f"校验码：{spec.check_code}")
    page.draw_rect((40, 100, 800, 530))
    for y0, marker, name, tax_id, address in ((110, "购买方", spec.buyer, spec.buyer_tax_id, spec.buyer_address),
                                               (420, "销售方", spec.seller, spec.seller_tax_id, spec.seller_address)):
        put(50, y0 + 14, marker)
        put(100, y0 + 14, f"名        称：{name}")
        put(100, y0 + 30, f"纳税人识别号：{tax_id}")
        put(100, y0 + 46, f"地 址、电 话：{address}")
        put(100, y0 + 62, "开户行及账号：中国工商银行北京分行 0200001234567890123")
    y = 200
    cols = (("货物或应税劳务、服务名称", 50), ("单位", 300), ("数量", 360), ("单价", 430), ("金额", 520),
            ("税率", 610), ("税额", 680))
    for head, x in cols:
        put(x, y, head)
    for item in spec.items:
        y += 18
        tax = (item.amount * spec.rate / 100).quantize(CENT)
        for text, x in ((item.description, 50), (item.unit, 300), (str(item.quantity), 360),
                        (f"{item.unit_price:.2f}", 430), (f"{item.amount:.2f}", 520),
                        (f"{spec.rate.normalize()}%", 610), (f"{tax:.2f}", 680)):
            put(x, y, text)
    item_tax = sum(((i.amount * spec.rate / 100).quantize(CENT) for i in spec.items), Decimal(0))
    spec.extra["item_tax"] = item_tax
    put(50, 360, "合        计")
    put(520, 360, f"¥{spec.net:.2f}")
    put(680, 360, f"¥{item_tax:.2f}")
    total = spec.net + item_tax if spec.wrong_total is None else spec.wrong_total
    put(50, 390, f"价税合计（大写）  ⊗{to_chinese_capital(spec.net + item_tax)}")
    put(560, 390, f"（小写）¥{total:.2f}")
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    truth = spec.truth()
    truth["tax_amount"] = f"{item_tax:.2f}"
    truth["total_amount"] = f"{total:.2f}"
    truth["total_amount_in_words"] = to_chinese_capital(spec.net + item_tax)
    return data, truth


def make_facturx(spec: InvoiceSpec, visible_pdf: bytes) -> bytes:
    """``visible_pdf`` with the invoice's Factur-X (EN 16931) XML attached, made by the factur-x library."""
    import facturx

    data = {
        "BT-1": spec.number, "BT-2": spec.issue, "BT-3": "380", "BT-5": spec.currency, "BT-13": spec.po,
        "BG-4": {"name": spec.seller, "vat_identifier": spec.seller_tax_id, "country_code": "DE",
                 "addr_l1": "Hauptstraße 12", "postcode": "10115", "city": "Berlin"},
        "BG-7": {"name": spec.buyer, "vat_identifier": spec.buyer_tax_id, "country_code": "IE", "city": "Dublin"},
        "BT-72": spec.issue, "BT-81": "58", "BT-84": spec.iban,
        "BG-25": [{"BT-126": str(k + 1), "BT-153": it.description, "BT-129": str(it.quantity), "BT-130": "C62",
                   "BT-146": str(it.unit_price), "BT-131": str(it.amount), "BT-151": "S",
                   "BT-152": str(spec.rate)} for k, it in enumerate(spec.items)],
        "BG-23": [{"BT-116": str(spec.net), "BT-117": str(spec.tax), "BT-118": "S", "BT-119": str(spec.rate)}],
        "BT-106": str(spec.net), "BT-109": str(spec.net), "BT-110": str(spec.tax),
        "BT-112": str(spec.net + spec.tax), "BT-115": str(spec.net + spec.tax),
    }
    if spec.due:
        data["BT-9"] = spec.due
    xml = facturx.generate_cii_xml(data, level="en16931", check_xsd=True, check_schematron=False)
    return facturx.generate_from_binary(visible_pdf, xml, check_xsd=True)
