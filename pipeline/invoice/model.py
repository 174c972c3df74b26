"""What invoice extraction returns: fields with their evidence, line items, checks.

Every field carries where it was read (page and box in that page's pixels),
how (``text_layer``, ``ocr``, ``embedded_xml``) and how sure the reading is.
A field that was not found is ``None``: nothing is ever invented.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

CheckStatus = Literal["passed", "failed", "not_applicable"]

FIELD_NAMES = (
    "document_type", "invoice_number", "invoice_code", "issue_date", "due_date", "currency",
    "seller_name", "seller_tax_id", "seller_address", "buyer_name", "buyer_tax_id",
    "net_amount", "tax_amount", "total_amount", "total_amount_in_words", "tax_rate",
    "iban", "bank_account", "payment_terms", "purchase_order", "check_code",
)
# The fields an ERP cannot post an invoice without: missing or unsure ones send it to a person.
KEY_FIELDS = ("invoice_number", "issue_date", "total_amount", "currency")


@dataclass(frozen=True)
class Field:
    value: str
    confidence: float
    page: int | None = None
    box: list[float] | None = None
    source: str = "text_layer"

    def doubted(self, factor: float = 0.5) -> "Field":
        """The same reading, trusted less (a check it takes part in failed)."""
        return replace(self, confidence=round(self.confidence * factor, 4))

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "confidence": round(self.confidence, 4), "page": self.page,
                "box": None if self.box is None else [round(float(v), 1) for v in self.box],
                "source": self.source}


@dataclass(frozen=True)
class LineItem:
    description: Field | None = None
    quantity: Field | None = None
    unit: Field | None = None
    unit_price: Field | None = None
    tax_rate: Field | None = None
    amount: Field | None = None

    COLUMNS = ("description", "quantity", "unit", "unit_price", "tax_rate", "amount")

    def to_dict(self) -> dict[str, Any]:
        return {name: (f.to_dict() if (f := getattr(self, name)) else None) for name in self.COLUMNS}


@dataclass(frozen=True)
class Check:
    name: str
    status: CheckStatus
    message: str = ""
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "message": self.message, "fields": list(self.fields)}


@dataclass
class InvoiceResult:
    fields: dict[str, Field | None] = field(default_factory=lambda: dict.fromkeys(FIELD_NAMES))
    line_items: list[LineItem] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    needs_review: bool = False

    def value(self, name: str) -> str | None:
        f = self.fields.get(name)
        return f.value if f else None

    def to_dict(self) -> dict[str, Any]:
        out = {name: (f.to_dict() if f else None) for name, f in self.fields.items()}
        out["line_items"] = [item.to_dict() for item in self.line_items]
        return {"fields": out, "checks": [c.to_dict() for c in self.checks], "needs_review": self.needs_review}
