"""Cells written to a CSV file that a mailing house opens in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
spreadsheets as a formula (CSV injection: ``=HYPERLINK(...)`` in a member's name runs when the
file is opened). Such a cell is written with a leading ``'``, which spreadsheets show as text.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as text that no spreadsheet reads as a formula."""
    text = "" if value is None or value is False else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_row(values):
    return [safe_cell(value) for value in values]
