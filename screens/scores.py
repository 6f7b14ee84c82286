"""Score review (F4): a period's scoresheets by department, with rank, band and the spread.

Enter opens a person's sheet; [ and ] step through the opened periods; s changes the order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from models.appraisal import STATE_NAMES
from models.deductions import propose_for_period
from models.periods import KIND_NAMES, last_completed
from models.score_export import results_csv, results_xlsx
from models.score_review import PeriodInfo, PeriodResults, ResultRow, default_period, list_periods, period_results
from models.scoresheets import open_period
from models.session import current_actor
from tui.base import DutyScreen
from tui.i18n import N_, _, is_zh, pick
from tui.text import cell_pad

SORTS = ("department", "score", "name", "state")
SORT_NAMES = {"department": N_("by department"), "score": N_("by score"), "name": N_("by name"), "state": N_("by state")}


def load_period(period_id: int | None) -> tuple[list[PeriodInfo], PeriodResults | None]:
    periods = list_periods()
    if period_id is None:
        chosen = default_period()
        period_id = chosen.id if chosen else None
    return periods, (period_results(period_id) if period_id is not None else None)


def band_style(zh: str) -> str:
    return {"优秀": "band-top", "差": "band-low"}.get(zh, "")


class ScoresScreen(DutyScreen):
    TITLE_MSGID = "Score review"
    BINDINGS = [
        Binding("enter", "open_sheet", "Open", id="scores-open"),
        Binding("s", "sort", "Sort", id="scores-sort"),
        Binding("left_square_bracket", "period(-1)", "Earlier period", id="scores-prev"),
        Binding("right_square_bracket", "period(1)", "Later period", id="scores-next"),
        Binding("p", "propose", "Propose deductions", id="scores-propose", show=False),
        Binding("o", "open_period", "Open period", id="scores-open-period", show=False),
        Binding("x", "export", "Export", id="scores-export"),
    ]

    def __init__(self):
        super().__init__()
        self.periods: list[PeriodInfo] = []
        self.results: PeriodResults | None = None
        self.period_id: int | None = None
        self.sort = "department"
        self.stale = False
        self._loads = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="scores-head")
        yield Static("", id="scores-spread")
        table = DataTable(id="scores-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.app.sub_title = _("Score review")
        if self.stale:  # back from a sheet that may have changed; a dialog's own work reloads itself
            self.stale = False
            self.reload()

    def reload(self) -> None:
        """Load the period again (the app calls this when another terminal wrote)."""
        self._loads += 1
        number_ = self._loads

        def shown(loaded):
            if number_ == self._loads:  # only the newest load is shown
                self.show(loaded)

        self.fetch(load_period, self.period_id, then=shown, group="load", exclusive=False)

    def show(self, loaded) -> None:
        self.periods, self.results = loaded
        head = self.query_one("#scores-head", Static)
        table = self.query_one(DataTable)
        if self.results is None:
            head.update(_("No appraisal period is open yet. An administrator opens one with o."))
            self.query_one("#scores-spread", Static).update("")
            table.clear(columns=True)
            return
        self.period_id = self.results.period.id
        self.fill()

    def fill(self) -> None:
        results = self.results
        period = results.period
        unscored = sum(1 for r in results.rows if r.score is None)
        open_props = sum(r.open_proposals for r in results.rows)
        head = Text()
        head.append(period.key, style="bold")
        head.append(f" {_(KIND_NAMES.get(period.kind, period.kind))} · ")
        head.append(_("{count} sheets").format(count=len(results.rows)))
        if open_props:
            head.append(" · " + _("{count} proposed deductions open").format(count=open_props), style="bold")
        head.append(f" · {_(SORT_NAMES[self.sort])}", style="dim")
        self.query_one("#scores-head", Static).update(head)
        spread = Text()
        for zh, en, n in results.spread:
            spread.append(f"{pick(zh, en)} ", style="bold")
            spread.append(f"{n}  ")
        if unscored:
            spread.append(_("not scored {count}").format(count=unscored), style="dim")
        self.query_one("#scores-spread", Static).update(spread)

        table = self.query_one(DataTable)
        keep = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        wide = self.size.width >= 100
        table.add_column(_("Rank"), key="rank")
        table.add_column(_("Name"), key="name")
        table.add_column(_("Department"), key="department")
        table.add_column(_("Position"), key="position")
        table.add_column(_("Score"), key="score")
        table.add_column(_("Band"), key="band")
        table.add_column(_("State"), key="state")
        for row in self.ordered(results.rows):
            band = pick(row.band_zh, row.band_en)
            state = Text(_(STATE_NAMES.get(row.state, row.state)))
            if row.open_proposals:
                state.append(f" !{row.open_proposals}", style="bold")
            table.add_row(
                Text(str(row.rank) if row.rank else "–", justify="right"),
                cell_pad(row.name, 10),
                cell_pad(pick(row.department_zh, row.department_en), 16 if wide else 10),
                cell_pad(pick(row.position_zh, row.position_en), 24 if wide else 14),
                Text("–" if row.score is None else f"{row.score:.1f}", justify="right"),
                Text(band, style="bold" if band_style(row.band_zh) == "band-top" else
                     ("italic" if band_style(row.band_zh) else "")),
                state, key=str(row.sheet_id))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        table.focus()

    def ordered(self, rows: list[ResultRow]) -> list[ResultRow]:
        if self.sort == "score":
            return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0), r.name))
        if self.sort == "name":
            return sorted(rows, key=lambda r: r.name)
        if self.sort == "state":
            order = list(STATE_NAMES)
            return sorted(rows, key=lambda r: (order.index(r.state) if r.state in order else 9, r.name))
        return rows  # by department, best first within each (as the query gives them)

    # ---- actions ----

    def selected_sheet(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value)

    @on(DataTable.RowSelected, "#scores-table")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_sheet(int(event.row_key.value))

    def action_open_sheet(self) -> None:
        sheet_id = self.selected_sheet()
        if sheet_id is not None:
            self.open_sheet(sheet_id)

    def open_sheet(self, sheet_id: int) -> None:
        from .scoresheet import SheetScreen

        self.stale = True
        self.app.push_screen(SheetScreen(sheet_id))

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        if self.results is not None:
            self.fill()

    def action_period(self, step: int) -> None:
        if not self.periods or self.period_id is None:
            return
        ids = [p.id for p in reversed(self.periods)]  # oldest first
        index = ids.index(self.period_id) if self.period_id in ids else 0
        target = index + step
        if 0 <= target < len(ids):
            self.period_id = ids[target]
            self.reload()
        else:
            self.notify(_("No earlier period.") if step < 0 else _("No later period."))

    def action_propose(self) -> None:
        if self.period_id is None:
            return

        def work(period_id):
            return propose_for_period(period_id), load_period(period_id)

        def done(result):
            added, loaded = result
            self._loads += 1
            self.notify(_("{count} new proposed deductions from duty facts.").format(count=added))
            self.show(loaded)

        self.fetch(work, self.period_id, then=done, group="write", exclusive=False)

    def action_open_period(self) -> None:
        from .score_dialogs import OpenPeriodDialog

        suggestion = last_completed("quarter", dt.date.today()).key

        def opened(answer):
            if not answer:
                return
            key, scope = answer

            def work():
                period_id, added = open_period(key, scope)
                return period_id, added, load_period(period_id)

            def done(result):
                self.period_id, added, loaded = result
                self._loads += 1
                self.notify(_("{count} scoresheets added.").format(count=added))
                self.show(loaded)

            self.fetch(work, then=done, group="write", exclusive=False)

        self.app.push_screen(OpenPeriodDialog(suggestion), opened)

    def action_export(self) -> None:
        """Write the period's results as CSV and XLSX into the current folder."""
        if self.results is None:
            return
        key = self.results.period.key
        zh = is_zh()

        def work():
            csv_path = Path.cwd() / f"scores-{key}.csv"
            xlsx_path = Path.cwd() / f"scores-{key}.xlsx"
            csv_path.write_text(results_csv(key, _, zh), encoding="utf-8-sig")
            xlsx_path.write_bytes(results_xlsx(key, _, zh))
            return csv_path, xlsx_path

        self.fetch(work, then=lambda paths: self.notify(
            _("Saved {csv} and {xlsx}.").format(csv=paths[0], xlsx=paths[1]), timeout=8), group="write", exclusive=False)

    def check_action(self, action: str, parameters) -> bool | None:
        actor = current_actor()
        if action == "open_period":
            return bool(actor and actor.can("scores.period")) or None
        if action == "propose":
            return bool(actor and actor.can("scores.confirm")) or None
        return True

    def palette_commands(self):
        return [
            (N_("Open the highlighted scoresheet"), self.action_open_sheet, N_("Criteria, deductions and evidence")),
            (N_("Sort the score table"), self.action_sort, N_("By department, score, name or state")),
            (N_("Earlier appraisal period"), lambda: self.action_period(-1), ""),
            (N_("Later appraisal period"), lambda: self.action_period(1), ""),
            (N_("Propose deductions from duty facts"), self.action_propose, N_("Facts recorded since the period opened")),
            (N_("Open an appraisal period"), self.action_open_period, N_("Scoresheets for every person")),
            (N_("Export the period as CSV and XLSX"), self.action_export, N_("Into the current folder")),
        ]
