"""Stored text leaves the program as data: never a terminal control sequence, never a formula.

Whatever a person typed (a name, a log entry, a reason) may reach a terminal, a file or a
spreadsheet. ``printable`` is the one way text goes to a terminal or a text export: C0 and
C1 control characters (ESC, BEL, CSI U+009B …) become visible symbols, so an entry cannot
retitle a window, clear a screen or forge a line. ``csv_text`` is the one way the program
writes CSV: a text cell a spreadsheet would run as a formula gets a leading ``'`` (OWASP).
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

# C0 and DEL as their Unicode control pictures (␛ ␇ ␍ …): one cell wide, so columns stay
# aligned, and the reader still sees that something odd was there. C1 has no pictures.
_C0_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_C0_PICTURES[0x7F] = "\u2421"
_SINGLE_LINE = {**_C0_PICTURES, **{code: "\ufffd" for code in range(0x80, 0xA0)}}
_MULTI_LINE = {code: mark for code, mark in _SINGLE_LINE.items() if code not in (0x09, 0x0A)}

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice, Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str, *, multiline: bool = False) -> str:
    """*text* with every control character shown as a symbol; *multiline* keeps newline and tab.

    A Windows line end counts as a newline in multi-line text; a lone carriage return never
    passes (it would let a line overwrite what a terminal shows before it).
    """
    if multiline:
        return text.replace("\r\n", "\n").translate(_MULTI_LINE)
    return text.translate(_SINGLE_LINE)


def csv_cell(value: object) -> object:
    """A cell as written to CSV: text is printable and never starts a formula; numbers stay numbers."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return printable(value, multiline=True)


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV text (CRLF line ends, as RFC 4180 and spreadsheets expect), every cell through ``csv_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()
