"""Amounts, dates and currencies as printed on invoices, normalized.

Amounts become ``Decimal``s whatever the document's convention (``1,234.56``,
``1.234,56``, ``1 234,56``, ``1'234.56``, ``¥1130.00``); dates become ISO
dates from the numeric, month-name and Chinese forms; Chinese capital
amounts (大写, ``壹仟壹佰叁拾元整``) are read into the amount they spell.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

# Currency marks as printed → ISO 4217. "$" alone is ambiguous; USD is its common reading
# on invoices without another hint, and the code printed beside an amount wins.
_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "CNY", "￥": "CNY", "$": "USD", "US$": "USD", "CHF": "CHF",
            "元": "CNY", "人民币": "CNY", "RMB": "CNY", "Fr.": "CHF"}
_CODES = ("EUR", "USD", "GBP", "CNY", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CAD", "AUD", "HKD")

_AMOUNT = re.compile(
    r"(?<![\w.,])[-−]?\(?"
    r"(?:\d{1,3}(?:[ .,'\u00a0\u202f]\d{3})+|\d+)"  # integer part, grouped or not
    r"(?:[.,]\d{1,2})?"  # decimals
    r"\)?(?![\w])"
)


def parse_amount(text: str) -> Decimal | None:
    """The one amount ``text`` holds (symbols and codes around it ignored), or None."""
    found = find_amounts(text)
    return found[-1] if found else None


DOT_MINUS = re.compile(r"(?:(?<=\s)|^)\.(?=\d[\d.,']*[.,]\d{1,2}(?![\w.,]))")


def find_amounts(text: str) -> list[Decimal]:
    """Every amount in ``text``, left to right; a number with decimals or grouping counts,
    a bare integer counts only when it is the whole value (``Total: 1200``)."""
    return [value for value, _, _ in amount_matches(text)]


def amount_matches(text: str) -> list[tuple[Decimal, int, int]]:
    """``find_amounts`` with where each amount stands in ``text`` (start, end)."""
    cleaned = text.replace("，", ",").replace("．", ".")  # same length: positions hold
    # A scan's minus sign read as a dot (".8,79", ".7.67"): a leading dot before a number that has
    # its own decimal mark is no decimal point.
    cleaned = DOT_MINUS.sub("-", cleaned)
    out: list[tuple[Decimal, int, int]] = []
    matches = list(_AMOUNT.finditer(cleaned))
    for m in matches:
        token = m.group(0)
        value = _to_decimal(token)
        if value is None:
            continue
        plain_integer = re.fullmatch(r"[-−]?\(?\d+\)?", token) is not None
        if plain_integer and len(matches) > 1:
            continue
        out.append((value, m.start(), m.end()))
    return out


def _to_decimal(token: str) -> Decimal | None:
    negative = token.startswith(("-", "−")) or (token.startswith("(") and token.endswith(")"))
    digits = token.strip("-−()")
    # The last separator followed by exactly one or two digits is the decimal mark.
    m = re.search(r"[.,](\d{1,2})$", digits)
    if m:
        integer, decimals = digits[: m.start()], m.group(1)
    else:
        integer, decimals = digits, ""
    integer = re.sub(r"[ .,'\u00a0\u202f]", "", integer)
    if not integer.isdigit():
        return None
    try:
        value = Decimal(f"{integer}.{decimals}" if decimals else integer)
    except InvalidOperation:
        return None
    return -value if negative else value


def format_amount(value: Decimal) -> str:
    """Decimal string with two places (the form the contract uses for amounts)."""
    return str(value.quantize(Decimal("0.01")))


def find_currency(text: str) -> str | None:
    upper = text.upper()
    for code in _CODES:
        if re.search(rf"(?<![A-Z]){code}(?![A-Z])", upper):
            return code
    for mark, code in _SYMBOLS.items():
        if mark in text:
            return code
    return None


_MONTHS = {
    # English, German, French, Dutch month names (and their usual abbreviations by prefix).
    "jan": 1, "feb": 2, "mar": 3, "mär": 3, "apr": 4, "may": 5, "mai": 5, "mei": 5, "jun": 6, "juin": 6,
    "jul": 7, "juil": 7, "aug": 8, "aoû": 8, "aou": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11,
    "dec": 12, "dez": 12, "déc": 12, "janv": 1, "févr": 2, "fév": 2, "mars": 3, "avr": 4, "maart": 3,
    "januar": 1, "februar": 2, "janvier": 1, "février": 2, "avril": 4, "juillet": 7, "août": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "juni": 6, "juli": 7, "mrt": 3,
}

_DATE_PATTERNS = (
    # 2024-03-15, 2024/03/15, 2024.03.15, 2024年3月15日
    (re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?!\d)"), "ymd"),
    # 15.03.2024, 15/03/2024, 15-03-2024 (day first: the European and Chinese-English habit)
    (re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?!\d)"), "dmy"),
    # 15 March 2024, 15. März 2024, 1er janvier 2024
    (re.compile(r"(?<!\d)(\d{1,2})(?:er|\.)?\s+([A-Za-zÀ-ÿ]{3,9})\.?\s+(\d{4})(?!\d)"), "d_month_y"),
    # March 15, 2024
    (re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s*(\d{4})(?!\d)"), "month_d_y"),
)


def find_date(text: str) -> date | None:
    return next(find_dates(text), None)


def find_dates(text: str):
    """Every date in ``text``, in the order of the patterns (ISO-like forms first)."""
    for pattern, order in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            parsed = _date_from(m.groups(), order)
            if parsed is not None:
                yield parsed


def _month(name: str) -> int | None:
    key = name.lower().rstrip(".")
    if key in _MONTHS:
        return _MONTHS[key]
    return _MONTHS.get(key[:3]) if len(key) >= 3 else None


def _date_from(groups: tuple[str, ...], order: str) -> date | None:
    try:
        if order == "ymd":
            y, m, d = int(groups[0]), int(groups[1]), int(groups[2])
        elif order == "dmy":
            d, m, y = int(groups[0]), int(groups[1]), int(groups[2])
            if m > 12 and d <= 12:  # 03/15/2024: a US date
                d, m = m, d
        elif order == "d_month_y":
            d, y = int(groups[0]), int(groups[2])
            m = _month(groups[1])
        else:
            m, d, y = _month(groups[0]), int(groups[1]), int(groups[2])
        if m is None:
            return None
        return date(y, m, d)
    except ValueError:
        return None


# -- Chinese capital amounts (大写) --------------------------------------------
_DIGITS = {"零": 0, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
           "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
           "贰": 2, "弍": 2}
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000, "十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_FRACTION_UNITS = {"角": Decimal("0.1"), "分": Decimal("0.01")}
CAPITAL_CHARS = set(_DIGITS) | set(_SMALL_UNITS) | set(_BIG_UNITS) | set(_FRACTION_UNITS) | set("元圆整正")


def parse_chinese_capital(text: str) -> Decimal | None:
    """``壹仟壹佰叁拾元整`` → 1130; ``叁佰贰拾壹元伍角陆分`` → 321.56. None if not such an amount."""
    s = "".join(ch for ch in text if ch in CAPITAL_CHARS)
    if not s or not any(ch in _DIGITS for ch in s):
        return None
    yuan_part, _, frac_part = s.partition("元") if "元" in s else s.partition("圆")
    if not _ and not any(ch in s for ch in _FRACTION_UNITS):
        return None
    total = _integer_capital(yuan_part)
    if total is None:
        return None
    value = Decimal(total)
    digit = None
    for ch in frac_part:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _FRACTION_UNITS and digit is not None:
            value += _FRACTION_UNITS[ch] * digit
            digit = None
    return value


def _integer_capital(s: str) -> int | None:
    total, section, digit = 0, 0, 0
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[ch]
            digit = 0
        elif ch in _BIG_UNITS:
            if _BIG_UNITS[ch] == 10_000:
                total += (section + digit) * 10_000
            else:  # 亿 multiplies everything read so far
                total = (total + section + digit) * 100_000_000
            section, digit = 0, 0
        else:
            return None
    return total + section + digit


def to_chinese_capital(value: Decimal) -> str:
    """The capital form of ``value`` as written on Chinese invoices (for tests and for the check's message)."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ["", "拾", "佰", "仟"]
    q = value.quantize(Decimal("0.01"))
    integer, cents = int(q), int((q * 100) % 100)

    def section(n: int) -> str:
        out, zero = "", False
        for i in range(3, -1, -1):
            d = n // 10**i % 10
            if d:
                if zero and out:
                    out += "零"
                out += digits[d] + units[i]
                zero = False
            else:
                zero = True
        return out

    chunks = []  # groups of four digits, highest first, with their unit
    n, i = integer, 0
    while n:
        chunks.append((n % 10_000, ["", "万", "亿"][i]))
        n //= 10_000
        i += 1
    yuan, higher = "", False
    for chunk, unit in reversed(chunks):
        if chunk:
            if higher and chunk < 1000:
                yuan += "零"
            yuan += section(chunk) + unit
            higher = True
        elif higher and not yuan.endswith("零"):
            yuan += "零"
    yuan = yuan.rstrip("零") or "零"
    if cents == 0:
        return yuan + "元整"
    jiao, fen = divmod(cents, 10)
    tail = (digits[jiao] + "角" if jiao else "零") + (digits[fen] + "分" if fen else "")
    return yuan + "元" + tail
