"""A view over the whole duty log on Textual's Line API: rows are paged in from SQLite.

The widget knows only how many rows there are and keeps a few pages of plain rows around
what is on screen (a ``DataTable`` would build every row in Python first: far too slow for
a million entries). Missing pages are read by a thread worker; until they arrive their
lines show a dim placeholder, so a key press never waits for the database and
``render_line`` never touches it.

A key press stays cheap: moving the cursor repaints only the two lines it leaves and
enters (a scroll repaints the view), drawn lines are kept as strips, and the styles are
looked up once until the stylesheet, the theme or the focus changes.
"""

from __future__ import annotations

from array import array
from typing import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from duty_desk.models.logbook import query as log_query
from duty_desk.models.logbook.query import LogRow
from duty_desk.models.safe_text import printable

from duty_desk.tui.cursor_keys import cursor_bindings
from duty_desk.tui.i18n import N_, pick
from duty_desk.tui.labels import post_name
from duty_desk.tui.text import cell_pad

PAGE = 128
KEEP_PAGES = 24
KEEP_STRIPS = 600  # drawn lines kept (a few screens' worth, both cursor states)

Pages = dict[int, list[LogRow | None]]


def read_page(page: int, total: int, seqs: array | None) -> list[LogRow | None]:
    """The rows of *page* (in a thread): every entry, or the entries numbered in *seqs*."""
    start = page * PAGE
    stop = min(total, start + PAGE)
    if start >= stop:
        return []
    post_name("")  # the roster's names are read here, in the thread, not while drawing
    if seqs is None:
        return log_query.rows_between(start + 1, stop)
    wanted = list(seqs[start:stop])
    found = {row.seq: row for row in log_query.rows_for(wanted)}
    return [found.get(seq) for seq in wanted]  # an entry gone behind our back stays a gap


def read_pages_around(indexes, total: int, seqs: array | None) -> Pages:
    """The pages holding *indexes* (in a thread): what a view needs to open without waiting."""
    pages = {i // PAGE for i in indexes if 0 <= i < total}
    return {page: read_page(page, total, seqs) for page in sorted(pages)}


class LogView(ScrollView, can_focus=True):
    """The duty log, newest at the bottom; a cursor row picks the entry to act on."""

    BINDINGS = cursor_bindings("log", N_("Previous entry"), N_("Next entry"), N_("First entry"), N_("Newest entry"))
    COMPONENT_CLASSES = {"logview--cursor", "logview--emergency", "logview--important", "logview--dim",
                         "logview--hit", "logview--marker", "logview--shown"}
    DEFAULT_CSS = """
    LogView { height: 1fr; overflow-x: hidden; overflow-y: hidden; background: $surface; }
    LogView > .logview--cursor { background: $accent 40%; text-style: bold; }
    LogView:focus > .logview--cursor { background: $accent 70%; }
    LogView > .logview--emergency { color: $error; text-style: bold; }
    LogView > .logview--important { color: $warning; }
    LogView > .logview--dim { color: $text-muted; }
    LogView > .logview--hit { background: $warning 50%; }
    LogView > .logview--marker { color: $accent; text-style: bold; }
    LogView > .logview--shown { background: $warning 30%; text-style: bold; }
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
        self.seqs: array | None = None  # None: every entry, row n is seq n + 1; else numbers in time order
        self._highlight = ""
        self._shown: int | None = None  # the entry show_entry pointed at (its seq)
        self._pages: Pages = {}
        self._loading: set[int] = set()
        self._generation = 0
        self._strips: dict[tuple[int, bool], Strip] = {}
        self._styles: dict[str, Style] = {}
        self._source_changed = False
        self.fetch_page: Callable[[int, int], list[LogRow | None]] = self._fetch_page

    # -- what is drawn, and when it must be drawn again -----------------------------------
    @property
    def highlight(self) -> str:
        """Words marked in every line (the search)."""
        return self._highlight

    @highlight.setter
    def highlight(self, words: str) -> None:
        if words != self._highlight:
            self._highlight = words
            self.refresh()

    @property
    def shown(self) -> int | None:
        """The number of the entry marked as the one asked for (``LogScreen.show_entry``)."""
        return self._shown

    @shown.setter
    def shown(self, seq: int | None) -> None:
        if seq != self._shown:
            self._shown = seq
            self.refresh()

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        # Without regions everything may look different (new rows, styles, focus, theme):
        # forget the drawn lines. A scroll or a cursor move names its regions and keeps them.
        if not regions and repaint:
            self._strips.clear()
            self._styles.clear()
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def notify_style_update(self) -> None:
        self._strips.clear()
        self._styles.clear()
        super().notify_style_update()

    def on_focus(self) -> None:
        self.refresh()  # the cursor line is drawn brighter with the focus

    def on_blur(self) -> None:
        self.refresh()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if name == "" else self.get_component_rich_style(name)
            self._styles[name] = style
        return style

    # -- the data source ------------------------------------------------------------------
    def set_source(self, total: int, seqs: array | None, cursor: int | None = None,
                   pages: Pages | None = None) -> None:
        """Show *total* rows (every entry, or the numbers in *seqs*); cursor at the end by default.

        *pages* are rows read already (``read_pages_around``): the view opens with them drawn.
        """
        self._generation += 1
        self.seqs = seqs
        self.total = len(seqs) if seqs is not None else total
        self._pages = dict(pages or {})
        self._loading.clear()
        self._source_changed = True
        self.virtual_size = Size(self.size.width, self.total)
        self.refresh()
        self.cursor = self.total - 1 if cursor is None else max(0, min(cursor, self.total - 1))
        self.post_message(self.Loaded())

    def grow(self, total: int, last_page: list[LogRow] | None = None) -> None:
        """New entries were appended (unfiltered view): extend, keep what is loaded.

        The page the new rows went into is read again, unless *last_page* brings it.
        """
        if self.seqs is not None or total < self.total or (total == self.total and last_page is None):
            return
        old_last = (self.total - 1) // PAGE if self.total else None
        new_last = (total - 1) // PAGE
        self._generation += 1  # a page read before the append would come back short
        self._loading.clear()
        for page in {old_last, new_last}:
            self._pages.pop(page, None)
        if last_page:
            self._pages[new_last] = last_page
        at_end = self.cursor >= self.total - 1
        self.total = total
        self._source_changed = True
        self.virtual_size = Size(self.size.width, total)
        self.refresh(self.size.region)  # the rows drawn already stay as they are
        if at_end:
            self.cursor = total - 1
        else:
            self._prefetch()

    def appended(self, total: int, last_page: list[LogRow]) -> None:
        """New entries were appended (unfiltered view) and the last page is read already."""
        self.grow(total, last_page)

    def index_of_seq(self, seq: int) -> int | None:
        if self.seqs is None:
            return seq - 1 if 1 <= seq <= self.total else None
        return log_query.position(self.seqs, seq)

    def seq_at(self, index: int) -> int | None:
        if not 0 <= index < self.total:
            return None
        return index + 1 if self.seqs is None else self.seqs[index]

    def _fetch_page(self, page: int, generation: int) -> list[LogRow | None]:
        return read_page(page, self.total, self.seqs)

    def _request(self, page: int) -> None:
        if page in self._pages or page in self._loading or page < 0 or page * PAGE >= self.total:
            return
        self._loading.add(page)
        generation = self._generation

        def job():
            rows = self.fetch_page(page, generation)
            self.app.call_from_thread(self._arrived, page, generation, rows)

        self.run_worker(job, thread=True, group=f"logview-{page}", exit_on_error=False)

    def _arrived(self, page: int, generation: int, rows: list[LogRow | None]) -> None:
        if generation != self._generation:
            return
        self._loading.discard(page)
        self._pages[page] = rows
        if len(self._pages) > KEEP_PAGES:  # forget the pages farthest from the cursor
            here = self.cursor // PAGE
            for far in sorted(self._pages, key=lambda p: -abs(p - here))[:len(self._pages) - KEEP_PAGES]:
                del self._pages[far]
        top = int(self.scroll_offset.y)
        first, last = page * PAGE, page * PAGE + len(rows)
        if first < top + self.size.height and last > top:  # placeholders on screen: draw the rows
            self.refresh(self.size.region)
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
        """Ask for the pages on screen and half a page beyond either edge, before they are needed."""
        top = int(self.scroll_offset.y)
        height = max(1, self.size.height)
        for index in (top - PAGE // 2, top, top + height, top + height + PAGE // 2, self.cursor):
            self._request(max(0, index) // PAGE)

    # -- moving ---------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        if self.total == 0:
            self.refresh()
            self.post_message(self.CursorMoved(self, None))
            return
        if not self._follow_cursor():  # no scroll: only the two lines change
            for index in {old, new}:
                if 0 <= index < self.total:
                    self.refresh_line(index)
        if self._source_changed:  # the new virtual size is laid out after the next refresh
            self._source_changed = False
            self.call_after_refresh(self._follow_cursor)
        self._prefetch()
        self.post_message(self.CursorMoved(self, self.row_at(new)))

    def _follow_cursor(self) -> bool:
        """Scroll just enough to keep the cursor's row in sight; whether it scrolled."""
        height = max(1, self.size.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True, force=True)
        return int(self.scroll_offset.y) != top

    def centre(self) -> None:
        """Put the cursor's row in the middle: what came before it shows too (evidence)."""
        height = max(1, self.size.height)
        self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, immediate=True, force=True)

    def go(self, index: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, index))

    def action_move(self, delta: int) -> None:
        self.go(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.go(self.cursor + direction * max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.go(0)

    def action_last(self) -> None:
        self.go(self.total - 1)

    def on_mouse_scroll_up(self, event) -> None:
        event.stop()
        self.action_move(-3)

    def on_mouse_scroll_down(self, event) -> None:
        event.stop()
        self.action_move(3)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._prefetch()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total)
        self.refresh()
        self._prefetch()

    # -- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width  # no scrollbar: a million rows would make its thumb a dot
        index = int(self.scroll_offset.y) + y
        if index >= self.total:
            return Strip.blank(width, self._style(""))
        selected = index == self.cursor
        key = (index, selected)
        strip = self._strips.get(key)
        if strip is not None and strip.cell_length == width:
            return strip
        row = self.row_at(index)
        if row is None:  # not read yet: a placeholder now, the rows when their page arrives
            self._request(index // PAGE)
            style = self._style("logview--dim")
            if selected:
                style += self._style("logview--cursor")
            return Strip([Segment(cell_pad(f"{self.seq_at(index) or '':>7} …", width), style)], width)
        strip = Strip(self._segments(row, width, selected)).crop_extend(0, width, self._style(""))
        if len(self._strips) >= KEEP_STRIPS:
            self._strips.clear()
        self._strips[key] = strip
        return strip

    def _segments(self, row: LogRow, width: int, selected: bool) -> list[Segment]:
        base = self._style("")
        dim = self._style("logview--dim")
        marker = self._style("logview--marker")
        if row.severity == "emergency":
            body = self._style("logview--emergency")
        elif row.severity == "important":
            body = self._style("logview--important")
        else:
            body = Style()
        cursor = self._style("logview--cursor") if selected else Style()
        if row.seq == self._shown:
            cursor = self._style("logview--shown") + cursor

        def seg(text: str, style: Style) -> Segment:
            return Segment(text, base + style + cursor)

        marks = "▶ " if row.seq == self._shown else ""
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
        # Segments go to the terminal as they are: stored text must carry no control characters.
        # the category, post and author columns widen with the view (200 columns), as the
        # roster's and the review's do; a post the roster knows is named in the interface's language
        out = [seg(f"{row.at:%m-%d %H:%M} ", dim),
               seg(cell_pad(printable(pick(row.category_zh, row.category_en)), max(9, width // 12)) + " ", body),
               seg(cell_pad(printable(post_name(row.post)), max(8, width // 14)) + " ", dim),
               seg(cell_pad(printable(row.author), max(7, width // 18)) + " ", Style())]
        used = sum(cell_len(s.text) for s in out)
        room = max(0, width - used)
        if marks:
            out.append(seg(marks.rstrip() + " ", marker))
            room -= cell_len(marks.rstrip()) + 1
        text = printable(row.text)
        text = text if cell_len(text) <= room else cell_pad(text, max(1, room))
        out.extend(self._highlighted(text, base + body + cursor))
        return out

    def _highlighted(self, text: str, style: Style) -> list[Segment]:
        words = [w for w in self._highlight.lower().split() if w]
        if not words:
            return [Segment(text, style)]
        hit = style + self._style("logview--hit")
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
