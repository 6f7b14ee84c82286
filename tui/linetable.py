"""A table on Textual's Line API: fixed columns, a cursor row, only the visible rows drawn.

``DataTable`` measures and renders every cell of every row when rows are added (about
300 ms for 1,000 rows of seven columns). This table keeps plain rows — a key and a tuple
of cells — and builds ``Strip``s in ``render_line`` only for the lines on screen, so
filling it costs no more than making the rows. Sorting is Python's ``sorted`` on those
rows. Widths are terminal cells measured with ``rich.cells`` (a Chinese character takes
two), so Chinese and Latin text line up.

A cell is a ``str``, a ``(text, style)`` pair (a Rich style string such as ``"bold"``),
or a ``rich.text.Text`` for mixed styles. Enter posts ``RowSelected``; moving the cursor
posts ``RowHighlighted``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Sequence, Union

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from duty_desk.models.safe_text import printable

from duty_desk.tui.cursor_keys import cursor_bindings
from duty_desk.tui.i18n import N_, translate_bindings
from duty_desk.tui.text import fit

Cell = Union[str, "tuple[str, str]", Text, None]


@dataclass(frozen=True)
class Column:
    """A column: *width* in terminal cells (0: as wide as its widest cell or label).

    One column may *flex*: it takes the width the others leave (at least *width*).
    """

    key: str
    label: str
    width: int = 0
    justify: str = "left"  # left | right
    flex: bool = False


@dataclass(frozen=True)
class Row:
    key: Hashable
    cells: tuple


def cell_text(cell: Cell) -> str:
    """The plain text of a cell (for sorting and searching)."""
    if cell is None:
        return ""
    if isinstance(cell, tuple):
        return cell[0]
    if isinstance(cell, Text):
        return cell.plain
    return str(cell)


def _sort_value(text: str):
    """Numbers by value, before text; empty cells and dashes last."""
    if text.strip() in ("", "–", "-", "·"):
        return (2, 0, "")
    try:
        return (0, float(text.replace(",", "")), "")
    except ValueError:
        return (1, 0, text.casefold())


class LineTable(ScrollView, can_focus=True):
    """Rows under a fixed header; a cursor row; keys up/down/page/home/end and Enter."""

    BINDINGS = [
        Binding("enter", "select", "Open", id="linetable-open"),
        *cursor_bindings("linetable", N_("Previous row"), N_("Next row"), N_("First row"), N_("Last row")),
    ]
    COMPONENT_CLASSES = {"linetable--header", "linetable--cursor", "linetable--zebra", "linetable--placeholder"}
    DEFAULT_CSS = """
    LineTable { height: 1fr; overflow-x: hidden; background: $surface; }
    LineTable > .linetable--header { text-style: bold; background: $panel; }
    LineTable > .linetable--cursor { background: $accent 35%; }
    LineTable:focus > .linetable--cursor { background: $accent 70%; text-style: bold; }
    LineTable > .linetable--zebra { background: $boost; }
    LineTable > .linetable--placeholder { color: $text-muted; text-style: italic; }
    """

    class RowHighlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, table: "LineTable", index: int, key: Hashable) -> None:
            super().__init__()
            self.table, self.index, self.key = table, index, key

        @property
        def control(self) -> "LineTable":
            return self.table

    class RowSelected(Message):
        """Enter (or a click on the cursor's row) chose a row."""

        def __init__(self, table: "LineTable", index: int, key: Hashable) -> None:
            super().__init__()
            self.table, self.index, self.key = table, index, key

        @property
        def control(self) -> "LineTable":
            return self.table

    def __init__(self, columns: Sequence[Column] = (), *, zebra_stripes: bool = False, show_header: bool = True,
                 placeholder: str = "", id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        translate_bindings(self)
        self.columns: list[Column] = list(columns)
        self.rows: list[Row] = []
        self.zebra_stripes = zebra_stripes
        self.show_header = show_header
        self.placeholder = placeholder  # shown dim where the first row would be when there is none
        self.cursor_row = 0
        self._widths: tuple[int, tuple[int, ...]] | None = None  # (for this width, each column's)
        self._index: dict[Hashable, int] | None = None

    # -- content ----------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_key(self) -> Hashable | None:
        return self.rows[self.cursor_row].key if self.rows else None

    @property
    def keys(self) -> list[Hashable]:
        return [r.key for r in self.rows]

    def index_of(self, key: Hashable) -> int | None:
        if self._index is None:
            self._index = {r.key: n for n, r in enumerate(self.rows)}
        return self._index.get(key)

    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self._changed()

    def set_rows(self, rows: Iterable[tuple[Hashable, Sequence[Cell]]], *, cursor: Hashable | None = None) -> None:
        """Show *rows* (key, cells). The cursor stays on the row it was on (by key), or on
        *cursor*'s row, else at the same position."""
        keep_key = cursor if cursor is not None else self.cursor_key
        keep_index = self.cursor_row
        self.rows = [Row(key, tuple(cells)) for key, cells in rows]
        self._changed()
        index = self.index_of(keep_key) if keep_key is not None else None
        self.cursor_row = index if index is not None else max(0, min(keep_index, len(self.rows) - 1))
        self.call_after_refresh(self._follow_cursor)

    def show_rows(self, rows: list[Row]) -> None:
        """Show ready-made *rows* as they are (no copy), the cursor on the first: for a list
        narrowed on every key, where making the rows again would be most of the work."""
        self.rows = rows
        self.cursor_row = 0
        self._changed()
        self.scroll_to(y=0, animate=False, immediate=True)

    def clear(self) -> None:
        self.rows = []
        self.cursor_row = 0
        self._changed()

    def sort(self, key: Callable[[Row], Any] | None = None, *, column: str | None = None,
             reverse: bool = False) -> None:
        """Order the rows by *key* (a function of a ``Row``) or by a column's text (numbers by
        value); the cursor stays on its row."""
        if key is None:
            if column is None:
                raise ValueError("sort needs a key or a column")
            at = [c.key for c in self.columns].index(column)
            key = lambda row: _sort_value(cell_text(row.cells[at]) if at < len(row.cells) else "")  # noqa: E731
        here = self.cursor_key
        self.rows.sort(key=key, reverse=reverse)
        self._changed()
        if here is not None:
            self.cursor_row = self.index_of(here) or 0
        self.call_after_refresh(self._follow_cursor)

    def _changed(self) -> None:
        self._widths = None
        self._index = None
        size = Size(self.size.width, len(self.rows) + self._header_lines)
        height = self.styles.height
        if self.is_mounted and height is not None and not height.is_auto:
            # A height from CSS does not follow the rows: their number only changes how far the
            # table scrolls, so no layout of the whole screen (a scrollbar appearing still asks one).
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
        self.refresh()

    @property
    def _header_lines(self) -> int:
        return 1 if self.show_header else 0

    # -- the cursor ---------------------------------------------------------------------------
    def move_cursor(self, row: int) -> None:
        if not self.rows:
            return
        row = max(0, min(len(self.rows) - 1, row))
        moved = row != self.cursor_row
        self.cursor_row = row
        self._follow_cursor()
        self.refresh()
        if moved:
            self.post_message(self.RowHighlighted(self, row, self.rows[row].key))

    def _follow_cursor(self) -> None:
        """Scroll just enough to keep the cursor's row in sight."""
        height = max(1, self.scrollable_content_region.height - self._header_lines)
        top = int(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def action_move(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - self._header_lines - 1)
        self.move_cursor(self.cursor_row + direction * page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.cursor_row, self.rows[self.cursor_row].key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < self._header_lines:
            return
        index = int(self.scroll_offset.y) + offset.y - self._header_lines
        if 0 <= index < len(self.rows):
            if index == self.cursor_row:
                self.action_select()
            else:
                self.move_cursor(index)

    def on_resize(self) -> None:
        self._widths = None
        self.virtual_size = Size(self.size.width, len(self.rows) + self._header_lines)
        self._follow_cursor()

    # -- drawing ----------------------------------------------------------------------------
    def column_widths(self, width: int) -> tuple[int, ...]:
        """Each column's width for a line of *width* cells (one space before each column)."""
        if self._widths is not None and self._widths[0] == width:
            return self._widths[1]
        widths = []
        for n, col in enumerate(self.columns):
            w = col.width
            if not w:  # as wide as the widest cell: measured once per change
                w = max([cell_len(col.label)] + [cell_len(cell_text(r.cells[n])) for r in self.rows
                                                  if n < len(r.cells)])
            widths.append(w)
        flex = next((n for n, c in enumerate(self.columns) if c.flex), None)
        if flex is not None:
            spare = width - sum(widths) - len(widths) - 1
            widths[flex] = max(widths[flex], widths[flex] + spare)
        result = tuple(widths)
        self._widths = (width, result)
        return result

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        base = self.rich_style
        if self.show_header and y == 0:
            style = base + self.get_component_rich_style("linetable--header")
            labels = tuple(c.label for c in self.columns)
            return self._strip(labels, width, style)
        index = int(self.scroll_offset.y) + y - self._header_lines
        if index >= len(self.rows):
            if index == 0 and self.placeholder:
                style = base + self.get_component_rich_style("linetable--placeholder")
                return Strip([Segment(fit(" " + self.placeholder, width), style)], width)
            return Strip.blank(width, base)
        style = base
        if self.zebra_stripes and index % 2:
            style += self.get_component_rich_style("linetable--zebra")
        cursor = self.get_component_rich_style("linetable--cursor") if index == self.cursor_row else None
        return self._strip(self.rows[index].cells, width, style, cursor=cursor)

    def _strip(self, cells: Sequence[Cell], width: int, style: Style, *, cursor: Style | None = None) -> Strip:
        line_style = style + cursor if cursor else style
        segments = [Segment(" ", line_style)]
        for col, w, cell in zip(self.columns, self.column_widths(width), cells):
            if w <= 0:
                continue
            justify = col.justify
            if isinstance(cell, Text):
                segments.extend(self._text_segments(cell, w, justify, style, cursor))
            elif isinstance(cell, tuple):
                cell_style = style + Style.parse(cell[1]) if cell[1] else style
                style = cell_style + cursor if cursor else cell_style
                segments.append(Segment(fit(printable(cell[0]), w, justify), style))
            else:
                segments.append(Segment(fit("" if cell is None else printable(str(cell)), w, justify), line_style))
            segments.append(Segment(" ", line_style))
        return Strip(segments).crop_extend(0, width, line_style)

    def _text_segments(self, text: Text, width: int, justify: str, style: Style, cursor: Style | None):
        text = text.copy()
        text.plain = printable(text.plain)  # same length: the spans still fit
        text.truncate(width, overflow="ellipsis")
        pad = width - text.cell_len
        if pad > 0:
            text.pad_left(pad) if justify == "right" else text.pad_right(pad)
        for segment in text.render(self.app.console):
            if segment.text in ("\n", ""):
                continue
            seg_style = style + segment.style if segment.style else style
            yield Segment(segment.text, seg_style + cursor if cursor else seg_style)
