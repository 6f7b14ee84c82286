"""The roster: one post's week as a grid of days × shifts, its warnings beside it.

Arrow keys move over the grid, Enter assigns a person through a picker; x removes, r turns
a duty lead/officer, s asks for a swap, w lists swaps, g generates a rotation, n/p/t go
to the next, previous and this week, [ and ] change the post. Warnings show in their cell
and in the panel below; a shift lead accepts one with a.
"""

from __future__ import annotations

import datetime as dt

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from models import checkin, coverage, roster
from models.roster_week import WeekView, week
from models.session import current_actor
from tui.base import DutyScreen
from tui.i18n import N_, _, error_text, pick
from tui.text import cell_pad

from .roster_dialogs import (ChooseDuty, ExportDialog, FairnessDialog, LeaveDialog, PersonPicker, RotationDialog,
                             ShiftDialog, SwapDialog, SwapsDialog)

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
SHORT = {"no_lead": N_("no lead"), "rest": N_("rest"), "leave": N_("leave"), "double": N_("double")}
LABEL_WIDTH = 6


def today() -> dt.date:
    """The day the screen opens on (tests pin it)."""
    return dt.date.today()


class RosterScreen(DutyScreen):
    TITLE_MSGID = "Roster"
    BINDINGS = [
        Binding("enter", "assign", "Assign", id="roster-assign"),
        Binding("x", "remove", "Remove", id="roster-remove"),
        Binding("delete", "remove", "Remove", show=False, id="roster-remove-alt"),
        Binding("s", "swap", "Swap", id="roster-swap"),
        Binding("w", "swaps", "Swaps", id="roster-swaps"),
        Binding("a", "accept", "Accept warning", id="roster-accept"),
        Binding("g", "generate", "Rotation", id="roster-generate"),
        Binding("p", "week(-1)", "Previous week", id="roster-previous"),
        Binding("n", "week(1)", "Next week", id="roster-next"),
        Binding("t", "this_week", "This week", id="roster-today"),
        Binding("right_square_bracket", "post(1)", "Next post", show=False, id="roster-next-post"),
        Binding("left_square_bracket", "post(-1)", "Previous post", show=False, id="roster-previous-post"),
        Binding("r", "toggle_role", "Lead or officer", show=False, id="roster-role"),
        Binding("c", "check", "Check in or out", show=False, id="roster-check"),
        Binding("e", "export", "Export", show=False, id="roster-export"),
        Binding("l", "leave", "Leave", show=False, id="roster-leave"),
        Binding("h", "new_shift", "New shift", show=False, id="roster-new-shift"),
        Binding("f", "fairness", "Fairness", show=False, id="roster-fairness"),
    ]

    def __init__(self):
        super().__init__()
        self.day = today()
        self.post_id: int | None = None
        self.view: WeekView | None = None
        self.cursor = Coordinate(0, 1)
        self.panel: list[coverage.Warning] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="roster-bar")
        yield DataTable(id="roster-grid", cursor_type="cell", zebra_stripes=False, show_row_labels=False)
        yield Static("", id="roster-message", classes="error")
        yield OptionList(id="roster-warnings")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Roster")
        self.query_one(DataTable).focus()
        self.load()
        if current_actor() is not None and current_actor().can("roster.checkin"):
            self.fetch(checkin.detect_no_shows, group="no-shows", exclusive=False,
                       on_error=lambda _e: None)

    def on_screen_resume(self) -> None:
        self.app.sub_title = _("Roster")

    def reload(self) -> None:
        self.load()

    def show_error(self, error: BaseException) -> None:
        """A refusal stays under the grid until the next change, as well as in a notification."""
        super().show_error(error)
        message = self.query_one("#roster-message", Static)
        message.update(error_text(error))
        message.add_class("shown")

    def clear_message(self) -> None:
        message = self.query_one("#roster-message", Static)
        message.update("")
        message.remove_class("shown")

    # ── drawing ────────────────────────────────────────────────────────────────────────

    def load(self) -> None:
        self.fetch(week, self.day, self.post_id, then=self.show)

    def show(self, view: WeekView) -> None:
        self.view = view
        self.post_id = view.post.id if view.post else None
        self.draw()

    def on_resize(self) -> None:
        if self.view is not None:
            self.draw()

    def _style(self, variable: str, fallback: str = "bold") -> Style:
        value = self.app.get_css_variables().get(variable)
        return Style.parse(f"bold {value}") if value else Style.parse(fallback)

    def column_width(self) -> int:
        width = self.size.width or 80
        return max(7, (width - LABEL_WIDTH - 2 - 7 * 2 - 2) // 7)

    def draw(self) -> None:
        view = self.view
        table = self.query_one(DataTable)
        keep = table.cursor_coordinate if table.row_count else self.cursor
        table.clear(columns=True)
        bar = self.query_one("#roster-bar", Static)
        if view is None or view.post is None:
            bar.update(_("No posts yet: the roster needs posts and shifts (duty demo makes some)."))
            return
        width = self.column_width()
        this_day = today()
        table.add_column(Text(""), width=LABEL_WIDTH, key="shift")
        for n, day in enumerate(view.days):
            label = Text(f"{_(WEEKDAYS[n])} {day.day}")
            if day == this_day:
                label.stylize("reverse")
            if day in view.holidays:
                label.append("*", style=self._style("warning"))
            table.add_column(label, width=width, key=day.isoformat())
        for shift in view.shifts:
            cells, height = [Text(f"{cell_pad(pick(shift.name_zh, shift.name_en), LABEL_WIDTH)}\n"
                                  f"{shift.start:%H}–{shift.end:%H}")], 2
            for day in view.days:
                text = self.cell_text(view, day, shift, width)
                height = max(height, len(text.plain.split("\n")))
                cells.append(text)
            table.add_row(*cells, height=height, key=str(shift.id))
        if table.row_count:
            row = min(keep.row, table.row_count - 1)
            column = min(max(keep.column, 1), 7)
            table.cursor_coordinate = Coordinate(row, column)
        self.draw_bar()
        self.draw_panel()

    def cell_text(self, view: WeekView, day: dt.date, shift: roster.ShiftRow, width: int) -> Text:
        warn, dim = self._style("warning"), Style(dim=True)
        warnings = view.cover.at(day, shift.id, view.post.id) if view.cover else []
        flagged = {w.person_id for w in warnings if w.person_id and not w.accepted}
        text = Text()
        for d in view.cell(day, shift.id):
            mark = "★" if d.role == "lead" else ""
            line = cell_pad(mark + d.person_name + ("!" if d.person_id in flagged else ""), width)
            text.append(line + "\n", style=warn if d.person_id in flagged else None)
        need = view.needs.get(shift.id)
        for w in warnings:
            if w.person_id:
                continue
            label = f"{w.params['have']}/{w.params['need']}" if w.kind == "short" else _(SHORT[w.kind])
            text.append(cell_pad(("✓" if w.accepted else "⚠") + label, width) + "\n",
                        style=dim if w.accepted else warn)
        if not text.plain and not need:
            text.append("·", style=dim)
        text.rstrip()
        return text

    def draw_bar(self) -> None:
        view = self.view
        sunday = view.monday + dt.timedelta(days=6)
        index = next((i for i, p in enumerate(view.posts) if p.id == view.post.id), 0) + 1
        counts = view.cover.counts() if view.cover else {}
        open_count = sum(counts.values())
        line = Text()
        line.append(f"{view.monday:%Y-%m-%d} – {sunday:%m-%d}  ", style="bold")
        line.append(f"{pick(view.post.name_zh, view.post.name_en)} ({index}/{len(view.posts)})  ")
        if open_count:
            line.append("⚠ " + _("{count} open").format(count=open_count), style=self._style("warning"))
        else:
            line.append("✓ " + _("covered"), style=self._style("success"))
        bar = self.query_one("#roster-bar", Static)
        bar.update(line)

    def draw_panel(self) -> None:
        view = self.view
        panel = self.query_one("#roster-warnings", OptionList)
        keep = panel.highlighted
        panel.clear_options()
        self.panel = list(view.cover.warnings) if view.cover else []
        summary = coverage.summary(view.cover) if view.cover else []
        panel.border_title = _("Warnings") + (": " + " · ".join(f"{n} {_(kind)}" for kind, n in summary)
                                             if summary else "")
        for w in self.panel:
            line = Text("✓ " if w.accepted else "⚠ ", style=Style(dim=True) if w.accepted else self._style("warning"))
            line.append(w.text(_, pick), style=Style(dim=True) if w.accepted else None)
            panel.add_option(Option(line))
        if not self.panel:
            panel.add_option(Option(Text(_("No warnings this week."), style="dim"), disabled=True))
        elif keep is not None:
            panel.highlighted = min(keep, len(self.panel) - 1)

    # ── where the cursor is ────────────────────────────────────────────────────────────

    def current(self) -> tuple[dt.date, roster.ShiftRow] | None:
        view = self.view
        if view is None or view.post is None or not view.shifts:
            return None
        table = self.query_one(DataTable)
        coord = table.cursor_coordinate
        column = min(max(coord.column, 1), 7)
        row = min(coord.row, len(view.shifts) - 1)
        return view.days[column - 1], view.shifts[row]

    def cell_title(self, day: dt.date, shift: roster.ShiftRow) -> str:
        return (f"{pick(shift.name_zh, shift.name_en)} {_(WEEKDAYS[day.weekday()])} {day:%m-%d} · "
                f"{pick(self.view.post.name_zh, self.view.post.name_en)}")

    def with_duty(self, title: str, then, prefer_mine: bool = False) -> None:
        """Run *then(duty)* on the cell's one duty, or the one picked from several."""
        here = self.current()
        if here is None:
            return
        duties = self.view.cell(*[here[0], here[1].id])
        if prefer_mine and current_actor() is not None:
            mine = [d for d in duties if d.person_id == current_actor().id]
            duties = mine or duties
        if not duties:
            self.notify(_("Nobody is on this shift here."), severity="warning")
        elif len(duties) == 1:
            then(duties[0])
        else:
            self.app.push_screen(ChooseDuty(title, duties), lambda d: d and then(d))

    def changed(self, message: str):
        def done(_result=None):
            self.clear_message()
            if message:
                self.notify(message)
            self.load()
        return done

    # ── actions ────────────────────────────────────────────────────────────────────────

    @on(DataTable.CellSelected, "#roster-grid")
    def cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_assign()

    def action_assign(self) -> None:
        here = self.current()
        if here is None:
            return
        day, shift = here
        title = _("Assign to {cell}").format(cell=self.cell_title(day, shift))
        self.app.push_screen(PersonPicker(title), lambda person: person and self.assign(person, day, shift))

    def assign(self, person: roster.PersonRow, day: dt.date, shift: roster.ShiftRow) -> None:
        view = self.view
        need = view.needs.get(shift.id)
        has_lead = any(d.role == "lead" for d in view.cell(day, shift.id))
        role = "lead" if person.role == "lead" and need and need.leads > 0 and not has_lead else "officer"
        self.fetch(roster.assign, person.id, day, shift.id, view.post.id, role,
                   then=self.changed(_("{name} is on {cell}.").format(name=person.name,
                                                                     cell=self.cell_title(day, shift))))

    def action_remove(self) -> None:
        self.with_duty(_("Remove whom?"), lambda d: self.fetch(
            roster.remove, d.assignment_id, then=self.changed(_("{name} is off that shift.").format(name=d.person_name))))

    def action_toggle_role(self) -> None:
        def toggle(d):
            self.fetch(roster.set_role, d.assignment_id, "officer" if d.role == "lead" else "lead",
                       then=self.changed(""))
        self.with_duty(_("Lead or officer: whom?"), toggle)

    def action_swap(self) -> None:
        def ask(d):
            self.app.push_screen(SwapDialog(d), lambda sid: sid and self.changed(
                _("Swap asked: the colleague accepts it, then a shift lead approves."))())
        self.with_duty(_("Swap whose duty?"), ask, prefer_mine=True)

    def action_swaps(self) -> None:
        self.app.push_screen(SwapsDialog(), lambda changed: changed and self.load())

    def action_accept(self) -> None:
        panel = self.query_one("#roster-warnings", OptionList)
        if self.focused is panel and panel.highlighted is not None and self.panel:
            chosen = [self.panel[panel.highlighted]]
        else:
            here = self.current()
            chosen = self.view.cover.at(here[0], here[1].id, self.view.post.id) if here and self.view.cover else []
        chosen = [w for w in chosen if not w.accepted]
        if not chosen:
            self.notify(_("No open warning here."), severity="warning")
            return
        self.fetch(self.accept_all, chosen, then=self.changed(_("Warning accepted.")))

    @staticmethod
    def accept_all(chosen: list[coverage.Warning]) -> None:
        for w in chosen:
            coverage.accept(w)

    @on(OptionList.OptionSelected, "#roster-warnings")
    def warning_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a warning: the grid cursor goes to its cell."""
        w = self.panel[event.option_index] if event.option_index < len(self.panel) else None
        if w is None or self.view is None:
            return
        rows = [s.id for s in self.view.shifts]
        if w.shift_id in rows and self.view.monday <= w.day <= self.view.monday + dt.timedelta(days=6):
            table = self.query_one(DataTable)
            table.cursor_coordinate = Coordinate(rows.index(w.shift_id), (w.day - self.view.monday).days + 1)
            table.focus()

    def action_week(self, step: int) -> None:
        self.day += dt.timedelta(days=7 * step)
        self.load()

    def action_this_week(self) -> None:
        self.day = today()
        self.load()

    def action_post(self, step: int) -> None:
        if self.view and self.view.posts:
            ids = [p.id for p in self.view.posts]
            index = ids.index(self.post_id) if self.post_id in ids else 0
            self.post_id = ids[(index + step) % len(ids)]
            self.load()

    def action_generate(self) -> None:
        if not self.view or not self.view.post:
            return
        keys = [s.key for s in self.view.shifts]
        self.app.push_screen(RotationDialog(self.view.post, self.view.monday, keys), self.generated)

    def generated(self, report) -> None:
        if report:
            self.changed(_("Rotation: {added} duties added, {kept} kept as they were, {leave} left for leave.").format(
                added=report.added, kept=report.kept + report.skipped, leave=report.on_leave))()

    def action_check(self) -> None:
        actor = current_actor()
        if actor is None or actor.id is None:
            self.notify(_("Sign in as a person to check in."), severity="warning")
            return
        self.fetch(self.check_in_or_out, actor.id, then=self.checked)

    @staticmethod
    def check_in_or_out(person_id: int):
        if checkin.open_check_in(person_id):
            return "out", checkin.check_out()
        return "in", checkin.check_in()

    def checked(self, result) -> None:
        way, r = result
        shift = pick(r.duty.shift_zh, r.duty.shift_en)
        if way == "in":
            text = _("Checked in to {shift} at {time}.") if not r.fact_id else \
                _("Checked in to {shift} at {time}: {minutes} min late, recorded.")
        else:
            text = _("Checked out of {shift} at {time}.") if not r.fact_id else \
                _("Checked out of {shift} at {time}: {minutes} min early, recorded.")
        self.changed(text.format(shift=shift, time=f"{r.at:%H:%M}", minutes=r.minutes_off))()

    def action_export(self) -> None:
        monday = self.view.monday if self.view else roster.week_of(self.day)
        self.app.push_screen(ExportDialog(monday, monday + dt.timedelta(days=6)), self.exported)

    def exported(self, result) -> None:
        if result:
            count, path = result
            self.notify(_("{count} duties written to {path}.").format(count=count, path=path))

    def action_leave(self) -> None:
        here = self.current()
        self.app.push_screen(LeaveDialog(here[0] if here else self.day), lambda lid: lid and self.changed(
            _("Leave recorded."))())

    def action_new_shift(self) -> None:
        if self.view and self.view.post:
            self.app.push_screen(ShiftDialog(self.view.post), lambda sid: sid and self.changed(_("Shift added."))())

    def action_fairness(self) -> None:
        monday = self.view.monday if self.view else roster.week_of(self.day)
        self.app.push_screen(FairnessDialog(monday - dt.timedelta(days=21), monday + dt.timedelta(days=6)))

    def palette_commands(self):
        return [
            (N_("Assign a person"), self.action_assign, N_("Put someone on the shift under the cursor")),
            (N_("Remove from the roster"), self.action_remove, N_("Take a duty off the shift under the cursor")),
            (N_("Lead or officer"), self.action_toggle_role, N_("Make a duty the shift lead, or an officer")),
            (N_("Ask for a swap"), self.action_swap, N_("A colleague takes your duty after a lead approves")),
            (N_("Swaps"), self.action_swaps, N_("Accept, approve or decline swap requests")),
            (N_("Accept warning"), self.action_accept, N_("Mark the warnings of the cell as seen and accepted")),
            (N_("Generate a rotation"), self.action_generate, N_("Fill days from a pattern such as D,N,-,-")),
            (N_("Next week"), lambda: self.action_week(1), ""),
            (N_("Previous week"), lambda: self.action_week(-1), ""),
            (N_("This week"), self.action_this_week, ""),
            (N_("Next post"), lambda: self.action_post(1), ""),
            (N_("Previous post"), lambda: self.action_post(-1), ""),
            (N_("Check in or out"), self.action_check, N_("Against your duty on the roster")),
            (N_("Export duties"), self.action_export, N_("CSV or a calendar (.ics) a phone imports")),
            (N_("Leave or unavailability"), self.action_leave, N_("Days a person cannot be on duty")),
            (N_("New shift"), self.action_new_shift, N_("A shift template with its hours")),
            (N_("Fairness"), self.action_fairness, N_("Nights, weekends and holidays per person")),
            (N_("On duty now"), self.app.action_on_duty, N_("The shift lead and officers on duty now (ctrl+o)")),
        ]
