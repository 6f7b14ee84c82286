"""A view over the whole duty log on Textual's Line API: rows are paged in from SQLite.

The widget knows only how many rows there are and keeps a few pages of plain rows around
what is on screen (a ``DataTable`` would build every row in Python first: far too slow for
a million entries). Missing pages are read by a thread worker; until they arrive their
lines show a dim placeholder, so a key press never waits for the database.
"""

from __future__ import annotations

from array import array
from typing import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from models import log_query
from models.log_query import LogRow

from .i18n import pick
from .text import cell_pad

PAGE = 128
KEEP_PAGES = 24


class LogView(ScrollView, can_focus=True):
    """The duty log, newest at the bottom; a cursor row picks the entry to act on."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous entry", show=False, id="log-up"),
        Binding("down", "move(1)", "Next entry", show=False, id="log-down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="log-pageup"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="log-pagedown"),
        Binding("home", "first", "First entry", show=False, id="log-first"),
        Binding("end", "last", "Newest entry", show=False, id="log-last"),
    ]
    COMPONENT_CLASSES = {"logview--cursor", "logview--emergency", "logview--important", "logview--dim",
                         "logview--hit", "logview--marker"}
    DEFAULT_CSS = """
    LogView { height: 1fr; overflow-x: hidden; background: $surface; }
    LogView > .logview--cursor { background: $accent 40%; text-style: bold; }
    LogView:focus > .logview--cursor { background: $accent 70%; }
    LogView > .logview--emergency { color: $error; text-style: bold; }
    LogView > .logview--important { color: $warning; }
    LogView > .logview--dim { color: $text-muted; }
    LogView > .logview--hit { background: $warning 50%; }
    LogView > .logview--marker { color: $accent; text-style: bold; }
    """

    cursor = reactive(0, always_update=True, repaint=False)

    class CursorMoved(Message):
        """The cursor is on another entry (or the rows under it arrived)."""

        def __init__(self, view: "LogView", row: LogRow | None) -> None:
            super().__init__()
            self.view = view
            self.row = row

    class Loaded(Message):
        """The view's row count changed (a new source or a reload)."""

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.total = 0
        self.seqs: array | None = None  # None: every entry, row n is seq n + 1
        self.highlight = ""
        self._pages: dict[int, list[LogRow]] = {}
        self._loading: set[int] = set()
        self._generation = 0
        self.fetch_page: Callable[[int, int], list[LogRow]] = self._fetch_page

    # -- the data source ------------------------------------------------------------------
    def set_source(self, total: int, seqs: array | None, cursor: int | None = None) -> None:
        """Show *total* rows (every entry, or the numbers in *seqs*); cursor at the end by default."""
        self._generation += 1
        self.seqs = seqs
        self.total = len(seqs) if seqs is not None else total
        self._pages.clear()
        self._loading.clear()
        self.virtual_size = Size(self.size.width, self.total)
        self.cursor = self.total - 1 if cursor is None else max(0, min(cursor, self.total - 1))
        self.post_message(self.Loaded())
        self.refresh()

    def grow(self, total: int) -> None:
        """New entries were appended (unfiltered view): extend, keep what is loaded."""
        if self.seqs is not None or total <= self.total:
            return
        at_end = self.cursor >= self.total - 1
        old_last_page = (self.total - 1) // PAGE if self.total else 0
        self._pages.pop(old_last_page, None)
        self.total = total
        self.virtual_size = Size(self.size.width, total)
        if at_end:
            self.cursor = total - 1
        self.refresh()

    def appended(self, total: int, last_page: list[LogRow]) -> None:
        """New entries were appended (unfiltered view) and the last page is read already."""
        if self.seqs is not None:
            return
        generation = self._generation
        self.grow(total)
        if last_page and generation == self._generation:
            self._pages[(total - 1) // PAGE] = last_page
            self.refresh()
            self.post_message(self.CursorMoved(self, self.row_at(self.cursor)))

    def index_of_seq(self, seq: int) -> int | None:
        if self.seqs is None:
            return seq - 1 if 1 <= seq <= self.total else None
        from bisect import bisect_left

        i = bisect_left(self.seqs, seq)
        return i if i < len(self.seqs) and self.seqs[i] == seq else None

    def seq_at(self, index: int) -> int | None:
        if not 0 <= index < self.total:
            return None
        return index + 1 if self.seqs is None else self.seqs[index]

    def _fetch_page(self, page: int, generation: int) -> list[LogRow]:
        start = page * PAGE
        stop = min(self.total, start + PAGE)
        if self.seqs is None:
            return log_query.rows_between(start + 1, stop)
        return log_query.rows_for(list(self.seqs[start:stop]))

    def _request(self, page: int) -> None:
        if page in self._pages or page in self._loading or page < 0 or page * PAGE >= self.total:
            return
        self._loading.add(page)
        generation = self._generation

        def job():
            rows = self.fetch_page(page, generation)
            self.app.call_from_thread(self._arrived, page, generation, rows)

        self.run_worker(job, thread=True, group=f"logview-{page}", exit_on_error=False)

    def _arrived(self, page: int, generation: int, rows: list[LogRow]) -> None:
        if generation != self._generation:
            return
        self._loading.discard(page)
        self._pages[page] = rows
        if len(self._pages) > KEEP_PAGES:  # forget the pages farthest from the cursor
            here = self.cursor // PAGE
            for far in sorted(self._pages, key=lambda p: -abs(p - here))[:len(self._pages) - KEEP_PAGES]:
                del self._pages[far]
        self.refresh()
        if page == self.cursor // PAGE:
            self.post_message(self.CursorMoved(self, self.row_at(self.cursor)))

    def row_at(self, index: int) -> LogRow | None:
        rows = self._pages.get(index // PAGE)
        if rows is None:
            return None
        offset = index % PAGE
        return rows[offset] if offset < len(rows) else None

    @property
    def current(self) -> LogRow | None:
        return self.row_at(self.cursor)

    def invalidate(self) -> None:
        """Read the loaded rows again (a follow-up, acknowledgement or decision changed)."""
        self._generation += 1
        self._pages.clear()
        self._loading.clear()
        self.refresh()
        self._prefetch()

    def _prefetch(self) -> None:
        top = int(self.scroll_offset.y)
        height = max(1, self.size.height)
        for index in (top - PAGE // 2, top, top + height, top + height + PAGE // 2, self.cursor):
            self._request(max(0, index) // PAGE)

    # -- moving ---------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        if self.total == 0:
            self.post_message(self.CursorMoved(self, None))
            return
        self._follow_cursor()
        self.call_after_refresh(self._follow_cursor)  # the new virtual size is laid out by then
        self.refresh()
        self._prefetch()
        self.post_message(self.CursorMoved(self, self.row_at(new)))

    def _follow_cursor(self) -> None:
        """Scroll just enough to keep the cursor's row in sight."""
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def go(self, index: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, index))

    def action_move(self, delta: int) -> None:
        self.go(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.go(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.go(0)

    def action_last(self) -> None:
        self.go(self.total - 1)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._prefetch()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)
        self._prefetch()

    # -- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        index = int(self.scroll_offset.y) + y
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        row = self.row_at(index)
        selected = index == self.cursor
        if row is None:
            self._request(index // PAGE)
            style = self.get_component_rich_style("logview--dim")
            if selected:
                style += self.get_component_rich_style("logview--cursor")
            return Strip([Segment(cell_pad(f"{self.seq_at(index) or '':>7} …", width), style)], width)
        return Strip(self._segments(row, width, selected)).crop_extend(0, width, self.rich_style)

    def _segments(self, row: LogRow, width: int, selected: bool) -> list[Segment]:
        base = self.rich_style
        dim = self.get_component_rich_style("logview--dim")
        marker = self.get_component_rich_style("logview--marker")
        if row.severity == "emergency":
            body = self.get_component_rich_style("logview--emergency")
        elif row.severity == "important":
            body = self.get_component_rich_style("logview--important")
        else:
            body = Style()
        cursor = self.get_component_rich_style("logview--cursor") if selected else Style()

        def seg(text: str, style: Style) -> Segment:
            return Segment(text, base + style + cursor)

        marks = ""
        if row.alarm:
            marks += "‼"
        elif row.severity == "important":
            marks += "!"
        if row.amends_seq:
            marks += f"✎{row.amends_seq} "
        if row.amended:
            marks += "✎ "
        if row.followup in ("open", "overdue"):
            marks += "⚑ " if row.followup == "open" else "⚑⏰ "
        if row.waiting_approval:
            marks += "¥? "
        out = [seg(f"{row.at:%m-%d %H:%M} ", dim),
               seg(cell_pad(pick(row.category_zh, row.category_en), 9) + " ", body or Style()),
               seg(cell_pad(row.post, 8) + " ", dim),
               seg(cell_pad(row.author, 7) + " ", Style())]
        used = sum(cell_len(s.text) for s in out)
        room = max(0, width - used)
        if marks:
            out.append(seg(marks.rstrip() + " ", marker))
            room -= cell_len(marks.rstrip()) + 1
        text = row.text if cell_len(row.text) <= room else cell_pad(row.text, max(1, room))
        out.extend(self._highlighted(text, base + body + cursor))
        return out

    def _highlighted(self, text: str, style: Style) -> list[Segment]:
        words = [w for w in self.highlight.lower().split() if w]
        if not words:
            return [Segment(text, style)]
        hit = style + self.get_component_rich_style("logview--hit")
        lower = text.lower()
        marks = [False] * len(text)
        for word in words:
            start = lower.find(word)
            while start >= 0:
                for i in range(start, min(len(text), start + len(word))):
                    marks[i] = True
                start = lower.find(word, start + len(word))
        out: list[Segment] = []
        run_start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or marks[i] != marks[run_start]:
                out.append(Segment(text[run_start:i], hit if marks[run_start] else style))
                run_start = i
        return out
