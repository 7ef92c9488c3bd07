"""The pure rules: no database."""

import datetime
from decimal import Decimal

from people_bank.payments import rules
from ppe.exports import formula_safe


def test_the_tax_year_runs_from_6_april_to_5_april():
    assert rules.tax_year(datetime.date(2026, 4, 6)) == (datetime.date(2026, 4, 6), datetime.date(2027, 4, 5))
    assert rules.tax_year(datetime.date(2026, 4, 5)) == (datetime.date(2025, 4, 6), datetime.date(2026, 4, 5))
    assert rules.tax_year(datetime.date(2027, 1, 1))[0] == datetime.date(2026, 4, 6)


def test_the_seventh_session_of_a_month_is_outside_a_cap_of_six():
    assert rules.within_cap(5, 6)
    assert not rules.within_cap(6, 6)
    assert not rules.within_cap(7, 6)


def test_mileage_is_miles_times_the_rate_in_pounds_and_pence():
    assert rules.mileage_amount(Decimal("12.5"), Decimal("0.45")) == Decimal("5.63")
    assert isinstance(rules.mileage_amount(Decimal("1"), Decimal("0.45")), Decimal)


def test_a_receipt_is_known_by_its_content_not_its_name():
    assert rules.receipt_type(b"%PDF-1.7 ...") == "application/pdf"
    assert rules.receipt_type(b"\xff\xd8\xff\xe0...") == "image/jpeg"
    assert rules.receipt_type(b"\x89PNG\r\n\x1a\n...") == "image/png"
    assert rules.receipt_type(b"MZ\x90\x00 a program") is None
    assert rules.receipt_type(b"<html>") is None


def test_cells_a_spreadsheet_would_run_as_formulas_are_made_text():
    for hostile in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x")', "\t=1"):
        assert formula_safe(hostile).startswith("'")
    assert formula_safe("Ann Smith") == "Ann Smith"
    assert formula_safe(None) == ""


def test_months_and_periods():
    assert rules.next_month(datetime.date(2026, 12, 15)) == datetime.date(2027, 1, 1)
    assert rules.month_end(datetime.date(2028, 2, 3)) == datetime.date(2028, 2, 29)
    assert rules.parse_period("2026-03") == datetime.date(2026, 3, 1)
    assert rules.parse_period("2026-13") is None
    assert rules.parse_period("<script>") is None
