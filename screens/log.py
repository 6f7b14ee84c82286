"""The duty log: the whole logbook as one scrolling view, newest at the bottom.

Filters, full-text search (Chinese words of two characters too) with jumps from hit to
hit, jump to a date; amend, follow up, acknowledge an emergency and approve an expense on
the entry under the cursor; the handover screen is one key away.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from bisect import bisect_left

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input, Static
from textual.widgets.input import Selection

from duty_desk.models.logbook import followups
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook import forms as log_forms
from duty_desk.models.logbook import query as log_query
from duty_desk.models.errors import DutyError
from duty_desk.models.logbook.query import LogFilter, LogRow
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.base import DutyScreen
from duty_desk.tui.i18n import N_, _, error_text, ngettext, pick
from duty_desk.tui.inputs import LineInput
from duty_desk.tui.labels import post_name, shift_label
from duty_desk.tui.text import plain
from duty_desk.tui.logview import PAGE, LogView, read_pages_around

from duty_desk.screens.log_dialogs import FormDialog, IncidentDialog


log = logging.getLogger("duty")

FOLLOWUP_STATES = {"open": N_("open"), "overdue": N_("overdue"), "closed": N_("closed")}


class _Read:
    """One read of the log in a thread: its answer (or error), and whether it is back."""

    def __init__(self, load):
        self.load = load
        self.result = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.shown = False

    def __call__(self) -> None:
        try:
            self.result = self.load()
        except Exception as exc:  # shown as a sentence on the UI thread
            self.error = exc
        finally:
            self.done.set()


def _holds(seqs, seq: int) -> bool:
    return log_query.position(seqs, seq) is not None


def _index(seqs, seq: int, total: int) -> int:
    """Where entry *seq* is in the view (or, filtered out, the nearest row after it)."""
    if seqs is None:
        return max(0, min(total - 1, seq - 1))
    found = log_query.position(seqs, seq)
    return max(0, min(total - 1, bisect_left(seqs, seq) if found is None else found))


def _money(cents: int | None) -> str:
    return "" if cents is None else f"¥{cents / 100:.2f}"


class LogScreen(DutyScreen):
    TITLE_MSGID = "Duty log"
    AUTO_FOCUS = "#log-view"  # focused as the screen starts: no second round of the footer's keys
    BINDINGS = [
        # priority: it runs as the key arrives, so the words typed after "/" reach the box
        Binding("slash", "search", "Search", id="log-search", priority=True),
        Binding("n", "hit(1)", "Next hit", show=False, id="log-next-hit"),
        Binding("N", "hit(-1)", "Previous hit", show=False, id="log-prev-hit"),
        Binding("f", "filter", "Filter", id="log-filter"),
        Binding("g", "goto_date", "Go to date", show=False, id="log-goto"),
        Binding("e", "amend", "Amend", id="log-amend"),
        Binding("o", "followup", "Follow-up", id="log-followup"),
        Binding("c", "close_followup", "Close follow-up", show=False, id="log-close-followup"),
        Binding("a", "acknowledge", "Acknowledge emergency", show=False, id="log-ack"),
        Binding("v", "approve", "Approve expense", show=False, id="log-approve"),
        Binding("h", "handover", "Handover", id="log-handover"),
        Binding("i", "record_about", "Record about a person", id="log-record-about"),
        Binding("escape", "clear", "Clear filter and search", show=False, id="log-clear"),
    ]

    ROLE_ACTIONS = {"amend": "log.amend", "followup": "log.followup", "close_followup": "log.followup",
                    "acknowledge": "log.acknowledge", "approve": "log.approve_expense",
                    "record_about": "log.record_about"}

    def __init__(self):
        super().__init__()
        self.filter = LogFilter()
        self.search_text = ""
        self._show_id: int | None = None  # show_entry's entry until the view is on it
        self._show_note = ""  # what the status line says when it gets there (a missing patrol)
        self._unassigned: list[int] = []  # decisions without an owner after 24 hours (002)
        self._message = ""  # what the status line says besides the counts
        self._back_to: str | None = None  # the workspace that sent us here: Esc goes back to it
        self._read: _Read | None = None  # the newest read of the log, under way or done
        self._ready = False  # on_mount has run: the view can take rows
        self._suspended = False
        try:
            self.reload()  # the first read starts with the screen, before its widgets are mounted
        except RuntimeError:  # made outside a running app: on_mount reads
            self._read = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="log-status")
        yield LogView(id="log-view")
        yield Static("", id="log-detail")
        search = LineInput(id="log-search", placeholder=_("Search the log (Chinese or English), Enter jumps"),
                       select_on_focus=False)
        search.display = False  # shown by "/"
        yield search
        yield DeskFooter()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        self._ready = True
        if self._read is None:
            self.reload()
        elif self._read.done.is_set():  # back already: draw it in the first frame
            self._arrived(self._read)

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        self.sub_title = _("Duty log")
        if self._suspended:  # back from another workspace or a dialog: the log may have grown
            self._suspended = False
            self.reload()

    # -- data -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the log again (this or another terminal wrote to it); keep the cursor's entry.

        One trip to a thread: the count (or the filter's numbers) and the pages the view
        opens on, so the first rows are drawn with the first frame that has the view.
        """
        flt = self.filter
        view = self.view if self._ready else None
        keep = view.seq_at(view.cursor) if view is not None and view.total else None
        at_end = view is None or view.total == 0 or view.cursor >= view.total - 1
        height = view.size.height if view is not None and view.size.height else self.app.size.height
        show_id = self._show_id

        def load():
            # Rows in the order things happened: the numbers' order, unless a back-dated
            # entry or an amendment with its original's time broke it (log_query.time_order).
            everything = log_query.time_order() if flt.empty or show_id is not None else None
            if flt.empty and show_id is None and at_end and everything is None:  # the usual opening
                total, pages = log_query.opening(PAGE, height)
                return total, None, total - 1, pages, None, None, False
            seqs = everything if flt.empty else log_query.filtered_seqs(flt)
            target = log_query.seq_of(show_id) if show_id is not None else None
            dropped = target is not None and seqs is not None and not flt.empty and not _holds(seqs, target)
            if dropped:
                seqs = everything  # the entry asked for is filtered out: show the whole log
            total = log_query.total() if seqs is None else len(seqs)
            wanted = target if target is not None else (None if at_end else keep)
            cursor = total - 1 if wanted is None else _index(seqs, wanted, total)
            pages = read_pages_around((cursor - height, cursor, cursor + height), total, seqs)
            return total, seqs, cursor, pages, show_id, target, dropped

        # The thread starts now, not when a worker's task gets its turn (the first read runs
        # while the screen is still being mounted); the worker waits for it. A newer read
        # does not cancel an older one (a cancelled worker fails whoever waits for it): the
        # older answer is dropped when it comes.
        read = self._read = _Read(load)
        future = asyncio.get_running_loop().run_in_executor(None, read)

        async def arrive() -> None:
            await future
            self._arrived(read)

        self.run_worker(arrive, group="log-reload", exit_on_error=False, description="log reload")

    def _arrived(self, read: "_Read") -> None:
        if read is not self._read or read.shown or not self._ready:
            return  # replaced by a newer read, drawn already, or on_mount draws it
        read.shown = True
        if read.error is not None:
            if not isinstance(read.error, DutyError):
                log.error("reading the duty log failed", exc_info=read.error)
            self.show_error(read.error)
            return
        self._show_loaded(read.result)

    def _show_loaded(self, result) -> None:
        total, seqs, cursor, pages, show_id, target, dropped = result
        message = ""
        if show_id is not None and show_id == self._show_id:
            self._show_id = None
            if target is None:
                message = _("There is no log entry {id}.").format(id=show_id)
                self.notify(message, severity="warning")
            else:
                if dropped:
                    self.filter = LogFilter()  # it hid the entry asked for
                    self.search_text = ""
                    self.view.highlight = ""
                self.view.shown = target
                message = _("entry #{seq}").format(seq=target)
        self.view.set_source(total, seqs, cursor, pages)
        if message and self._show_note:  # a patrol slot: named, with the entries before it too
            self.view.centre()
            message = ""
        self.show_status(message)
        # After the rows are drawn: decisions nobody was assigned within 24 hours (002).
        self.fetch(followups.unassigned_decisions, then=self._flag_unassigned, group="log-flags", exclusive=False)

    def _flag_unassigned(self, found) -> None:
        flagged = [d.seq for d in found or ()]
        if flagged != self._unassigned:
            self._unassigned = flagged
            self.show_status(self._message)  # the line keeps what it said

    def show_entry(self, entry_id: int, note: str = "") -> None:
        """Jump to the entry *entry_id* and mark it (the score review shows a deduction's evidence).

        Safe right after ``switch_mode("log")``: a read already under way is replaced by one
        that goes to the entry; a filter that hides it is dropped.
        """
        self._show_note = note
        self._show_id = entry_id
        self.reload()

    def show_patrol_slot(self, slot) -> None:
        """Open at the entries around a patrol that was due and never came, the slot named
        in the status line (a missed patrol's evidence is the absence of an entry)."""
        note = _("Patrol due at {post} {time} — missing").format(post=post_name(slot.post),
                                                                  time=f"{slot.due_at:%m-%d %H:%M}")
        if slot.entry_id is None:  # an empty log: nothing to stand on, the line says it all
            self._show_note = note
            self.show_status()
            return
        self.show_entry(slot.entry_id, note)

    def come_back_to(self, workspace: str) -> None:
        """Esc returns to *workspace* (the scoresheet that opened this evidence), as it was."""
        self._back_to = workspace

    def log_changed(self, entry_id: int) -> None:
        """An entry was written here (an amendment, a follow-up closed): show it."""
        if self.filter.empty and self.view.cursor >= self.view.total - 1:
            self.fetch(log_query.tail, PAGE, then=lambda result: self.log_appended(entry_id, *result),
                       group="log-grow")
        else:
            self.reload()

    def log_appended(self, entry_id: int, total: int, last_page) -> None:
        """The quick entry saved an entry and read the log's last page: draw it at once."""
        new = next((row for row in last_page or () if row.id == entry_id), None)
        if new is not None and self.filter.empty and new.at != new.created:
            # Back-dated (or an amendment, at its original's time): the row goes among the
            # rows of its time, not to the end, and the view goes there with it.
            self.show_entry(entry_id)
        elif self.filter.empty and self.view.seqs is None and (
                self.view.total == 0 or self.view.cursor >= self.view.total - 1):
            self.view.appended(total, last_page)
            self.show_status()
        else:
            self.reload()

    def show_error(self, error: BaseException) -> None:
        """A refusal also stays in the status line, where the eye is, until the next change."""
        super().show_error(error)
        if self._ready:
            self.show_status(error_text(error))

    def show_status(self, message: str = "") -> None:
        self._message = message
        parts = [ngettext("{count} entry", "{count} entries", self.view.total).format(count=f"{self.view.total:,}")]
        if not self.filter.empty:
            parts.append(_("filtered"))
        if self.search_text:
            parts.append(_("search “{text}”").format(text=self.search_text))
        if message:
            parts.append(message)
        if self._show_note:  # the evidence asked for stays named until Esc or the next jump
            parts.append(self._show_note)
        if self._unassigned:
            shown = ", ".join(f"#{seq}" for seq in self._unassigned[-3:])
            more = len(self._unassigned) - 3
            parts.append(_(followups.UNASSIGNED_NOTICE).format(entries=shown + (f" (+{more})" if more > 0 else "")))
        # plain: the search words are typed text
        self.query_one("#log-status", Static).update(plain(" · ".join(parts)), layout=False)  # fixed height

    @on(LogView.CursorMoved)
    def cursor_moved(self, event: LogView.CursorMoved) -> None:
        self.query_one("#log-detail", Static).update(self.detail(event.row), layout=False)  # fixed height

    def detail(self, row: LogRow | None) -> Text:
        if row is None:
            return Text(_("The log is empty: press ctrl+n to write the first entry.") if self.view.total == 0 else "")
        text = Text()
        text.append(f"#{row.seq} ", style="bold")
        if row.amends_seq:  # on the first line: the detail shows two lines, the notes may not fit
            text.append(_("corrects #{seq}").format(seq=row.amends_seq) + " · ", style="bold")
        text.append(plain(f"{row.at:%Y-%m-%d %H:%M} · {pick(row.category_zh, row.category_en)} · "
                          f"{post_name(row.post)} · {row.author} · {shift_label(row.shift)}"))
        if row.severity == "emergency":
            text.append("  " + (_("acknowledged") if row.acknowledged else _("EMERGENCY, not acknowledged")),
                        style="bold")
        text.append(plain("\n" + row.text))
        notes = []
        if row.amends_seq:
            notes.append(_("corrects entry #{seq}").format(seq=row.amends_seq))
        if row.amended:
            notes.append(_("corrected by a later entry"))
        if row.followup:
            notes.append(_("follow-up: {state}").format(state=_(FOLLOWUP_STATES[row.followup])))
        if row.amount_cents is not None:
            if row.waiting_approval:
                notes.append(_("{amount} waits for a shift lead's approval").format(amount=_money(row.amount_cents)))
            elif row.needs_approval:
                notes.append(_("{amount} approved").format(amount=_money(row.amount_cents)) if row.decision
                             else _("{amount} refused").format(amount=_money(row.amount_cents)))
            else:
                notes.append(_("{amount} settled").format(amount=_money(row.amount_cents)))
        if notes:
            text.append("\n" + " · ".join(notes), style="italic")
        return text

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "search" and isinstance(self.focused, Input):
            return False  # a priority key: in the search box "/" is a character
        return super().check_action(action, parameters)

    # -- search, filter, jump -------------------------------------------------------------
    def action_search(self) -> None:
        box = self.query_one("#log-search", Input)
        box.display = True
        box.value = self.search_text
        box.selection = Selection(0, len(box.value))  # typing replaces the last search; Enter repeats it
        self.set_focus(box)  # now, not on a later turn: the next key typed is already for the box

    @on(Input.Submitted, "#log-search")
    def search_submitted(self, event: Input.Submitted) -> None:
        self.search_text = event.value.strip()
        self.view.highlight = self.search_text
        event.input.display = False
        self.view.focus()
        self.view.refresh()
        if self.search_text:
            self.jump_hit(-1, fresh=True)
        else:
            self.show_status()

    def on_key(self, event) -> None:
        box = self.query_one("#log-search", Input)
        if self.focused is box and event.key == "escape":
            box.display = False
            self.view.focus()
            event.stop()

    def action_hit(self, direction: int) -> None:
        if not self.search_text:
            self.action_search()
            return
        self.jump_hit(direction)

    def jump_hit(self, direction: int, fresh: bool = False) -> None:
        """Go to the next hit; a fresh search starts from the newest entry backwards."""
        text = self.search_text
        view = self.view
        if fresh:
            here, direction = (view.seq_at(view.total - 1) or 0) + 1, -1
        else:
            here = view.seq_at(view.cursor) or 0

        def find():
            seq = log_query.next_hit(text, here, backwards=direction < 0)
            # In a filtered view, walk on until a hit that the filter shows.
            while seq is not None and view.index_of_seq(seq) is None:
                seq = log_query.next_hit(text, seq, backwards=direction < 0)
            return seq

        def show(seq):
            if seq is None:
                self.show_status(_("no hits for “{text}”").format(text=text) if fresh else _("no more hits"))
                self.app.bell()
                return
            view.go(view.index_of_seq(seq))
            self.show_status(_("hit at #{seq}").format(seq=seq))

        self.fetch(find, then=show, group="log-search")

    def action_filter(self) -> None:
        f = self.filter
        names = {}
        fields = [
            ("start", N_("From date (2026-11-20, 11-20, today)"), f.start.isoformat() if f.start else ""),
            ("end", N_("To date"), f.end.isoformat() if f.end else ""),
            ("categories", N_("Categories (prefixes, e.g. p, v, f)"), ",".join(f.categories)),
            ("severity", N_("Severity (normal, important, emergency)"), f.severity or ""),
            ("post", N_("Post"), f.post or ""),
            ("author", N_("Author"), names.get(f.author_id, "")),
            ("followups", N_("Only entries with open follow-ups (y/n)"), "y" if f.open_followups else ""),
            ("text", N_("Only entries containing"), f.text),
        ]
        self.app.push_screen(FormDialog(N_("Filter the log"), fields, log_forms.build_filter,
                                        hint=N_("Empty fields filter nothing. Enter moves on; "
                                                "Enter on the last applies.")),
                             self._filtered)

    def _filtered(self, flt: LogFilter | None) -> None:
        if flt is None:
            return
        self.filter = flt
        if flt.text:
            self.view.highlight = flt.text
        self.view.total = 0
        self.reload()

    def action_clear(self) -> None:
        self._show_note = ""
        if self._back_to is not None:  # evidence was shown: Esc goes back to where it was asked for
            back, self._back_to = self._back_to, None
            self.show_status()
            self.app.switch_mode(back)
            return
        self.filter = LogFilter()
        self.search_text = ""
        self.view.highlight = ""
        self.view.total = 0
        self.reload()

    def action_goto_date(self) -> None:
        def go(values):
            day = log_forms.parse_date(values["day"], "day")
            if day is None:
                return None
            return log_query.seq_at(dt.datetime.combine(day, dt.time()))

        fields = [("day", N_("Date (2026-11-20, 11-20, today, yesterday)"), "")]
        self.app.push_screen(FormDialog(N_("Go to date"), fields, go),
                             self._went)

    def _went(self, seq: int | None) -> None:
        if seq is None:
            return
        index = self.view.index_of_seq(seq)
        if index is None and self.view.seqs is not None:
            from bisect import bisect_left

            index = min(len(self.view.seqs) - 1, bisect_left(self.view.seqs, seq))
        if index is not None:
            self.view.go(index)

    # -- acting on the entry under the cursor ---------------------------------------------
    def _current(self) -> LogRow | None:
        row = self.view.current
        if row is None:
            self.notify(_("Choose an entry first."), severity="warning")
        return row

    def action_amend(self) -> None:
        row = self._current()
        if row is None:
            return
        self.app.push_screen(
            FormDialog(N_("Amend entry"),
                       [("line", N_("The corrected entry (the original stays as written)"), row.text)],
                       lambda v: log_entries.amend(row.id, v["line"]),
                       hint=N_("A correction is a new entry that points at the original.")),
            self._written)

    def _written(self, entry_id) -> None:
        if entry_id:
            self.view.invalidate()
            self.log_changed(entry_id)

    def action_followup(self) -> None:
        row = self._current()
        if row is None:
            return
        # 002: the decision gets its owner within 24 hours; the deadline is the assigner's own.
        fields = [("owner", N_("Owner (a name)"), ""), ("due", N_("Deadline, if any (+3d, 14:00, 11-21 14:00)"), ""),
                  ("what", N_("What is to be done"), row.text[:200])]

        def open_it(values):
            due = followups.deadline(values["due"], log_entries.now())
            return followups.open_followup(row.id, values["owner"], due, values["what"])

        self.app.push_screen(FormDialog(N_("Open a follow-up"), fields, open_it), self._changed)

    def _changed(self, answer) -> None:
        if answer:
            self.view.invalidate()

    def action_record_about(self) -> None:
        self.app.push_screen(IncidentDialog(), self._recorded)

    def _recorded(self, answer) -> None:
        if answer is None:
            return
        self.view.invalidate()
        if answer.fact_id is None:
            self.notify(_("Recorded; the value is on target, so no points follow."))
        else:
            self.notify(_("Recorded; it is proposed on the person's appraisal for a supervisor to decide."))

    def action_close_followup(self) -> None:
        row = self._current()
        if row is None:
            return

        def close(values):
            open_ones = [f for f in followups.for_entry(row.id) if f.is_open]
            if not open_ones:
                from duty_desk.models.errors import DutyError, N_

                raise DutyError(N_("This entry has no open follow-up."))
            return followups.close_followup(open_ones[0].id, values["note"])

        self.app.push_screen(FormDialog(N_("Close the follow-up"), [("note", N_("How was it settled?"), "")], close),
                             self._written)

    def action_acknowledge(self) -> None:
        row = self._current()
        if row is None:
            return
        self.fetch(log_entries.acknowledge, row.id, then=self._acknowledged)

    def _acknowledged(self, _result) -> None:
        self.view.invalidate()
        self.notify(_("Emergency acknowledged."))
        watch = getattr(self.app, "emergency_watch", None)
        if watch is not None:
            watch.poll()

    def action_approve(self) -> None:
        row = self._current()
        if row is None:
            return

        def decide(values):
            answer = values["approve"].strip().lower()
            if answer not in ("y", "n", "yes", "no", "是", "否"):
                from duty_desk.models.errors import N_, ValidationError

                raise ValidationError(N_("Answer y to approve or n to refuse."), field="approve")
            log_entries.decide_expense(row.id, answer in ("y", "yes", "是"), values["note"])
            return True

        self.app.push_screen(FormDialog(N_("Approve the expense"),
                                        [("approve", N_("Approve? (y/n)"), "y"), ("note", N_("Note"), "")], decide),
                             self._changed)

    def action_handover(self) -> None:
        from duty_desk.screens.handover import HandoverScreen

        self.app.push_screen(HandoverScreen())

    def palette_commands(self):
        return [
            (N_("Search the log"), self.action_search, N_("Find words in Chinese or English")),
            (N_("Filter the log"), self.action_filter, N_("Date range, category, severity, post, author")),
            (N_("Go to date"), self.action_goto_date, N_("Jump to the first entry of a day")),
            (N_("Amend entry"), self.action_amend, N_("Correct the entry under the cursor")),
            (N_("Open a follow-up"), self.action_followup, N_("An owner and a deadline for the entry")),
            (N_("Close the follow-up"), self.action_close_followup, N_("With a note on how it was settled")),
            (N_("Acknowledge emergency"), self.action_acknowledge, N_("A shift lead takes charge")),
            (N_("Approve the expense"), self.action_approve, N_("Above the limit a shift lead decides")),
            (N_("Handover"), self.action_handover, N_("Close the shift or countersign")),
        ]
