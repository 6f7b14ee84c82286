"""Quick entry (ctrl+n from every screen): one line, Enter commits, the line is ready again.

Up and Down choose the category (or type its prefix: ``p:`` patrol, ``v:`` visitor …);
a leading ``14:05`` sets the time, ``@东门`` the post, ``!!`` makes it an emergency and
``¥35`` gives an expense its amount. A mistake shows under the line and the line stays.
"""

from __future__ import annotations

import asyncio
import logging

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook import query as log_query
from duty_desk.models.errors import DutyError
from duty_desk.models.logbook.quick_entry import CategoryRef
from duty_desk.tui.base import DutyModal
from duty_desk.tui.i18n import N_, _, error_text, pick
from duty_desk.tui.ask import Ask
from duty_desk.tui.inputs import LineInput
from duty_desk.tui.text import plain
from duty_desk.tui.logview import PAGE


log = logging.getLogger("duty")


def _save(line: str, category: str, tail: bool, new_post: bool):
    """Write the line (in a thread); its id, its row and, if asked, the log's last page."""
    entry_id = log_entries.add(line, category, new_post=new_post)
    return entry_id, log_query.row(entry_id), log_query.tail(PAGE) if tail else None


SHIFT_WORDS = {"day": N_("day shift"), "night": N_("night shift")}


def shift_text(label: str) -> str:
    """``2026-11-19 night`` in the interface's language (a roster's own label stays as it is)."""
    day, _sep, kind = label.rpartition(" ")
    return f"{day} {_(SHIFT_WORDS[kind])}" if day and kind in SHIFT_WORDS else label


def saved_text(entry_id: int, row) -> str:
    """What the hint says after a save: for a time typed, the day and shift it went to."""
    if row is None or row.at == row.created:
        return _("Saved entry {id}. Type the next one, or Esc.").format(id=entry_id)
    days = (row.created.date() - row.at.date()).days
    shift = shift_text(row.shift)
    time = f"{row.at:%H:%M}"
    if days == 1 and row.at.time() > row.created.time():  # 23:50 typed at 13:30
        return _("{time} is later than now, so entry {id} went to yesterday ({shift}).").format(
            time=time, id=entry_id, shift=shift)
    day = {0: _("today"), 1: _("yesterday")}.get(days, f"{row.at:%Y-%m-%d}")
    return _("Saved entry {id} at {time} {day} ({shift}).").format(id=entry_id, time=time, day=day, shift=shift)


class QuickEntry(DutyModal):
    BINDINGS = [
        Binding("escape", "close", "Close", id="quick-close"),
        Binding("up", "category(-1)", "Previous category", show=False, id="quick-cat-up"),
        Binding("down", "category(1)", "Next category", show=False, id="quick-cat-down"),
    ]

    def __init__(self, category: str = "other"):
        super().__init__()
        self.categories: list[CategoryRef] = []
        self.category = category
        self.saved: list[int] = []
        self.waiting: list[tuple[str, str, bool]] = []  # lines handed in, in order, not saved yet
        self.asking: tuple[str, str] | None = None  # a line naming a new post, asked about
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="quick-entry"):
            yield Static(_("New log entry"), classes="dialog-title")
            yield Label("", id="quick-category")
            yield LineInput(id="quick-line", clear_on_submit=True, placeholder=_("14:05 p: @东门 what happened"),
                            select_on_focus=False)
            yield Label("", id="quick-error", classes="error")
            yield Static(_("Enter saves · ↑↓ or p: v: t: f: s: e: m: h: x: o: · @post · !! emergency"),
                         id="quick-hint", classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))  # at once, not on a later turn: the held keys go to it
        release = getattr(self.app, "release_keys", None)
        if release is not None:
            release()
        self.fetch(log_entries.categories, then=self._categories, group="quick-cats")

    def _categories(self, cats: list[CategoryRef]) -> None:
        self.categories = cats
        if self.category not in [c.key for c in cats] and cats:
            self.category = cats[-1].key
        self._show_category()

    def _show_category(self) -> None:
        cat = next((c for c in self.categories if c.key == self.category), None)
        if cat:
            self.query_one("#quick-category", Label).update(
                plain(_("Category: {name} ({prefix}:)").format(name=pick(cat.name_zh, cat.name_en), prefix=cat.prefix)))

    def action_category(self, delta: int) -> None:
        keys = [c.key for c in self.categories]
        if keys:
            i = keys.index(self.category) if self.category in keys else 0
            self.category = keys[(i + delta) % len(keys)]
            self._show_category()

    @on(Input.Submitted, "#quick-line")
    def submit(self, event: Input.Submitted) -> None:
        # The line left the box with Enter (LineInput): keys typed after Enter, before the
        # save is back, are the next line.
        if not event.value.strip():
            return
        self.waiting.append((event.value, self.category, False))  # saved one after another, in order
        self._save_next()

    def _save_next(self) -> None:
        if self.busy or not self.waiting:
            return
        self.busy = True
        error = self.query_one("#quick-error", Label)
        if error.has_class("-shown"):
            error.update("")
            error.remove_class("-shown")
        text, category, new_post = self.waiting[0]
        # One trip to a thread, started at once rather than when a worker's task gets its
        # turn: save, then read the log's last page for a log screen below, so the new row
        # is drawn as soon as the answer is back. The worker only waits for the thread.
        tail = any(hasattr(screen, "log_appended") for screen in self.app.screen_stack)
        future = asyncio.get_running_loop().run_in_executor(None, _save, text, category, tail, new_post)

        async def saved() -> None:
            try:
                result = await future
            except Exception as exc:  # a sentence at the line, never a traceback
                if not isinstance(exc, DutyError):
                    log.error("saving a log entry failed", exc_info=exc)
                self._failed(exc)
                return
            self._saved(result)

        self.run_worker(saved, group="quick-save", exit_on_error=False, description="quick entry")

    def _saved(self, result) -> None:
        entry_id, row, tail = result
        severity = row.severity if row is not None else None
        self.busy = False
        self.waiting.pop(0)
        self.saved.append(entry_id)
        for screen in self.app.screen_stack:
            if tail is not None and hasattr(screen, "log_appended"):
                screen.log_appended(entry_id, *tail)
            elif hasattr(screen, "log_changed"):
                screen.log_changed(entry_id)
        self.query_one("#quick-hint", Static).update(plain(saved_text(entry_id, row)))
        watch = getattr(self.app, "emergency_watch", None)
        if watch is not None and severity == "emergency":
            watch.poll()
        self._save_next()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        failed, category, _new_post = self.waiting.pop(0)
        line = self.query_one(Input)
        # The refused line comes back to be mended; anything typed since stays after it.
        line.value = failed + (" " + line.value if line.value.strip() else "")
        line.cursor_position = len(failed)
        self.category = category
        label = self.query_one("#quick-error", Label)
        label.update(plain(error_text(error)))
        label.add_class("-shown")
        self.set_focus(line)
        if isinstance(error, log_entries.NewPost):  # asked once: Enter makes the post, Esc mends the line
            self.asking = (failed, category)
            self.app.push_screen(Ask(_("Start a new post “{post}”?").format(post=error.params["post"]),
                                     error_text(error), yes=_("Enter: new post"), no=_("Esc: back to the line")),
                                 self._new_post_answer)

    def _new_post_answer(self, yes: bool | None) -> None:
        asked, self.asking = self.asking, None
        if not yes or asked is None:
            return
        failed, category = asked
        line = self.query_one(Input)
        if line.value.startswith(failed):  # the line came back for mending: it leaves again
            line.value = line.value[len(failed):].lstrip()
        label = self.query_one("#quick-error", Label)
        label.update("")
        label.remove_class("-shown")
        self.waiting.insert(0, (failed, category, True))
        self._save_next()

    @property
    def unsaved(self) -> str:
        """Text typed here and not saved yet (asked about before the app quits)."""
        pending = [text for text, _category, _new in self.waiting]
        if self.is_mounted and self.query_one(Input).value.strip():
            pending.append(self.query_one(Input).value)
        return "\n".join(pending)

    def action_close(self) -> None:
        self.dismiss(self.saved)
