"""Helpers for text on screen: stored text shown as data; Chinese and Latin in fixed-width columns."""

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from duty_desk.models.safe_text import printable


def plain(text, style: str | Style = "") -> Text:
    """Stored or typed text for a widget, exactly as written.

    A ``str`` given to Static, Label, Option, DataTable, a Rich table cell or a notification is
    read as markup: a name like ``[@click=app.quit]`` would become a live action, and
    ``[其他]`` would vanish. A ``Text`` is never parsed; control characters are shown, not sent.
    """
    return Text(printable("" if text is None else str(text), multiline=True), style=style)


def fit(text: str, width: int, justify: str = "left") -> str:
    """*text* padded or cut to exactly *width* cells; a cut ends in "…"."""
    used = cell_len(text)
    if used > width:
        if width < 2:
            return set_cell_size(text, width)
        kept, used = [], 1  # whole characters only: half a Chinese character is no character
        for char in text:
            if used + cell_len(char) > width:
                break
            kept.append(char)
            used += cell_len(char)
        text = "".join(kept) + "…"
    pad = " " * (width - used)
    return pad + text if justify == "right" else text + pad


def cell_pad(text: str, width: int) -> str:
    """Pad or cut *text* to exactly *width* terminal cells (a Chinese character takes two)."""
    return fit(text, width)


def number(value: float) -> str:
    """1.0 → "1", 0.5 → "0.5"."""
    return f"{value:g}"
