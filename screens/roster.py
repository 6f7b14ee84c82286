"""The roster: one post's week as a grid of days × shifts, its warnings beside it.

Arrow keys move over the grid, Enter assigns a person through a picker; x removes, r turns
a duty lead/officer, s asks for a swap, w lists swaps, g generates a rotation, n/p/t go
to the next, previous and this week, [ and ] change the post. Warnings show in their cell
and in the panel below; a shift lead accepts one with a.
"""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.data_table import ColumnKey, RowKey
from textual.widgets.option_list import Option

from duty_desk.models.roster import checkin
from duty_desk.models.roster import coverage
from duty_desk.models.roster import duties as roster
from duty_desk.models.errors import DutyError
from duty_desk.models.safe_text import printable
from duty_desk.models.roster.week import WeekView, week
from duty_desk.models.accounts.session import PERMISSIONS, ROLE_NAMES, current_actor
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.base import DutyScreen, refusal
from duty_desk.tui import labels
from duty_desk.tui.i18n import N_, _, error_text, ngettext, pick
from duty_desk.tui.text import cell_pad, plain

from duty_desk.screens.roster_dialogs import (
    ChooseDuty, ExportDialog, FairnessDialog, LeaveDialog, PersonPicker, PostDialog,
                             RotationDialog, ShiftDialog, SwapDialog, SwapsDialog)
from duty_desk.models import clock

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
SHORT = {"no_lead": N_("no lead"), "rest": N_("rest"), "leave": N_("leave"), "double": N_("double")}
# the warnings panel's title at 80 columns: the kinds in a word each
TITLE_SHORT = {"double": N_("double"), "no_lead": N_("no lead"), "short": N_("understaffed"), "rest": N_("rest"),
               "leave": N_("leave"), "lead_cover": N_("24 h cover")}
LABEL_WIDTH = 6
DAY_COLUMNS = tuple(f"day{n}" for n in range(7))  # by weekday, so a new week reuses the columns
# action → what the signed-in person's role must allow (models.accounts.session.PERMISSIONS); roster
# set-up is the administrator's, accepting a warning a shift lead's.
NEEDS = {"assign": "roster.edit", "remove": "roster.edit", "toggle_role": "roster.edit",
         "generate": "roster.edit", "new_shift": "roster.edit", "new_post": "roster.edit", "leave": "roster.edit",
         "accept": "roster.accept", "swap": "roster.swap_request", "check": "roster.checkin"}


def today() -> dt.date:
    """The day the screen opens on (tests pin it)."""
    return clock.today()


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
        Binding("o", "new_post", "New post", show=False, id="roster-new-post"),
        Binding("f", "fairness", "Fairness", show=False, id="roster-fairness"),
    ]

    def __init__(self):
        super().__init__()
        self.day = today()
        self.post_id: int | None = None
        self.view: WeekView | None = None
        self.cursor = Coordinate(0, 1)
        self.panel: list[coverage.CoverageWarning] = []
        self._grid_shape: tuple | None = None  # (column width, shift ids) the grid's columns were made for
        self._panel_shown: tuple | None = None
        self._theme_styles: tuple[str, dict[str, Style]] | None = None
        self._target: tuple[dt.date, int | None] | None = None  # a cell to put the cursor on once loaded
        # Weeks read (and read ahead), by (Monday, post id): paging to one of them needs no
        # database. Any change here or in another terminal drops them all (``load``).
        self.weeks: dict[tuple[dt.date, int | None], WeekView] = {}
        self._generation = 0
        self._wanted: tuple[dt.date, int | None] = (roster.week_of(self.day), None)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="roster-bar")
        yield DataTable(id="roster-grid", cursor_type="cell", zebra_stripes=False, show_row_labels=False)
        yield Static("", id="roster-message", classes="error")
        yield OptionList(id="roster-warnings")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Roster")
        self.query_one(DataTable).focus()
        self.load()
        if current_actor() is not None and current_actor().can("roster.checkin"):
            self.fetch(checkin.detect_no_shows, group="no-shows", exclusive=False,
                       on_error=lambda _e: None)

    def on_screen_resume(self) -> None:
        self.sub_title = _("Roster")
        self.refresh_bindings()  # someone else may have signed in meanwhile

    def reload(self) -> None:
        self.load()

    def show_error(self, error: BaseException) -> None:
        """A refusal stays under the grid until the next change, as well as in a notification."""
        super().show_error(error)
        message = self.query_one("#roster-message", Static)
        message.update(plain(error_text(error)))
        message.add_class("shown")

    def clear_message(self) -> None:
        message = self.query_one("#roster-message", Static)
        message.update("")
        message.remove_class("shown")

    # ── drawing ────────────────────────────────────────────────────────────────────────

    def load(self) -> None:
        """Read the week again (the roster changed): weeks read ahead are dropped too."""
        self.weeks.clear()
        self._generation += 1
        self.open_week()

    def open_week(self) -> None:
        """Show the week of ``self.day`` for ``self.post_id``: at once if it was read already."""
        self._wanted = (roster.week_of(self.day), self.post_id)
        ready = self.weeks.get(self._wanted)
        if ready is not None:
            self.show(ready)
            return
        self.fetch(week, self.day, self.post_id, then=self.keep_week(self._generation, show=True),
                   group="week", exclusive=False)

    def keep_week(self, generation: int, show: bool = False):
        """A callback for a week read on a thread: kept if nothing changed meanwhile, and shown
        if it is still the week wanted (a slower read never draws over a later one)."""
        def keep(view: WeekView) -> None:
            if generation != self._generation:
                return
            if view.post is not None:
                self.weeks[(view.monday, view.post.id)] = view
                while len(self.weeks) > 9:
                    self.weeks.pop(next(iter(self.weeks)))
            monday, post_id = self._wanted
            if show and view.monday == monday and post_id in (None, view.post.id if view.post else None):
                self.show(view)
        return keep

    def read_ahead(self) -> None:
        """Read the weeks before and after this one while the person looks at it."""
        view = self.view
        if view is None or view.post is None:
            return
        post_id = view.post.id
        missing = [monday for monday in (view.monday + dt.timedelta(days=7), view.monday - dt.timedelta(days=7))
                   if (monday, post_id) not in self.weeks]
        if not missing:
            return
        keep = self.keep_week(self._generation)

        def read():
            return [week(monday, post_id) for monday in missing]

        self.fetch(read, then=lambda views: [keep(v) for v in views], group="read-ahead", exclusive=False,
                   on_error=lambda _error: None)

    def show(self, view: WeekView) -> None:
        self.view = view
        self.post_id = view.post.id if view.post else None
        self.draw()
        if self._target is not None:
            self.go_to_target()
        self.call_after_refresh(self.read_ahead)  # once this week is on the screen

    def on_resize(self) -> None:
        if self.view is not None:
            self.draw()

    def theme_styles(self) -> dict[str, Style]:
        """The theme's warning and success colours, worked out once per theme (it is not cheap)."""
        theme = self.app.theme
        if self._theme_styles is None or self._theme_styles[0] != theme:
            variables = self.app.get_css_variables()
            self._theme_styles = (theme, {
                name: Style.parse(f"bold {variables[name]}") if variables.get(name) else Style.parse("bold")
                for name in ("warning", "success")})
        return self._theme_styles[1]

    def _style(self, variable: str, fallback: str = "bold") -> Style:
        return self.theme_styles().get(variable) or Style.parse(fallback)

    def column_width(self) -> int:
        width = self.size.width or 80
        return max(7, (width - LABEL_WIDTH - 2 - 7 * 2 - 2) // 7)

    def draw(self) -> None:
        """Draw the loaded week. A week like the last one (same shifts, same sizes) only has its
        cells and headings replaced: nothing is laid out again."""
        view = self.view
        table = self.query_one(DataTable)
        keep = table.cursor_coordinate if table.row_count else self.cursor
        bar = self.query_one("#roster-bar", Static)
        if view is None or view.post is None:
            table.clear(columns=True)
            self._grid_shape = None
            bar.update(_("No posts yet: press o to add a post, then h to add its shifts."))
            return
        width = self.column_width()
        shape = (width, tuple(s.id for s in view.shifts))
        if shape != self._grid_shape:
            table.clear(columns=True)
            table.add_column(Text(""), width=LABEL_WIDTH, key="shift")
            for key in DAY_COLUMNS:
                table.add_column(Text(""), width=width, key=key)
            self._grid_shape = shape
        this_day = today()
        for n, day in enumerate(view.days):
            label = Text(f"{_(WEEKDAYS[n])} {day.day}")
            if day == this_day:
                label.stylize("reverse")
            if day in view.holidays:
                label.append("*", style=self._style("warning"))
            table.columns[ColumnKey(DAY_COLUMNS[n])].label = label
        rows = []
        for shift in view.shifts:
            cells = [Text(f"{cell_pad(printable(pick(shift.name_zh, shift.name_en)), LABEL_WIDTH)}\n"
                          f"{shift.start:%H}–{shift.end:%H}")]
            cells += [self.cell_text(view, day, shift, width) for day in view.days]
            rows.append((str(shift.id), cells, max(2, *(len(c.plain.split("\n")) for c in cells))))
        heights = [table.rows[RowKey(key)].height if RowKey(key) in table.rows else None for key, _c, _h in rows]
        if table.row_count == len(rows) and heights == [h for _k, _c, h in rows]:
            for key, cells, _height in rows:
                for column, cell in zip(("shift", *DAY_COLUMNS), cells):
                    table.update_cell(key, column, cell)
        else:
            table.clear()
            for key, cells, height in rows:
                table.add_row(*cells, height=height, key=key)
        if table.row_count:
            cursor = Coordinate(min(keep.row, table.row_count - 1), min(max(keep.column, 1), 7))
            if cursor != table.cursor_coordinate:
                table.cursor_coordinate = cursor
        self.draw_bar()
        self.draw_panel()

    def cell_text(self, view: WeekView, day: dt.date, shift: roster.ShiftRow, width: int) -> Text:
        warn, dim = self._style("warning"), Style(dim=True)
        warnings = view.cover.at(day, shift.id, view.post.id) if view.cover else []
        flagged = {w.person_id for w in warnings if w.person_id and not w.accepted}
        text = Text(no_wrap=True, overflow="crop")  # lines are cut to width already: no wrapping
        for d in view.cell(day, shift.id):
            mark = "★" if d.role == "lead" else ""
            line = cell_pad(printable(mark + d.person_name + ("!" if d.person_id in flagged else "")), width)
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
        line.append(plain(f"{pick(view.post.name_zh, view.post.name_en)} ({index}/{len(view.posts)})  "))
        if open_count:
            line.append("⚠ " + ngettext("{count} open", "{count} open", open_count).format(count=open_count),
                        style=self._style("warning"))
        else:
            line.append("✓ " + _("covered"), style=self._style("success"))
        bar = self.query_one("#roster-bar", Static)
        bar.update(line)

    @staticmethod
    def warnings_title(summary, room: int) -> str:
        """"Warnings: no lead 1 · …", in short words when the long ones would be cut (80 columns)."""
        full = _("Warnings") + (": " + " · ".join(f"{_(kind)} {n}" for kind, n in summary) if summary else "")
        if cell_len(full) <= room:
            return full
        kind_of = {msgid: kind for kind, msgid in coverage.KINDS.items()}
        short = _("Warnings") + ": " + " · ".join(f"{_(TITLE_SHORT.get(kind_of.get(msgid), msgid))} {n}"
                                                  for msgid, n in summary)
        return short if cell_len(short) <= room else _("Warnings") + f": {sum(n for _k, n in summary)}"

    def draw_panel(self) -> None:
        view = self.view
        panel = self.query_one("#roster-warnings", OptionList)
        self.panel = list(view.cover.warnings) if view.cover else []
        summary = coverage.summary(view.cover) if view.cover else []
        panel.border_title = self.warnings_title(summary, (panel.size.width or self.app.size.width) - 6)
        lines = [(w.accepted, w.text(_, pick)) for w in self.panel]
        if lines == self._panel_shown:
            return  # the same warnings as before: leave the list (and where it is) alone
        self._panel_shown = lines
        keep = panel.highlighted
        dim = Style(dim=True)
        options = []
        for accepted, text in lines:
            line = Text("✓ " if accepted else "⚠ ", style=dim if accepted else self._style("warning"))
            line.append(plain(text, style=dim if accepted else ""))
            options.append(Option(line))
        if not options:
            options.append(Option(Text(_("No warnings this week."), style="dim"), disabled=True))
        panel.clear_options()
        panel.add_options(options)
        if self.panel and keep is not None:
            panel.highlighted = min(keep, len(self.panel) - 1)

    # ── moving to a day or a duty (the score review shows its evidence here) ───────────

    def show_day(self, day: dt.date) -> None:
        """Move the grid to *day*: its week, its column, the shift row the cursor is on."""
        self.day = day
        self._target = (day, None)
        if self.view is not None and self.view.post is not None and self.view.monday == roster.week_of(day):
            self.go_to_target()  # that week is on screen already: only the cursor moves
        else:
            self.open_week()

    def show_assignment(self, assignment_id: int) -> None:
        """Move the grid to one duty: its post, its week and its cell."""
        self.fetch(roster.duty, assignment_id, then=self._show_duty)

    def _show_duty(self, duty: roster.Duty | None) -> None:
        if duty is None:
            self.show_error(DutyError(N_("That duty is no longer on the roster.")))
            return
        self.day = duty.day
        self._target = (duty.day, duty.shift_id)
        view = self.view
        if view is not None and view.post is not None and view.post.id == duty.post_id \
                and view.monday == roster.week_of(duty.day):
            self.go_to_target()
        else:
            self.post_id = duty.post_id
            self.open_week()

    def go_to_target(self) -> None:
        target, self._target = self._target, None
        view = self.view
        if target is None or view is None or view.post is None or not view.shifts:
            return
        day, shift_id = target
        column = (day - view.monday).days + 1
        if not 1 <= column <= 7:
            return
        table = self.query_one(DataTable)
        rows = [s.id for s in view.shifts]
        row = rows.index(shift_id) if shift_id in rows else min(table.cursor_coordinate.row, len(rows) - 1)
        table.cursor_coordinate = Coordinate(row, column)
        table.focus()

    # ── who may do what ────────────────────────────────────────────────────────────────

    ROLE_ACTIONS = NEEDS  # keys the role may not use are not offered (DutyScreen.check_action)

    def permitted(self, action: str) -> bool:
        """True if the role allows *action*; otherwise the reason is shown under the grid."""
        needed = NEEDS.get(action)
        if needed is None:
            return True
        actor = current_actor()
        if actor is None or not actor.can(needed):
            self.show_error(refusal(needed))  # says who may, before any dialog is filled in
            return False
        return True

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

    def with_duty(self, title: str, then, only_mine: bool = False) -> None:
        """Run *then(duty)* on the cell's one duty, or the one picked from several.

        *only_mine*: only the signed-in person's own duties are offered (a swap gives away one's
        own duty; who may arrange anyone's is said at once, before a dialog is filled in)."""
        here = self.current()
        if here is None:
            return
        duties = self.view.cell(*[here[0], here[1].id])
        if only_mine:
            actor = current_actor()
            duties = [d for d in duties if actor is not None and d.person_id == actor.id]
            if not duties:
                self.show_error(DutyError(
                    N_("You are not on this shift: put the cursor on one of your own duties to offer it "
                       "for a swap. Only the {role} arranges other people's duties."),
                    role=_(ROLE_NAMES[PERMISSIONS["roster.edit"]])))
                return
        if not duties:
            self.notify(_("Nobody is on this shift here."), severity="warning")
        elif len(duties) == 1:
            then(duties[0])
        else:
            self.app.push_screen(ChooseDuty(title, duties), lambda d: d and then(d))

    def changed(self, message: str):
        def done(_result=None):
            labels.forget()  # a new post or shift: the log names it next time
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
        if not self.permitted("assign"):
            return
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
        if not self.permitted("remove"):
            return
        self.with_duty(_("Remove whom?"), lambda d: self.fetch(
            roster.remove, d.assignment_id,
            then=self.changed(_("{name} is off that shift.").format(name=d.person_name))))

    def action_toggle_role(self) -> None:
        if not self.permitted("toggle_role"):
            return
        def toggle(d):
            self.fetch(roster.set_role, d.assignment_id, "officer" if d.role == "lead" else "lead",
                       then=self.changed(""))
        self.with_duty(_("Lead or officer: whom?"), toggle)

    def action_swap(self) -> None:
        if not self.permitted("swap"):
            return
        def ask(d):
            self.app.push_screen(SwapDialog(d), lambda sid: sid and self.changed(
                _("Swap asked: the colleague accepts it, then a shift lead approves."))())
        actor = current_actor()
        self.with_duty(_("Swap whose duty?"), ask, only_mine=not (actor and actor.can("roster.edit")))

    def action_swaps(self) -> None:
        self.app.push_screen(SwapsDialog(), lambda changed: changed and self.load())

    def action_accept(self) -> None:
        if not self.permitted("accept"):
            return
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
    def accept_all(chosen: list[coverage.CoverageWarning]) -> None:
        for w in chosen:
            coverage.accept(w)

    @on(OptionList.OptionSelected, "#roster-warnings")
    def warning_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a warning: the grid cursor goes to its cell."""
        w = self.panel[event.option_index] if event.option_index < len(self.panel) else None
        if w is None or self.view is None:
            return
        rows = [s.id for s in self.view.shifts]
        if self.view.monday <= w.day <= self.view.monday + dt.timedelta(days=6):
            table = self.query_one(DataTable)
            if w.shift_id in rows:
                row = rows.index(w.shift_id)
            elif w.shift_id is None and table.row_count:  # a day's warning (24-hour cover): its column
                row = table.cursor_coordinate.row
            else:
                return
            table.cursor_coordinate = Coordinate(row, (w.day - self.view.monday).days + 1)
            table.focus()

    def action_week(self, step: int) -> None:
        self.day += dt.timedelta(days=7 * step)
        self.open_week()

    def action_this_week(self) -> None:
        self.day = today()
        self.open_week()

    def action_post(self, step: int) -> None:
        if self.view and self.view.posts:
            ids = [p.id for p in self.view.posts]
            index = ids.index(self.post_id) if self.post_id in ids else 0
            self.post_id = ids[(index + step) % len(ids)]
            self.open_week()

    def action_generate(self) -> None:
        if not self.permitted("generate"):
            return
        if not self.view or not self.view.post:
            return
        keys = [s.key for s in self.view.shifts]
        self.app.push_screen(RotationDialog(self.view.post, self.view.monday, keys), self.generated)

    def generated(self, report) -> None:
        if report:
            self.changed(_("Rotation: {added} duties added, {kept} kept as they were, {leave} left for leave.").format(
                added=report.added, kept=report.kept + report.skipped, leave=report.on_leave))()

    def action_check(self) -> None:
        if not self.permitted("check"):
            return
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
        if not self.permitted("leave"):
            return
        here = self.current()
        self.app.push_screen(LeaveDialog(here[0] if here else self.day), lambda lid: lid and self.changed(
            _("Leave recorded."))())

    def action_new_shift(self) -> None:
        if not self.permitted("new_shift"):
            return
        if self.view and self.view.post:
            self.app.push_screen(ShiftDialog(self.view.post), lambda sid: sid and self.changed(_("Shift added."))())

    def action_new_post(self) -> None:
        if not self.permitted("new_post"):
            return

        def added(post_id) -> None:
            if post_id:
                self.post_id = post_id  # open the new post: its shifts come next (h)
                self.changed(_("Post added: press h to add its shifts."))()

        self.app.push_screen(PostDialog(), added)

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
            (N_("New post"), self.action_new_post, N_("A desk or round that shifts are added to")),
            (N_("Fairness"), self.action_fairness, N_("Nights, weekends and holidays per person")),
            (N_("On duty now"), self.app.action_on_duty, N_("The shift lead and officers on duty now (ctrl+o)")),
        ]
