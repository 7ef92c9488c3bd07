"""Checks for UK contact details, shared by the forms and the CSV import."""

import re

from django.core.exceptions import ValidationError

# The shape of a UK postcode (outward code, space, inward code), e.g. "LE1 5WW", "SW1A 1AA".
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    text = re.sub(r"\s+", "", (value or "").upper())
    if not text:
        return ""
    match = POSTCODE.match(text)
    if not match:
        raise ValidationError("Enter a real postcode, like LE1 5WW", code="postcode")
    return f"{match.group(1)} {match.group(2)}"


def normalise_phone(value: str) -> str:
    """A UK phone number: 10 or 11 digits starting 0, or +44 then 9 or 10 digits."""
    text = (value or "").strip()
    if not text:
        return ""
    if re.search(r"[^0-9+() \-]", text):
        raise ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982", code="phone")
    digits = re.sub(r"[^0-9+]", "", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0[0-9]{9,10}", digits):
        raise ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982", code="phone")
    return digits
