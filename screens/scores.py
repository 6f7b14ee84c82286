"""Score review (F4): a period's scoresheets by department, with rank, band and the spread.

Enter opens a person's sheet; [ and ] step through the opened periods; s changes the order.
Only approved sheets are ranked and banded: a score still open is shown in brackets, dim,
with "not final" for its band, and a sheet with items unrated shows how many are ("3/10").
A supervisor or administrator sees everyone; anyone else sees their own row and the
colleagues they rate as a peer (the models decide which, and leave out what is not theirs).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from duty_desk.models.appraisal.tables import STATE_NAMES
from duty_desk.models.appraisal.deductions import propose_for_period
from duty_desk.models.periods import KIND_NAMES, last_completed
from duty_desk.models.appraisal.export import results_csv, results_xlsx
from duty_desk.models.appraisal.access import PEER
from duty_desk.models.appraisal.review import (
    PeriodInfo, PeriodResults, ResultRow, default_period, list_periods, period_results)
from duty_desk.models.appraisal.scoresheets import open_period
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.ask import Ask
from duty_desk.tui.base import DutyScreen
from duty_desk.tui.i18n import N_, _, is_zh, pick
from duty_desk.tui.linetable import Column, LineTable
from duty_desk.models import clock

SORTS = ("department", "score", "name", "state")
SORT_NAMES = {"department": N_("by department"), "score": N_("by score"), "name": N_("by name"),
              "state": N_("by state")}


def load_period(period_id: int | None) -> tuple[list[PeriodInfo], PeriodResults | None]:
    periods = list_periods()
    if period_id is None:
        chosen = default_period()
        period_id = chosen.id if chosen else None
    return periods, (period_results(period_id) if period_id is not None else None)


BAND_STYLES = {"优秀": "bold", "差": "italic"}  # the top and the bottom band stand out


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
        yield LineTable(id="scores-table", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        self.sub_title = _("Score review")
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
        table = self.query_one(LineTable)
        if self.results is None:
            head.update(_("No appraisal period is open yet. An administrator opens one with o."))
            self.query_one("#scores-spread", Static).update("")
            table.clear()
            return
        self.period_id = self.results.period.id
        self.fill()

    def fill(self) -> None:
        self.fill_head()
        table = self.query_one(LineTable)
        wide = self.size.width >= 100
        table.set_columns([
            Column("rank", _("Rank"), 4, "right"),
            Column("name", _("Name"), 10),
            Column("department", _("Department"), 16 if wide else 10),
            Column("position", _("Position"), 24 if wide else 14),
            Column("score", _("Score"), 6, "right"),
            Column("band", _("Band"), 9),
            Column("state", _("State"), 12, flex=True),
        ])
        states = {key: _(msgid) for key, msgid in STATE_NAMES.items()}
        states[PEER] = _("to rate as peer")
        table.set_rows((row.sheet_id, self.cells(row, states)) for row in self.results.rows)
        if self.sort != "department":
            table.sort(key=self.sort_key())
        table.focus()

    def fill_head(self) -> None:
        results = self.results
        period = results.period
        unscored = sum(1 for r in results.rows if r.score is None)
        open_props = sum(r.open_proposals for r in results.rows)
        head = Text()
        head.append(period.key, style="bold")
        head.append(f" {_(KIND_NAMES.get(period.kind, period.kind))} · ")
        if results.everyone:
            head.append(_("{count} sheets").format(count=len(results.rows)))
        else:
            peers = sum(1 for r in results.rows if r.access == PEER)
            head.append(_("your sheet and {count} colleagues to rate").format(count=peers))
        if open_props:
            head.append(" · " + _("{count} proposed deductions open").format(count=open_props), style="bold")
        head.append(f" · {_(SORT_NAMES[self.sort])}", style="dim")
        self.query_one("#scores-head", Static).update(head)
        spread = Text()
        if not results.everyone:  # no spread: it would tell how colleagues did
            spread.append(_("Results are personal: you see your own, and colleagues only to rate them."),
                          style="dim")
            self.query_one("#scores-spread", Static).update(spread)
            return
        for zh, en, n in results.spread:
            spread.append(f"{pick(zh, en)} ", style="bold")
            spread.append(f"{n}  ")
        provisional = sum(1 for r in results.rows if r.score is not None and r.provisional)
        if provisional:  # scored, not yet approved: outside the bands and the ranks
            spread.append(_("not final {count}").format(count=provisional) + "  ", style="dim")
        if unscored:
            spread.append(_("not scored {count}").format(count=unscored), style="dim")
        self.query_one("#scores-spread", Static).update(spread)

    @staticmethod
    def cells(row: ResultRow, states: dict[str, str]) -> tuple:
        """One table row as plain cells: only what is on screen is ever drawn."""
        if row.access == PEER:  # a colleague to rate: the models gave no score, band or state
            return ("", row.name, pick(row.department_zh, row.department_en),
                    pick(row.position_zh, row.position_en), "", "", (states[PEER], "italic"))
        band = (pick(row.band_zh, row.band_en), BAND_STYLES.get(row.band_zh, ""))
        score = "–" if row.score is None else f"{row.score:.1f}"
        if row.score is None and row.criteria_total:  # items unrated: how many are, no figure yet
            score, band = (f"{row.criteria_rated}/{row.criteria_total}", "dim italic"), ""
        elif row.score is not None and row.provisional:  # may still change: bracketed, no band, unranked
            score, band = (f"({row.score:.1f})", "dim italic"), (_("not final"), "dim italic")
        state = states.get(row.state, row.state)
        if row.open_proposals:
            state = Text(state).append(f" !{row.open_proposals}", style="bold")
        return (str(row.rank) if row.rank else "–",
                row.name,
                pick(row.department_zh, row.department_en),
                pick(row.position_zh, row.position_en),
                score,
                band,
                state)

    def sort_key(self):
        """How the table's rows are ordered now: a function of a row (keyed by sheet id)."""
        by_id = {r.sheet_id: r for r in self.results.rows}
        if self.sort == "score":
            return lambda row: (by_id[row.key].score is None, by_id[row.key].provisional,  # approved first
                                -(by_id[row.key].score or 0), by_id[row.key].name)
        if self.sort == "name":
            return lambda row: by_id[row.key].name
        if self.sort == "state":
            order = {state: n for n, state in enumerate(STATE_NAMES)}
            return lambda row: (order.get(by_id[row.key].state, 9), by_id[row.key].name)
        place = {r.sheet_id: n for n, r in enumerate(self.results.rows)}  # by department, best first
        return lambda row: place[row.key]

    # ---- actions ----

    def selected_sheet(self) -> int | None:
        return self.query_one(LineTable).cursor_key

    @on(LineTable.RowSelected, "#scores-table")
    def row_selected(self, event: LineTable.RowSelected) -> None:
        self.open_sheet(event.key)

    def action_open_sheet(self) -> None:
        sheet_id = self.selected_sheet()
        if sheet_id is not None:
            self.open_sheet(sheet_id)

    def open_sheet(self, sheet_id: int) -> None:
        from duty_desk.screens.scoresheet import SheetScreen

        self.stale = True
        self.app.push_screen(SheetScreen(sheet_id))

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        if self.results is not None:
            self.fill_head()
            self.query_one(LineTable).sort(key=self.sort_key())

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
        from duty_desk.screens.score_dialogs import OpenPeriodDialog

        suggestion = last_completed("quarter", clock.today()).key

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

        csv_path = Path.cwd() / f"scores-{key}.csv"
        xlsx_path = Path.cwd() / f"scores-{key}.xlsx"

        def work():
            csv_path.write_text(results_csv(key, _, zh), encoding="utf-8-sig")
            xlsx_path.write_bytes(results_xlsx(key, _, zh))
            return csv_path, xlsx_path

        def answered(yes: bool | None) -> None:
            if yes:
                self.fetch(work, then=lambda paths: self.notify(
                    _("Saved {csv} and {xlsx}.").format(csv=paths[0], xlsx=paths[1]), timeout=8),
                    group="write", exclusive=False)

        # Where the files go is said before anything is written (the current folder may surprise).
        self.app.push_screen(Ask(_("Export {period} into {folder}?").format(period=key, folder=Path.cwd()),
                                 f"{csv_path.name} · {xlsx_path.name}", yes=_("Enter: write"), no=_("Esc: cancel")),
                             answered)

    # keys a role may not use are not offered at all (DutyScreen.check_action)
    ROLE_ACTIONS = {"open_period": "scores.period", "propose": "scores.confirm", "export": "scores.export"}

    def palette_commands(self):
        return [
            (N_("Open the highlighted scoresheet"), self.action_open_sheet, N_("Criteria, deductions and evidence")),
            (N_("Sort the score table"), self.action_sort, N_("By department, score, name or state")),
            (N_("Earlier appraisal period"), lambda: self.action_period(-1), ""),
            (N_("Later appraisal period"), lambda: self.action_period(1), ""),
            (N_("Propose deductions from duty facts"), self.action_propose,
             N_("Facts recorded since the period opened")),
            (N_("Open an appraisal period"), self.action_open_period, N_("Scoresheets for every person")),
            (N_("Export the period as CSV and XLSX"), self.action_export, N_("Into the current folder")),
        ]
