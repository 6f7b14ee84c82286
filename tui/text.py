"""Helpers for text that mixes Chinese and Latin letters in fixed-width columns."""

from rich.cells import cell_len, set_cell_size


def cell_pad(text: str, width: int) -> str:
    """Pad or cut *text* to exactly *width* terminal cells (a Chinese character takes two)."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def number(value: float) -> str:
    """1.0 → "1", 0.5 → "0.5"."""
    return f"{value:g}"
