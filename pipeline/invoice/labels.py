"""The words invoices print before their values, in Chinese, English, German, French and Dutch.

Each field has a list of labels, most specific first: "Total excl. VAT"
must be tried before "Total". Chinese forms often space their labels
(``名 称``), so white space may stand between the characters of a Chinese label.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

LABELS: dict[str, tuple[str, ...]] = {
    "invoice_number": (
        "发票号码", "invoice number", "invoice no", "invoice #", "invoice nr", "rechnungsnummer", "rechnung nr",
        "rechnungs-nr", "numéro de facture", "facture n°", "facture no", "n° de facture", "factuurnummer",
        "factuur nr", "receipt no", "receipt number", "credit note no", "gutschrift nr", "belegnummer", "beleg-nr",
        "beleg nr", "invoice",
    ),
    "invoice_code": ("发票代码",),
    "issue_date": (
        "开票日期", "invoice date", "date of issue", "issue date", "rechnungsdatum", "ausstellungsdatum",
        "date de facture", "date d'émission", "date de la facture", "factuurdatum", "belegdatum", "beleg-datum", "datum",
        "date",
    ),
    # Dates that are not the issue date: named so that their "date" / "Datum" is not taken for it.
    "other_date": (
        "delivery date", "date of delivery", "service date", "order date", "date de livraison",
        "date de facture associée", "date de début de prestation", "date de fin de prestation", "date de commande",
        "liefer- und leistungsdatum", "lieferdatum", "leistungsdatum", "bestelldatum", "leverdatum",
        "leveringsdatum", "besteldatum",
    ),
    "due_date": (
        "due date", "payment due", "pay by", "fällig am", "fälligkeitsdatum", "zahlbar bis", "date d'échéance",
        "échéance", "fälligkeit", "vervaldatum", "uiterste betaaldatum",
    ),
    "purchase_order": (
        "purchase order", "po number", "po no", "order number", "bestellnummer", "ihre bestellung",
        "bon de commande", "n° de commande", "bestellung nr", "bestell-nr", "bestelnummer", "订单号",
    ),
    "payment_terms": ("payment terms", "terms", "zahlungsbedingungen", "conditions de paiement", "betalingsvoorwaarden"),
    "net_amount": (
        "total excl. vat", "total excluding vat", "total excl vat", "net amount", "net total", "subtotal", "sub-total",
        "amount excl", "rechnungssumme ohne ust", "rechnungssumme netto", "summe ohne ust", "nettosumme", "gesamtbetrag netto", "nettobetrag", "summe netto", "zwischensumme", "netto", "total ht", "montant ht", "sous-total",
        "totaal excl. btw", "subtotaal", "bedrag excl", "合计",
    ),
    "tax_amount": (
        "total vat", "vat amount", "tax amount", "total tax", "total tva", "total mwst", "totaal btw",
        "steuerbetrag", "mwst-betrag", "umsatzsteuerbetrag", "sales tax", "vat", "tax", "mwst", "umsatzsteuer", "ust", "montant tva",
        "tva", "btw-bedrag", "btw", "税额",
    ),
    "total_amount": (
        "价税合计", "total amount due", "amount due", "total due", "balance due", "grand total", "invoice total",
        "total incl. vat", "total including vat", "rechnungssumme brutto", "bruttosumme", "gesamtbetrag brutto", "gesamtbetrag", "rechnungsbetrag", "endbetrag", "gesamtsumme",
        "total ttc", "net à payer", "montant ttc", "totaal incl. btw", "te betalen", "totaalbedrag", "totaal",
        "total", "zahlbetrag", "summe",
    ),
    # Sums that are neither net, tax nor total: named so that their "Gesamtbetrag" / "Total" is not taken.
    "other_amount": (
        "gesamtbetrag der zuschläge", "gesamtbetrag der abschläge", "summe der zuschläge", "summe der abschläge",
        "total allowances", "total charges", "montant déjà payé", "bereits gezahlt", "already paid",
    ),
    "total_amount_in_words": ("大写",),
    "tax_rate": ("税率", "vat rate", "tax rate", "mwst-satz", "steuersatz", "taux de tva", "btw-tarief"),
    "iban": ("iban",),
    "bank_account": ("开户行及账号", "银行账号", "account number", "account no", "kontonummer", "numéro de compte", "rekeningnummer"),
    "check_code": ("校验码",),
    # Party labels: the value is the name; the block under it holds address and tax id.
    "seller": (
        "销售方", "销货单位", "seller", "supplier", "vendor", "from", "lieferant", "verkäufer", "rechnungssteller",
        "fournisseur", "vendeur", "leverancier", "verkoper",
    ),
    "buyer": (
        "购买方", "购货单位", "bill to", "billed to", "invoice to", "sold to", "customer", "buyer", "client",
        "rechnungsempfänger", "leistungsempfänger", "kunde", "käufer", "facturé à", "acheteur", "klant", "koper", "factuur aan",
    ),
    "party_name": ("名称", "name", "nom", "naam"),
    "party_tax_id": (
        "纳税人识别号", "统一社会信用代码", "ust.-id.-nr", "ust-id-nr", "n° tva intra", "vat id", "vat no", "vat number", "vat reg", "tax id", "ust-idnr",
        "ust-id", "umsatzsteuer-id", "steuernummer", "steuernr", "n° tva", "tva intracommunautaire", "numéro de tva",
        "btw-nummer", "btw nr", "btw-id",
    ),
    "party_address": ("地址、电话", "地址", "address", "adresse", "anschrift", "adres"),
}

# Words that name the kind of document, most specific first.
DOCUMENT_TYPES: tuple[tuple[str, str], ...] = (
    ("增值税专用发票", "cn_vat_special"),
    ("电子发票（增值税专用发票）", "cn_vat_special"),
    ("增值税电子普通发票", "cn_vat_electronic"),
    ("电子发票（普通发票）", "cn_vat_electronic"),
    ("电子发票", "cn_vat_electronic"),
    ("增值税普通发票", "cn_vat_ordinary"),
    ("credit note", "credit_note"), ("gutschrift", "credit_note"), ("avoir", "credit_note"),
    ("creditnota", "credit_note"), ("creditfactuur", "credit_note"),
    ("receipt", "receipt"), ("quittung", "receipt"), ("kassenbon", "receipt"), ("reçu", "receipt"),
    ("kassabon", "receipt"),
    ("invoice", "invoice"), ("rechnung", "invoice"), ("facture", "invoice"), ("factuur", "invoice"),
    ("发票", "invoice"),
)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


_PLAIN = {"ä": "a", "ö": "o", "ü": "u", "é": "e", "è": "e", "ê": "e", "à": "a", "ç": "c"}


@lru_cache(maxsize=None)
def pattern(label: str) -> re.Pattern[str]:
    """A label as a regex: CJK characters may be spaced apart; Latin labels match whole words."""
    if any(_is_cjk(ch) for ch in label):
        return re.compile(r"\s*".join(re.escape(ch) for ch in label))
    body = re.escape(label).replace(r"\ ", r"\s*")
    # OCR drops accents and umlauts ("Falligkeit", "Zuschlage"): a letter with one matches without it.
    body = "".join(f"[{ch}{_PLAIN[ch]}]" if ch in _PLAIN else ch for ch in body)
    # Not inside an e-mail address, a domain or a hyphenated name ("seller@seller.com", "MUSTER-KUNDE").
    return re.compile(rf"(?<![\w@.\-]){body}(?![\w@]|\.\w)", re.IGNORECASE)


def find_label(field: str, text: str) -> tuple[int, int] | None:
    """(start, end) of the first label of ``field`` in ``text``, trying specific labels first."""
    for label in LABELS[field]:
        m = pattern(label).search(text)
        if m:
            return m.start(), m.end()
    return None


# The labels a poor scan garbles where a wrong reading costs most (``Bruttosumm``, ``5teverbetrag``,
# ``Gesamtbetrag der abschlae``): a line that is nearly one of them, and no label exactly, is taken for it.
# Amount labels only: an invoice number's label is one letter from a sum's ("Rechnungsnummer",
# "Rechnungssumme").
FUZZY_FIELDS = ("net_amount", "tax_amount", "total_amount", "other_amount")
FUZZY_MIN = 0.8
_LOOK_ALIKE = {"5": "s", "0": "o", "1": "l", "8": "b", "6": "g"}
_CURRENCY_TAIL = re.compile(r"\s*(?:in\s+)?\(?[A-Z]{3}\)?\s*[:：]?\s*$")


def _plain(text: str) -> str:
    return "".join(_PLAIN.get(ch, ch) for ch in text.lower())


@lru_cache(maxsize=None)
def _fuzzy_labels() -> tuple[tuple[str, str], ...]:
    # Short labels ("ust", "date") are too near too many words to be guessed at.
    return tuple((field, _plain(label)) for field in FUZZY_FIELDS for label in LABELS[field] if len(label) >= 8)


def fuzzy_label(text: str) -> tuple[str, int] | None:
    """(field, end) when ``text`` is, up to ``end``, a garbled label of one of ``FUZZY_FIELDS``."""
    core = _CURRENCY_TAIL.sub("", text.rstrip(" :：")).strip()
    if not 6 <= len(core) <= 40 or re.search(r"\d{2}", core):
        return None
    low = _plain(core)
    low = _LOOK_ALIKE.get(low[0], low[0]) + low[1:]
    best = None
    for field, label in _fuzzy_labels():
        # The first letter must agree: OCR loses letters inside a word far more often than its first,
        # and two words alike but for their start ("Mengebetrag", "Endbetrag") are different words.
        if abs(len(label) - len(low)) > 0.3 * len(label) or label[0] != low[0]:
            continue
        sm = SequenceMatcher(None, low, label, autojunk=False)
        if sm.quick_ratio() < FUZZY_MIN:
            continue
        r = sm.ratio()
        if r >= FUZZY_MIN and (best is None or r > best[0]):
            best = (r, field)
    return (best[1], text.index(core) + len(core)) if best else None


# German names its kinds of invoice as compounds: Handelsrechnung, Teilrechnung, Stornogutschrift.
# A correction invoice puts the word first: Rechnungskorrektur (printed "RECHNUNGS-KORREKTUR" too).
_GERMAN_COMPOUNDS = ((re.compile(r"\w+gutschrift(?!\w)"), "credit_note"), (re.compile(r"\w+rechnung(?:en)?(?!\w)"), "invoice"),
                     (re.compile(r"(?<!\w)rechnungs\s*-?\s*korrektur"), "invoice"))


def document_type(text: str) -> str | None:
    lowered = text.lower()
    for word, kind in DOCUMENT_TYPES:
        if pattern(word).search(lowered):
            return kind
    for rx, kind in _GERMAN_COMPOUNDS:
        if rx.search(lowered):
            return kind
    return None
