"""ZUGFeRD 1.0 (``urn:ferd:CrossIndustryDocument:invoice:1p0``), the German e-invoice of 2014-2019.

The ``factur-x`` library reads Factur-X / ZUGFeRD 2 and UBL only; ZUGFeRD 1.0
invoices are still archived and sent, so their XML is read here into the
same EN 16931 business-term dictionary that library returns (BT-1, BG-4, …),
so that one mapping turns either into fields.
"""
from __future__ import annotations

from lxml import etree

NAMESPACE = "urn:ferd:CrossIndustryDocument:invoice:1p0"
_NS = {"rsm": NAMESPACE, "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
       "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15"}
_TRADE = "rsm:SpecifiedSupplyChainTradeTransaction/"
_SETTLE = _TRADE + "ram:ApplicableSupplyChainTradeSettlement/"
_SUMS = _SETTLE + "ram:SpecifiedTradeSettlementMonetarySummation/"


def is_zugferd1(xml: bytes) -> bool:
    return NAMESPACE.encode() in xml


def _first(node, path: str) -> str | None:
    found = node.xpath(path, namespaces=_NS)
    text = (found[0] if isinstance(found[0], str) else found[0].text) if found else None
    return text.strip() if text and text.strip() else None


def _date(text: str | None) -> str | None:
    # Format 102 is CCYYMMDD.
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if text and len(text) == 8 and text.isdigit() else None


def _party(node) -> dict:
    if node is None:
        return {}
    return {
        "name": _first(node, "ram:Name"),
        "vat_identifier": _first(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
        "tax_identifier": _first(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']"),
        "addr_l1": _first(node, "ram:PostalTradeAddress/ram:LineOne"),
        "addr_l2": _first(node, "ram:PostalTradeAddress/ram:LineTwo"),
        "postcode": _first(node, "ram:PostalTradeAddress/ram:PostcodeCode"),
        "city": _first(node, "ram:PostalTradeAddress/ram:CityName"),
        "country_code": _first(node, "ram:PostalTradeAddress/ram:CountryID"),
    }


def parse_zugferd1(xml: bytes) -> dict:
    """The invoice's business terms, keyed as the ``factur-x`` library keys them."""
    root = etree.fromstring(xml)
    agreement = root.xpath(_TRADE + "ram:ApplicableSupplyChainTradeAgreement", namespaces=_NS)
    agreement = agreement[0] if agreement else None
    party = (lambda name: (agreement.xpath(f"ram:{name}", namespaces=_NS) or [None])[0]) if agreement is not None \
        else (lambda name: None)
    data = {
        "BT-1": _first(root, "rsm:HeaderExchangedDocument/ram:ID"),
        "BT-3": _first(root, "rsm:HeaderExchangedDocument/ram:TypeCode"),
        "BT-2": _date(_first(root, "rsm:HeaderExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
        "BT-5": _first(root, _SETTLE + "ram:InvoiceCurrencyCode"),
        "BT-9": _date(_first(root, _SETTLE + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")),
        "BT-13": _first(root, _TRADE + "ram:ApplicableSupplyChainTradeAgreement/ram:BuyerOrderReferencedDocument/ram:ID"),
        "BT-84": _first(root, _SETTLE + "ram:SpecifiedTradeSettlementPaymentMeans/"
                        "ram:PayeePartyCreditorFinancialAccount/ram:IBANID"),
        # ZUGFeRD 1.0's "TaxBasisTotalAmount" is the net after document allowances and charges (BT-109).
        "BT-109": _first(root, _SUMS + "ram:TaxBasisTotalAmount"),
        "BT-110": _first(root, _SUMS + "ram:TaxTotalAmount"),
        "BT-112": _first(root, _SUMS + "ram:GrandTotalAmount"),
        "BG-4": _party(party("SellerTradeParty")),
        "BG-7": _party(party("BuyerTradeParty")),
        "BG-23": [{"BT-119": _first(t, "ram:ApplicablePercent")}
                  for t in root.xpath(_SETTLE + "ram:ApplicableTradeTax", namespaces=_NS)],
    }
    return {k: v for k, v in data.items() if v not in (None, "", {}, [])}
