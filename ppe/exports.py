"""CSV cells that a spreadsheet shows as text and never runs as a formula.

A cell that starts with = + - @ (or a tab or carriage return) is read by Excel and
LibreOffice as a formula, which can fetch URLs or run commands on the finance officer's
machine. Such text gets a leading apostrophe, which spreadsheets hide; plain numbers
(including negative amounts, e.g. reversing entries) are left as numbers."""

import re

NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(TRIGGERS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """Wraps a csv.writer so that every row written through it is made formula-safe."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([formula_safe(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
