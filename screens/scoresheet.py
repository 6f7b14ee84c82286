"""One person's scoresheet: criteria by rater side by side, deductions with their evidence, trend.

Keys score an item, decide a proposed deduction, add one by hand, hand the sheet in, approve,
reopen and acknowledge. Every figure opens to its parts: Enter on an item, t for the total.
Only the sheet's own raters have a column (a monthly self-appraisal shows the person's
points, a quarter's supervisor appraisal the supervisor's, with the months that feed it in a
panel beside the items). Each deduction shows its rule as written, where the document says
it, the count, grade or value and a fine; the line under the table says all of it for the
highlighted one, Enter opens its evidence and e lists it.
A colleague rating as a peer gets only the criteria and their own points (the models send
nothing else); a person not allowed to see the sheet reads the refusal in its place.
"""

from __future__ import annotations

import re

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Static

from duty_desk.models.appraisal import deductions
from duty_desk.models.appraisal import scoresheets
from duty_desk.models.appraisal import rules as rulebook
from duty_desk.models.appraisal.facts import FACT_CODES
from duty_desk.models.appraisal.tables import LOCKED, RATER_NAMES, STATE_NAMES, STATUS_NAMES
from duty_desk.models.errors import DutyError
from duty_desk.models.appraisal.export import form_html, form_text
from duty_desk.models.appraisal.access import FULL, PEER
from duty_desk.models.appraisal.review import (AdjustmentView, Evidence, FeedView, ItemView, SheetDetail, evidence_for,
                                 sheet_detail)
from duty_desk.models.appraisal.scoring import round1
from duty_desk.models.appraisal.scoresheets import approvable
from duty_desk.models.accounts.session import Actor, PermissionDenied, current_actor
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.ask import Ask
from duty_desk.tui.base import DutyScreen
from duty_desk.tui.i18n import N_, _, error_text, is_zh, pick
from duty_desk.tui.linetable import Column, LineTable
from duty_desk.tui.text import cell_pad, number, plain

from duty_desk.screens.score_dialogs import (
    EvidenceDialog, ManualDialog, PartsDialog, ReasonDialog, ScoreDialog, WeightsDialog)

# a fact's code stands in a note where the demo or a detector wrote it: people read its name
_CODE = re.compile(r"\b(" + "|".join(sorted(FACT_CODES, key=len, reverse=True)) + r")\b")


# the demo's old stand-in rules carried this mark in their text; it is no word of a rule
_MARKS = re.compile(r"【演示】\s*")


def readable(text: str) -> str:
    """*text* with every fact code (``absent_from_post``) replaced by the fact's name, and no
    internal mark: what a person reads is the rule's own words."""
    return _CODE.sub(lambda m: _(FACT_CODES[m.group(1)]), _MARKS.sub("", text or ""))


SHORT_SIDES = {"self": N_("Self"), "supervisor": N_("Sup."), "peer": N_("Peers")}
ALONE = {"self": N_("self-appraisal only"), "supervisor": N_("supervisor's appraisal only"),
         "peer": N_("peers only")}


def where(a: AdjustmentView, short: bool = False) -> str:
    """Where the rule of *a* is written, in the reader's words: "001 · line 823" (short
    "001 l.823"); an administrator's rule is a local one; a deduction without a rule, nothing."""
    if a.doc:
        if a.line:
            return (_("{doc} l.{line}") if short else _("{doc} · line {line}")).format(doc=a.doc, line=a.line)
        return a.doc
    return _("local rule") if a.where == "local" else ""


def how_many(a: AdjustmentView) -> str:
    """The count, grade or steps behind *a*'s points ("" for a single occurrence)."""
    if a.basis == "graded":
        return _("grade {points}").format(points=number(a.points))
    if a.count == 1:
        return ""
    if a.basis == "shortfall":
        return _("{count} missing").format(count=number(a.count))
    if a.basis == "late" and a.unit == "天":
        return _("{count} days late").format(count=number(a.count))
    if a.basis == "measured":
        return _("{count} steps of {points}").format(count=number(a.count), points=number(a.points))
    return f"×{number(a.count)}"


def yuan(fine: float | None) -> str:
    return f"¥{number(fine)}" if fine else ""


SOURCE_NAMES = {"roster": N_("roster"), "checkin": N_("check-in"), "log": N_("duty log"), "patrol": N_("patrol record"),
                "handover": N_("handover"), "followup": N_("follow-up"), "manual": N_("added by hand"),
                "shortfall": N_("shortfall record")}


def side_of(detail: SheetDetail, actor: Actor | None) -> str | None:
    if actor is None:
        return None
    if actor.id is not None and actor.id == detail.person_id:
        return "self"
    return "supervisor" if actor.can("scores.supervise") else "peer"


def load_evidence(adj: AdjustmentView):
    """(what the rule engine lists as the evidence or None, where it is recorded or None).

    ``models.appraisal.rules.evidence`` lists the entries, a shortfall's periods and a missed patrol's
    slot; where it is absent (an older engine) the record behind the fact is all there is."""
    listing = getattr(rulebook, "evidence", None)
    listed = listing(adj.id) if callable(listing) else None
    target = evidence_for(adj.source, adj.ref_id, adj.occurred_at)
    if target is None and listed is not None:  # only the engine knows: its entries, else its day
        ids, day = getattr(listed, "entry_ids", ()), getattr(listed, "day", None)
        if ids:
            target = Evidence("log", (("show_entry", ids[0]),))
        elif day is not None:
            target = Evidence("roster", (("show_day", day),))
    return listed, target


def load_sheet(sheet_id: int, propose: bool) -> SheetDetail:
    """The sheet, after proposing deductions for facts recorded since (when the actor may)."""
    if propose:
        try:
            deductions.propose_for_sheet(sheet_id)
        except DutyError:
            pass  # a locked sheet or a busy database: show what is there
    return sheet_detail(sheet_id)


# actions on someone else's sheet only
ROLE_ACTIONS_ON_OTHERS = ("confirm", "reject", "add", "confirm_all", "mark", "approve", "weights")


class SheetScreen(DutyScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="sheet-back"),
        Binding("s", "score", "Score", id="sheet-score"),
        Binding("c", "confirm", "Confirm", id="sheet-confirm"),
        Binding("r", "reject", "Reject", id="sheet-reject"),
        Binding("n", "add", "Add deduction", id="sheet-add"),
        Binding("h", "hand_in", "Hand in", id="sheet-hand-in"),
        Binding("a", "approve", "Approve", id="sheet-approve"),
        Binding("C", "confirm_all", "Confirm all shown", id="sheet-confirm-all", show=False),
        # a range by keys: space marks one (again: unmarks), shift+↓/↑ mark and move; c or r
        # then decide every marked deduction after one question
        Binding("space", "mark(1, True)", "Mark", id="sheet-mark", show=False),
        Binding("shift+down", "mark(1, False)", "Mark and next", id="sheet-mark-down", show=False),
        Binding("shift+up", "mark(-1, False)", "Mark and previous", id="sheet-mark-up", show=False),
        Binding("o", "reopen", "Reopen", id="sheet-reopen", show=False),
        Binding("k", "acknowledge", "Acknowledge", id="sheet-acknowledge", show=False),
        Binding("w", "weights", "Weights", id="sheet-weights", show=False),
        Binding("t", "total", "Total's parts", id="sheet-total", show=False),
        Binding("e", "evidence", "Evidence", id="sheet-evidence", show=False),
        Binding("f", "form", "Printable form", id="sheet-form", show=False),
    ]

    def __init__(self, sheet_id: int):
        super().__init__()
        self.sheet_id = sheet_id
        self.detail: SheetDetail | None = None
        self.marked: set[int] = set()  # proposed deductions marked to decide together
        self._loads = 0
        self._after: list = []

    DEFAULT_CSS = """
    SheetScreen #sheet-body {
        height: auto;
        max-height: 12;
    }
    SheetScreen #sheet-body #sheet-items {
        width: 1fr;
    }
    SheetScreen #sheet-feeds {
        width: 22;
        height: auto;
        padding: 0 1;
        border-left: vkey $foreground 30%;
        display: none;
    }
    SheetScreen #sheet-why {
        height: auto;
        max-height: 2;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="sheet-head")
        with Horizontal(id="sheet-body"):
            yield LineTable(id="sheet-items")
            yield Static("", id="sheet-feeds")  # the months beside the quarter
        yield Static("", id="sheet-adjust-title", classes="section-title")
        yield LineTable(id="sheet-adjustments")
        yield Static("", id="sheet-why")  # the highlighted deduction, in full
        yield Static("", id="sheet-foot")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#sheet-items", LineTable).focus()

    def reload(self, then=None) -> None:
        """Load the sheet again. Called also by the app once another terminal (or a worker)
        wrote: loads are never cancelled, only the newest is shown, and every ``then``
        waiting runs after it, so a chain of dialogs is not cut by a refresh."""
        actor = current_actor()
        propose = bool(actor and actor.can("scores.confirm"))
        self._loads += 1
        number_ = self._loads
        if then is not None:
            self._after.append(then)

        def shown(detail):
            if number_ != self._loads:
                return  # a newer load is on its way
            self.show(detail)
            waiting, self._after = self._after, []
            for callback in waiting:
                callback()

        self.fetch(load_sheet, self.sheet_id, propose, then=shown, group="load", exclusive=False,
                   on_error=self.refused)

    def refused(self, error: BaseException) -> None:
        """Not this person's to see (or no longer): the refusal in place of the sheet."""
        if not isinstance(error, PermissionDenied):
            self.show_error(error)
            return
        self.detail = None
        self._after = []
        self.sub_title = ""
        self.query_one("#sheet-head", Static).update(Text(error_text(error), style="bold"))
        for table in self.query(LineTable):
            table.clear()
        self.query_one("#sheet-adjust-title", Static).update("")
        self.query_one("#sheet-foot", Static).update(_("Escape goes back."))
        self.refresh_bindings()

    # ---- drawing ----

    def show(self, detail: SheetDetail) -> None:
        self.detail = detail
        self.sub_title = f"{detail.name} · {detail.period_key}"
        peer = detail.access == PEER
        self.query_one("#sheet-adjustments", LineTable).display = not peer
        if peer:
            self.show_to_peer(detail)
            return
        self.query_one("#sheet-head", Static).update(self.heading(detail))
        self.fill_items(detail)
        self.fill_feeds(detail)
        self.fill_adjustments(detail)
        self.show_why()
        self.query_one("#sheet-foot", Static).update(self.footline(detail))
        self.refresh_bindings()

    def show_to_peer(self, d: SheetDetail) -> None:
        """A colleague's sheet to rate: the criteria and this peer's own points, nothing more."""
        head = Text()
        head.append(d.name, style="bold")
        head.append(f" · {pick(d.position_zh, d.position_en)} · {pick(d.department_zh, d.department_en)}")
        head.append(f" · {d.period_key}\n")
        head.append(_("You rate this colleague as a peer; your name is not shown to them."), style="italic")
        self.query_one("#sheet-head", Static).update(head)
        table = self.query_one("#sheet-items", LineTable)
        table.set_columns([
            Column("seq", "#", 2, "right"),
            Column("name", _("Criterion"), 12, flex=True),
            Column("max", _("Max"), 4, "right"),
            Column("peer", _("Your points"), 11, "right"),
        ])
        table.set_rows((item.seq, (
            str(item.seq), pick(item.name_zh, item.name_en), number(item.max_points),
            "·" if item.parts.peer is None else number(round(item.parts.peer, 1)))) for item in d.items)
        self.query_one("#sheet-adjust-title", Static).update("")
        self.query_one("#sheet-feeds", Static).display = False
        self.query_one("#sheet-why", Static).update("")
        done = sum(1 for item in d.items if item.parts.peer is not None)
        self.query_one("#sheet-foot", Static).update(
            _("{done} of {count} scored. s scores the highlighted item; a score counts once saved.").format(
                done=done, count=len(d.items)))
        self.refresh_bindings()

    def heading(self, d: SheetDetail) -> Text:
        t = d.total
        text = Text()
        text.append(d.name, style="bold")
        text.append(f" · {pick(d.position_zh, d.position_en)} · {pick(d.department_zh, d.department_en)}")
        text.append(f" · {d.period_key} · ")
        text.append(f"[{_(STATE_NAMES[d.state])}]", style="bold reverse" if d.state in LOCKED else "bold")
        text.append("\n")
        if t.complete and t.criteria_total:
            text.append(_("Score {score}").format(score=f"{t.score:.1f}"), style="bold")
            band = pick(*t.band) if t.band else ""
            if d.state in LOCKED:
                text.append(f" {band}", style="bold underline")
            else:  # may still change until approved
                text.append(f" {band} ({_('not final')})", style="italic")
            text.append("  " + _("= rated {rated} − {ded} + {bonus}").format(
                rated=number(round1(t.rated)), ded=number(t.deductions), bonus=number(t.bonuses)), style="dim")
        else:
            text.append(_("Not scored yet") + f" ({t.criteria_rated}/{t.criteria_total})", style="italic")
        text.append("  ")
        text.append_text(self.weights_text(d))
        return text

    @staticmethod
    def weights_text(d: SheetDetail) -> Text:
        """Who scores the sheet: one rater alone (as the document says), or the weights of
        several, which no document gives: a local choice, and said so."""
        if len(d.raters) == 1:
            return Text(_(ALONE[d.raters[0]]), style="dim")
        shares = "/".join(number(round(d.weights[r], 1)) for r in d.raters)  # in the columns' order
        text = Text(_("weights: local choice"), style="dim italic")
        text.append(f" {shares}%", style="dim")
        return text

    def fill_items(self, d: SheetDetail) -> None:
        """The criteria, with a column for each of the sheet's raters only."""
        table = self.query_one("#sheet-items", LineTable)
        sides = [r for r in ("self", "supervisor", "peer") if r in d.raters]
        table.set_columns([
            Column("seq", "#", 2, "right"),
            Column("name", _("Criterion"), 12, flex=True),
            Column("max", _("Max"), 4, "right"),
            *(Column(side, _(SHORT_SIDES[side]), 5, "right") for side in sides),
            Column("score", _("Score"), 5, "right"),
        ])

        def cell(value, style=""):
            return ("·" if value is None else number(round(value, 1)), style)

        def sides_of(item):
            values = {"self": item.parts.self, "supervisor": item.parts.supervisor, "peer": item.parts.peer}
            gap = "reverse" if item.wide_gap else ""
            return tuple(cell(values[side], gap if side != "peer" else "") for side in sides)

        table.set_rows((item.seq, (
            str(item.seq), pick(item.name_zh, item.name_en), cell(item.max_points), *sides_of(item),
            cell(item.parts.score, "bold"))) for item in d.items)

    def fill_feeds(self, d: SheetDetail) -> None:
        """The shorter periods' sheets that feed this one (a quarter's months), beside the items."""
        panel = self.query_one("#sheet-feeds", Static)
        panel.display = bool(d.feeds)
        if d.feeds:
            panel.update(self.feeds_text(d.feeds))

    @staticmethod
    def feeds_text(feeds: tuple[FeedView, ...]) -> Text:
        selfs = all(f.raters == ("self",) for f in feeds if f.sheet_id is not None)
        text = Text(_("Self-appraisals") if selfs else _("Sheets feeding it"), style="bold")
        for feed in feeds:
            text.append(f"\n{feed.period_key} ")
            if feed.sheet_id is None:
                text.append(_("none"), style="dim italic")
                continue
            if feed.score is None:  # items still unrated: how many are
                text.append(f"{feed.criteria_rated}/{feed.criteria_total}", style="dim italic")
            elif feed.provisional:  # may still change: in brackets, like the period's list
                text.append(f"({feed.score:.1f})", style="dim italic")
            else:
                text.append(f"{feed.score:.1f}", style="bold")
            text.append(f"\n  {_(STATE_NAMES.get(feed.state, feed.state))}", style="dim")
        return text

    def fill_adjustments(self, d: SheetDetail) -> None:
        open_count = d.open_proposals
        title = _("Deductions and bonuses")
        if open_count:
            title += " · " + _("{count} to decide").format(count=open_count)
        self.query_one("#sheet-adjust-title", Static).update(title)
        table = self.query_one("#sheet-adjustments", LineTable)
        table.placeholder = _("none")
        fines = any(a.fine for a in d.adjustments)
        wheres = any(where(a) for a in d.adjustments)
        table.set_columns([
            Column("status", _("Status"), 0),
            Column("points", _("Points"), 6, "right"),
            *([Column("fine", _("Fine"), 0, "right")] if fines else []),  # yuan, beside the points
            Column("fact", _("Rule"), 14, flex=True),
            *([Column("where", _("Source"), 0)] if wheres else []),
            Column("evidence", _("Evidence"), 0),
        ])
        rows = []
        self.marked &= {a.id for a in d.adjustments if a.status == "proposed"}  # decided: no longer marked
        for a in d.adjustments:
            style = {"proposed": "bold", "rejected": "strike dim"}.get(a.status, "")
            fact = readable(a.fact)
            count = how_many(a)
            if count:
                fact += f" ({count})"
            if a.reason:
                fact += f" — {readable(a.reason)}"  # why it was decided so
            status = ("■ " if a.id in self.marked else "") + _(STATUS_NAMES[a.status])
            rows.append((a.id, (
                (status, f"{style} reverse".strip() if a.id in self.marked else style), (f"{a.signed:+g}", style),
                *([(yuan(a.fine), style)] if fines else []), fact,
                *([(where(a, short=True), "dim")] if wheres else []), self.evidence(a))))
        table.set_rows(rows)

    def why(self, a: AdjustmentView) -> Text:
        """All of one deduction: the rule's words, where it is written, the count, grade or
        value, the fine, the detail of the fact, which of the rule's values are local choices."""
        text = Text()
        text.append(f"{a.signed:+g}", style="bold")
        if a.fine:
            text.append(f" {yuan(a.fine)}", style="bold")
        text.append(" ")
        text.append(plain(readable(a.fact)))
        for part in (where(a), how_many(a), readable(a.note)):
            if part:
                text.append(" · ")
                text.append(plain(part, style="dim" if part == readable(a.note) else ""))
        if a.local:
            text.append(" · ")
            text.append(plain(_("local choice: {note}").format(note=a.local), style="italic dim"))
        return text

    def show_why(self) -> None:
        line = self.query_one("#sheet-why", Static)
        adj = self.current_adjustment()
        line.update(self.why(adj) if adj is not None and self.detail.access == FULL else "")

    def evidence(self, a: AdjustmentView) -> tuple[str, str]:
        # at 80 columns the day is enough: the rule's words need the room (the line below has it all)
        when = a.occurred_at.strftime("%m-%d %H:%M" if self.size.width >= 100 else "%m-%d") if a.occurred_at else ""
        source = _(SOURCE_NAMES.get(a.source, a.source))
        ref = f" #{a.ref_id}" if a.ref_id else ""
        return f"{when} {source}{ref}", "dim" if a.source == "manual" else "underline"

    def footline(self, d: SheetDetail) -> Text:
        text = Text(_("Trend") + ": ", style="bold")
        for n, point in enumerate(d.trend[-5:]):
            if n:
                text.append(" → ")
            score = "–" if point.score is None else f"{point.score:.1f}"
            text.append(f"{point.period_key} {score} {pick(point.band_zh, point.band_en)}".rstrip(),
                        style="bold" if point.period_key == d.period_key else "")
        reopened = [e for e in d.events if e.action == "reopened"]
        if reopened:
            text.append(plain("\n" + _("Reopened by {name}: {reason}").format(name=reopened[-1].actor,
                                                                              reason=reopened[-1].reason),
                              style="italic"))
        return text

    # ---- what is highlighted ----

    def current_item(self) -> ItemView | None:
        table = self.query_one("#sheet-items", LineTable)
        if self.detail is None or not table.row_count:
            return None
        return self.detail.items[table.cursor_row]

    def current_adjustment(self) -> AdjustmentView | None:
        table = self.query_one("#sheet-adjustments", LineTable)
        if self.detail is None or not self.detail.adjustments:
            return None
        return self.detail.adjustments[min(table.cursor_row, len(self.detail.adjustments) - 1)]

    @on(LineTable.RowSelected, "#sheet-items")
    def item_selected(self) -> None:
        item = self.current_item()
        if item is not None:
            self.app.push_screen(PartsDialog(pick(item.name_zh, item.name_en), self.item_parts(item)))

    @on(LineTable.RowSelected, "#sheet-adjustments")
    def adjustment_selected(self) -> None:
        adj = self.current_adjustment()
        if adj is not None:
            self.jump_to_evidence(adj)

    @on(LineTable.RowHighlighted, "#sheet-adjustments")
    def adjustment_highlighted(self) -> None:
        self.show_why()

    def item_parts(self, item: ItemView):
        p = item.parts
        if self.detail is not None and self.detail.access == PEER:
            lines = [plain(item.measure, style="dim")] if item.measure else []
            mine = "·" if p.peer is None else number(p.peer)
            lines.append(Text(_("Your points: {points} of {max}").format(points=mine, max=number(item.max_points)),
                              style="bold"))
            lines += [plain(c) for c in item.comments.get("peer", [])]
            return Group(*lines)
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
        table.add_column(_("Rater"))
        table.add_column(_("Points"), justify="right")
        table.add_column(_("Weight"), justify="right")
        table.add_column(_("Comment"))
        values = {"self": p.self, "supervisor": p.supervisor, "peer": p.peer}
        for side in self.detail.raters if self.detail is not None else ("self", "supervisor", "peer"):
            label = _(RATER_NAMES[side])
            if side == "peer":
                label += f" ({p.peer_count})"
            weight = p.weights_used.get(side)
            table.add_row(label, "·" if values[side] is None else number(round(values[side], 2)),
                          "–" if weight is None else f"{weight:.0f}%",
                          plain(" / ".join(item.comments.get(side, []))))  # comments: typed text, never markup
        lines = [plain(item.measure, style="dim")] if item.measure else []
        score = "·" if p.score is None else number(round(p.score, 2))
        lines += [table, Text(_("Score {score} of {max}").format(score=score, max=number(item.max_points)),
                              style="bold")]
        if self.detail is not None and self.detail.weights_local:
            lines.append(Text(_("weights: local choice"), style="dim italic"))
        if item.wide_gap:
            lines.append(Text(_("Self and supervisor are far apart here."), style="bold"))
        return Group(*lines)

    # ---- actions ----

    def action_back(self) -> None:
        self.app.pop_screen()

    def run(self, fn, *args, done: str | None = None, then=None) -> None:
        """Run a write, then show the sheet again (and a short confirmation)."""
        def after(_result):
            if done:
                self.notify(done)
            self.reload(then=then)

        self.fetch(fn, *args, then=after, group="write", exclusive=False)

    def action_score(self) -> None:
        table = self.query_one("#sheet-items", LineTable)
        if table.row_count:
            self.score_item(table.cursor_row)

    def score_item(self, index: int) -> None:
        """Score item *index*; once saved, go on to the next until Escape or the last item."""
        d = self.detail
        if d is None or not 0 <= index < len(d.items):
            return
        item = d.items[index]
        self.query_one("#sheet-items", LineTable).move_cursor(index)
        side = side_of(d, current_actor())
        if side is None:
            self.notify(_("Sign in first."), severity="error")
            return
        if d.state in LOCKED:
            self.notify(_("This scoresheet is {state} and locked: reopen it first.").format(
                state=_(STATE_NAMES[d.state])), severity="error")
            return
        peer_view = d.access == PEER  # the peer's own points come back; on a full sheet, only the mean
        mine = {"self": item.parts.self, "supervisor": item.parts.supervisor,
                "peer": item.parts.peer if peer_view else None}[side]
        comment = (item.comments.get(side) or [""])[-1] if side != "peer" or peer_view else ""

        def answered(saved):
            more = saved and index + 1 < len(d.items)
            self.reload(then=(lambda: self.score_item(index + 1)) if more else None)

        self.app.push_screen(ScoreDialog(self.sheet_id, item, side, index + 1, len(d.items), mine, comment),
                             answered)

    def decision_target(self) -> AdjustmentView | None:
        """The deduction c or r acts on, only once it is in sight: the first press moves to
        the deductions (the highlighted one if still proposed, else the first proposed),
        scrolls it into view and says so; the next press decides."""
        d = self.detail
        table = self.query_one("#sheet-adjustments", LineTable)
        if d is None or not d.adjustments:
            return None
        adj = self.current_adjustment()
        if self.focused is table and adj is not None:
            return adj
        if adj is None or adj.status != "proposed":
            index = next((n for n, a in enumerate(d.adjustments) if a.status == "proposed"), None)
            if index is not None:
                table.move_cursor(index)
        self.set_focus(table)
        table.move_cursor(table.cursor_row)  # scrolled into sight
        adj = self.current_adjustment()
        self.notify(_("Highlighted: {fact}. Press the key again to decide it.").format(fact=readable(adj.fact)))
        return None

    def next_proposed(self, after_id: int) -> None:
        """After a decision the cursor goes on to the next deduction still to decide: a
        second key never lands on the row just decided."""
        d = self.detail
        if d is None:
            return
        ids = [a.id for a in d.adjustments]
        start = ids.index(after_id) if after_id in ids else 0
        order = list(range(start, len(ids))) + list(range(0, start))
        index = next((n for n in order if d.adjustments[n].status == "proposed"), None)
        if index is not None:
            self.query_one("#sheet-adjustments", LineTable).move_cursor(index)

    def action_mark(self, step: int, toggle: bool) -> None:
        """Mark the highlighted proposed deduction and move on: a range, decided at once by c or r."""
        adj = self.decision_target()
        if adj is None:
            return
        if adj.status != "proposed":
            self.notify(_("Only a proposed deduction can be marked: this one is decided."))
        elif toggle and adj.id in self.marked:
            self.marked.discard(adj.id)
        else:
            self.marked.add(adj.id)
        table = self.query_one("#sheet-adjustments", LineTable)
        row = table.cursor_row
        self.fill_adjustments(self.detail)
        table.move_cursor(max(0, min(row + step, len(self.detail.adjustments) - 1)))
        self.show_why()

    def marked_ids(self) -> list[int]:
        d = self.detail
        return [a.id for a in d.adjustments if a.id in self.marked and a.status == "proposed"] if d else []

    def decide_marked(self, confirm: bool) -> None:
        """c or r with deductions marked: all of them, after one question."""
        ids = self.marked_ids()
        d = self.detail

        def decide(reason=None):
            for adjustment_id in ids:
                if confirm:
                    deductions.confirm(adjustment_id)
                else:
                    deductions.reject(adjustment_id, reason)
            return len(ids)

        def done_text():
            return (_("Confirmed {count} deductions.") if confirm else _("Rejected {count} deductions.")).format(
                count=len(ids))

        def answered(answer):
            if answer:
                self.marked.clear()
                self.run(decide, *(() if confirm else (answer,)), done=done_text())

        where = f"{d.name} · {d.period_key}"
        if confirm:
            self.app.push_screen(Ask(_("Confirm the {count} marked deductions?").format(count=len(ids)), where),
                                 answered)
        else:
            self.app.push_screen(ReasonDialog(_("Why are the {count} marked deductions rejected?").format(
                count=len(ids)), where), answered)

    def action_confirm(self) -> None:
        if self.marked_ids():
            self.decide_marked(True)
            return
        adj = self.decision_target()
        if adj is None:
            return
        self.run(deductions.confirm, adj.id, done=_("Confirmed: {fact}").format(fact=readable(adj.fact)),
                 then=lambda: self.next_proposed(adj.id))

    def action_reject(self) -> None:
        if self.marked_ids():
            self.decide_marked(False)
            return
        adj = self.decision_target()
        if adj is None:
            return

        def answered(reason):
            if reason:
                self.run(deductions.reject, adj.id, reason, done=_("Rejected: {fact}").format(fact=readable(adj.fact)),
                         then=lambda: self.next_proposed(adj.id))

        self.app.push_screen(ReasonDialog(_("Why is this deduction rejected?"), readable(adj.fact)), answered)

    def action_confirm_all(self) -> None:
        """C: confirm every proposed deduction in the list, after one question."""
        d = self.detail
        ids = [a.id for a in d.adjustments if a.status == "proposed"] if d else []
        if not ids:
            self.notify(_("No proposed deduction is shown."))
            return

        def confirm_all():
            for adjustment_id in ids:
                deductions.confirm(adjustment_id)
            return len(ids)

        def answered(yes):
            if yes:
                self.run(confirm_all, done=_("Confirmed {count} deductions.").format(count=len(ids)))

        self.app.push_screen(Ask(_("Confirm all {count} proposed deductions shown?").format(count=len(ids)),
                                 f"{d.name} · {d.period_key}"), answered)

    def action_add(self) -> None:
        if self.detail is None:
            return

        def answered(answer):
            if answer:
                rule_id, count, note = answer
                self.run(deductions.add_manual, self.sheet_id, rule_id, count, note, done=_("Added."))

        self.app.push_screen(ManualDialog(self.detail.rules), answered)

    def action_hand_in(self) -> None:
        d = self.detail
        if d is None:
            return
        side = side_of(d, current_actor())
        if side == "self":
            self.run(scoresheets.submit_self, self.sheet_id, done=_("Self-assessment handed in."))
        elif side == "supervisor":
            self.run(scoresheets.submit_review, self.sheet_id, done=_("Review handed in."))
        else:
            self.notify(_("Peers' scores count as soon as they are saved."))

    def action_approve(self) -> None:
        d = self.detail
        if d is None:
            return
        if d.open_proposals:  # refused anyway: say why at once, without a question first
            self.run(scoresheets.approve, self.sheet_id)
            return

        def answered(yes):
            if yes:
                self.run(scoresheets.approve, self.sheet_id, done=_("Approved and locked."))

        score = f"{d.total.score:.1f}" if d.total.complete and d.total.criteria_total else "–"
        self.app.push_screen(Ask(_("Approve and lock this sheet?"),
                                 _("{name} · {period} · score {score}. Only a reopen with a reason changes it "
                                   "after this.").format(name=d.name, period=d.period_key, score=score)), answered)

    def action_acknowledge(self) -> None:
        self.run(scoresheets.acknowledge, self.sheet_id, done=_("Acknowledged."))

    def action_reopen(self) -> None:
        def answered(reason):
            if reason:
                self.run(scoresheets.reopen, self.sheet_id, reason, done=_("Reopened."))

        self.app.push_screen(ReasonDialog(_("Why is this sheet reopened?")), answered)

    def action_weights(self) -> None:
        if self.detail is None:
            return

        def answered(values):
            if values:
                self.run(scoresheets.set_weights, self.sheet_id, *values, done=_("Weights saved."))

        self.app.push_screen(WeightsDialog(self.detail.weights, self.detail.raters), answered)

    def action_total(self) -> None:
        d = self.detail
        if d is None or d.access != FULL:
            return
        t = d.total
        table = Table(box=None, padding=(0, 1), show_header=False)
        table.add_column()
        table.add_column(justify="right")
        table.add_row(_("Items rated"), f"{t.criteria_rated}/{t.criteria_total}")
        table.add_row(_("Weighted items added up"), f"{t.rated:.2f}")
        for r in t.rules:
            fact = next((readable(a.fact) for a in d.adjustments if a.rule_id == r.rule_id), "")
            line = f"{'-' if r.kind == 'deduction' else '+'}{number(r.applied)}"
            detail = f"{cell_pad(fact, 24)} {number(r.points)} × {number(r.count)}"
            if r.capped:
                detail += " " + _("(capped at {cap})").format(cap=number(r.cap))
            table.add_row(plain(detail), line)
        if d.deduction_cap is not None:
            table.add_row(_("Deductions held to the sheet's cap of {cap}").format(cap=number(d.deduction_cap)), "")
        table.add_row(_("Before clamping"), f"{t.raw:.2f}")
        table.add_row(_("Range"), f"{number(d.min_score)}–{number(d.max_score)}")
        table.add_row(_("Score"), f"{t.score:.1f}")
        table.add_row(_("Band"), plain(pick(*t.band) if t.band else ""))
        self.app.push_screen(PartsDialog(_("How the score is made"), table))

    def action_form(self) -> None:
        d = self.detail
        if d is None or d.access != FULL:
            return
        try:
            text = form_text(d, _, is_zh())
        except DutyError as err:  # another person's form, for someone who may not export
            self.show_error(err)
            return
        self.app.push_screen(PartsDialog(_("Printable form"), Text(text, no_wrap=True, overflow="ignore"), wide=True))

    def save_form(self, kind: str) -> None:
        from pathlib import Path

        d = self.detail
        if d is None:
            return
        path = Path.cwd() / f"form-{d.period_key}-{d.person_id}.{'html' if kind == 'html' else 'txt'}"
        try:
            text = form_html(d, _, is_zh()) if kind == "html" else form_text(d, _, is_zh())
        except DutyError as err:
            self.show_error(err)
            return

        def work():
            path.write_text(text, encoding="utf-8")
            return path

        self.fetch(work, then=lambda p: self.notify(_("Saved {path}.").format(path=p)), group="write", exclusive=False)

    def jump_to_evidence(self, adj: AdjustmentView) -> None:
        """Open the log entry or roster record behind a deduction, where that screen shows it;
        a shortfall (a list of what was missing, not one record) is listed here first."""
        if adj.source == "manual" or adj.ref_id is None:
            note = readable(adj.note or adj.fact)
            self.notify(_("This one was added by hand: {note}").format(note=note), markup=False)
            return
        if adj.source == "shortfall":
            self.action_evidence()
            return
        self.fetch(evidence_for, adj.source, adj.ref_id, adj.occurred_at,
                   then=lambda target: self.go_to_evidence(adj, target))

    def action_evidence(self) -> None:
        """e: the highlighted deduction's evidence listed, Enter opening where it is recorded."""
        adj = self.current_adjustment()
        if adj is None or self.detail is None or self.detail.access != FULL:
            return

        def shown(found) -> None:
            listed, target = found

            def answered(open_it) -> None:
                if open_it:
                    self.go_to_evidence(adj, target)

            lines = [readable(x) for x in (listed.lines if listed else ())
                     if x and x not in (adj.fact, adj.where, adj.note)]  # said in the line above them
            missing = tuple(listed.missing) if listed else ()
            self.app.push_screen(EvidenceDialog(self.why(adj), lines, missing, target is not None), answered)

        self.fetch(load_evidence, adj, then=shown)

    def go_to_evidence(self, adj: AdjustmentView, target: Evidence | None) -> None:
        app = self.app
        when = adj.occurred_at.strftime("%Y-%m-%d %H:%M") if adj.occurred_at else ""
        look_for = _("Look for {what} #{ref} of {when}.").format(
            what=_(SOURCE_NAMES.get(adj.source, adj.source)), ref=adj.ref_id, when=when)
        if target is None or target.workspace not in getattr(app, "MODES", {}):
            app.notify(look_for, severity="warning", markup=False)
            return

        async def show() -> None:
            here = app.current_mode
            await app.switch_mode(target.workspace)
            screen = app.screen
            for name, arg in target.calls:  # the other area's screen: only these, guarded
                method = getattr(screen, name, None)
                if callable(method):
                    try:
                        method(arg)
                        back = getattr(screen, "come_back_to", None)
                        if callable(back):  # Esc there returns here, to this sheet as it is
                            back(here)
                    except Exception as exc:  # say so, do not crash
                        app.notify(error_text(exc), severity="error", markup=False)
                    return
            app.notify(look_for, markup=False)

        app.call_later(show)

    # what a role may do at all; a key the role may not use is hidden (False), one the
    # sheet's state does not allow now is greyed (None)
    ROLE_ACTIONS = {"confirm": "scores.confirm", "reject": "scores.confirm", "add": "scores.confirm",
                    "mark": "scores.confirm",
                    "confirm_all": "scores.confirm", "approve": "scores.approve", "reopen": "scores.reopen",
                    "weights": "scores.supervise"}

    def check_action(self, action: str, parameters) -> bool | None:
        d, actor = self.detail, current_actor()
        if actor is None or not self.role_allows(action):
            return False
        if d is None:
            return True
        mine = actor.id is not None and actor.id == d.person_id
        if d.access == PEER:  # a peer scores; nothing else of the sheet is theirs, not even a key
            return action in ("back", "score")
        if action == "form":
            return mine or actor.can("scores.export")
        locked = d.state in LOCKED
        if action in ROLE_ACTIONS_ON_OTHERS and mine:
            return False  # nobody decides on their own sheet: not a key of theirs
        side = side_of(d, actor)
        if action in ("score", "hand_in") and side not in d.raters:
            return False  # not one of this sheet's raters (a self-appraisal has no supervisor points)
        if action == "weights" and len(d.raters) < 2:
            return False  # one rater counts in full: nothing to share out
        if action in ("confirm", "reject", "add", "confirm_all", "mark", "weights"):
            return (not locked) or None
        if action == "approve":
            return approvable(d.state, d.raters) or None
        if action == "reopen":
            return locked or None
        if action == "acknowledge":
            return mine and (d.state == "approved" or None)
        if action == "hand_in":
            return (not locked) or None
        if action == "evidence":
            return bool(d.adjustments) or None
        return True

    def palette_commands(self):
        score = [(N_("Score the highlighted item"), self.action_score, N_("Then the next, until Escape"))]
        if self.detail is None:  # loading, or refused
            return []
        if self.detail.access == PEER:  # a peer scores, nothing more
            return score
        return score + [
            (N_("Hand in the self-assessment or review"), self.action_hand_in, ""),
            (N_("Confirm the highlighted deduction"), self.action_confirm, ""),
            (N_("Reject the highlighted deduction"), self.action_reject, N_("With a reason")),
            (N_("Confirm all proposed deductions shown"), self.action_confirm_all, N_("After one question (C)")),
            (N_("Mark the highlighted deduction"), lambda: self.action_mark(1, True),
             N_("space; shift+↓ or ↑ marks a range; c or r then decides every marked one")),
            (N_("Add a deduction or bonus"), self.action_add, N_("A rule of the position and a count")),
            (N_("Approve and lock the sheet"), self.action_approve, ""),
            (N_("Reopen the sheet"), self.action_reopen, N_("With a reason")),
            (N_("Acknowledge the result"), self.action_acknowledge, ""),
            (N_("Change the rater weights"), self.action_weights, N_("Self, supervisor, peers: 100% together")),
            (N_("Show how the score is made"), self.action_total, ""),
            (N_("Show the evidence of the highlighted deduction"), self.action_evidence,
             N_("The rule, where it is written, the entries and what was missing (e)")),
            (N_("Show the printable form"), self.action_form, ""),
            (N_("Save the form as HTML"), lambda: self.save_form("html"), N_("Into the current folder")),
            (N_("Save the form as text"), lambda: self.save_form("text"), N_("Into the current folder")),
        ]

