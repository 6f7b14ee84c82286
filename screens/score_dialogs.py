"""Dialogs of the score review: score an item, give a reason, add a deduction, weights, show parts.

Each form checks what was typed and shows the problem under the field it belongs to; the
typed text stays, and nothing is saved until the whole form is sound.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from duty_desk.models.errors import DutyError
from duty_desk.models.appraisal.review import ItemView, RuleChoice
from duty_desk.models.appraisal.scoresheets import rate
from duty_desk.models.appraisal.scoring import check_points, check_weights
from duty_desk.tui.base import DutyModal
from duty_desk.tui.i18n import N_, _, error_text, pick
from duty_desk.tui.text import number, plain

SIDE_NAMES = {"self": N_("self"), "supervisor": N_("supervisor"), "peer": N_("peers")}


def parse_number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value else None


class ScoreDialog(DutyModal):
    """Points and a comment for one item, saved here; True when saved."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="score-cancel")]

    def __init__(self, sheet_id: int, item: ItemView, side: str, index: int, count: int,
                 points: float | None, comment: str):
        super().__init__()
        self.sheet_id, self.item, self.side = sheet_id, item, side
        self.index, self.count = index, count
        self.points, self.comment = points, comment

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(classes="dialog score-dialog"):
            yield Static(plain(_("Item {n} of {count}: {name} (0–{max}), as {side}").format(
                n=self.index, count=self.count, name=pick(item.name_zh, item.name_en),
                max=number(item.max_points), side=_(SIDE_NAMES[self.side]))), classes="dialog-title")
            if item.measure:
                yield Static(plain(item.measure), classes="hint")
            yield Input(value="" if self.points is None else number(self.points), placeholder=_("Points"),
                        id="score-points")
            yield Label("", id="score-points-error", classes="error")
            yield Input(value=self.comment, placeholder=_("Comment (optional)"), id="score-comment")
            yield Static(_("Enter saves and goes to the next item; Escape stops."), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#score-points", Input).focus()

    @on(Input.Submitted)
    def save(self) -> None:
        text = self.query_one("#score-points", Input).value
        label = self.query_one("#score-points-error", Label)
        points = parse_number(text)
        try:
            if points is None:
                raise DutyError("Type a number of points.", field="points")
            check_points(points, self.item.max_points)
        except DutyError as err:
            label.update(plain(error_text(err)))
            self.query_one("#score-points", Input).focus()
            return
        label.update("")
        comment = self.query_one("#score-comment", Input).value
        self.fetch(rate, self.sheet_id, self.item.seq, points, comment, self.side == "peer",
                   then=lambda _side: self.dismiss(True), on_error=self.failed)

    def failed(self, error: BaseException) -> None:
        self.query_one("#score-points-error", Label).update(plain(error_text(error)))

    def action_cancel(self) -> None:
        self.dismiss(False)


class ReasonDialog(DutyModal):
    """A written reason (to reject a deduction, to reopen a sheet)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reason-cancel")]

    def __init__(self, title: str, detail: str = ""):
        super().__init__()
        self.title_text, self.detail = title, detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            if self.detail:
                yield Static(plain(self.detail), classes="hint")  # the deduction's fact
            yield Input(placeholder=_("Reason"), id="reason")
            yield Label("", id="reason-error", classes="error")
            yield Static(_("Enter to save, Escape to cancel."), classes="hint")

    @on(Input.Submitted)
    def save(self) -> None:
        text = self.query_one("#reason", Input).value.strip()
        if not text:
            self.query_one("#reason-error", Label).update(_("Write a reason first."))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ManualDialog(DutyModal):
    """Add a deduction or bonus by hand: a rule of the person's position and a count."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="manual-cancel")]

    def __init__(self, rules: list[RuleChoice]):
        super().__init__()
        self.rules = rules

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog manual-dialog"):
            yield Static(_("Add a deduction or bonus"), classes="dialog-title")
            options = []
            for rule in self.rules:
                sign = "-" if rule.kind == "deduction" else "+"
                options.append(Option(plain(f"{sign}{number(rule.points)}/{rule.unit}  {rule.fact}"), id=str(rule.id)))
            yield OptionList(*options, id="manual-rule")
            yield Label("", id="manual-rule-error", classes="error")
            with Horizontal(classes="field-row"):
                yield Input(value="1", placeholder=_("Count"), id="manual-count")
                yield Input(placeholder=_("Note (optional)"), id="manual-note")
            yield Label("", id="manual-count-error", classes="error")
            yield Static(_("Choose a rule, Tab to the count, Enter to add."), classes="hint")

    def on_mount(self) -> None:
        olist = self.query_one(OptionList)
        if self.rules:
            olist.highlighted = 0
        else:
            self.query_one("#manual-rule-error", Label).update(
                _("This position has no point rules; an administrator can add some."))
        olist.focus()

    @on(OptionList.OptionSelected)
    def chosen(self) -> None:
        self.query_one("#manual-count", Input).focus()

    @on(Input.Submitted)
    def save(self) -> None:
        olist = self.query_one(OptionList)
        count = parse_number(self.query_one("#manual-count", Input).value)
        ok = True
        if olist.highlighted is None or not self.rules:
            self.query_one("#manual-rule-error", Label).update(_("Choose a rule first."))
            ok = False
        if count is None or not 0 < count <= 1000:
            self.query_one("#manual-count-error", Label).update(_("The count must be above 0 and at most 1000."))
            ok = False
        else:
            self.query_one("#manual-count-error", Label).update("")
        if ok:
            rule = self.rules[olist.highlighted]
            self.dismiss((rule.id, count, self.query_one("#manual-note", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class WeightsDialog(DutyModal):
    """How much self, supervisor and peers count on this sheet (adding up to 100 %)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="weights-cancel")]

    def __init__(self, weights: dict[str, float], raters: tuple[str, ...] = ("self", "supervisor", "peer")):
        super().__init__()
        self.weights = weights
        self.raters = raters  # only the sheet's raters get a field; the others stay 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Rater weights in %"), classes="dialog-title")
            with Horizontal(classes="field-row"):
                for side in self.raters:
                    yield Input(value=number(self.weights[side]), placeholder=_(SIDE_NAMES[side]), id=f"weight-{side}")
            yield Label("", id="weights-error", classes="error")
            yield Static(plain(_("{sides}: they must add up to 100. Enter to save.").format(
                sides=", ".join(_(SIDE_NAMES[side]) for side in self.raters))), classes="hint")
            yield Static(_("No document gives these weights: they are a local choice."), classes="hint")

    @on(Input.Submitted)
    def save(self) -> None:
        values = [parse_number(self.query_one(f"#weight-{s}", Input).value) if s in self.raters else 0.0
                  for s in ("self", "supervisor", "peer")]
        label = self.query_one("#weights-error", Label)
        if any(v is None for v in values):
            label.update(_("Type a number in each field."))
            return
        try:
            check_weights(*values)
        except DutyError as err:
            label.update(plain(error_text(err)))
            return
        self.dismiss(tuple(values))

    def action_cancel(self) -> None:
        self.dismiss(None)


class OpenPeriodDialog(DutyModal):
    """Open a period: its key and whether everyone gets a sheet."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="open-period-cancel")]

    def __init__(self, suggestion: str):
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Open an appraisal period"), classes="dialog-title")
            yield Input(value=self.suggestion, placeholder="2026-Q3", id="period-key")
            yield Label("", id="period-key-error", classes="error")
            yield Checkbox(_("Everyone, not only people appraised on this kind of period"), id="period-all")
            yield Static(_("2026-09 a month, 2026-Q3 a quarter, 2026-H2 a half-year, 2026 a year. Enter to open."),
                         classes="hint")

    @on(Input.Submitted)
    def save(self) -> None:
        from duty_desk.models.periods import parse

        key = self.query_one("#period-key", Input).value
        try:
            parse(key)
        except DutyError as err:
            self.query_one("#period-key-error", Label).update(plain(error_text(err)))
            return
        self.dismiss((key, "all" if self.query_one(Checkbox).value else "matching"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class EvidenceDialog(DutyModal):
    """A deduction's evidence: the rule as written and where, the entries that show it and,
    for a shortfall, each period with what was found of what was required. Enter opens
    where it is recorded (the log entry, the patrol slot, the roster day); Escape closes."""

    DEFAULT_CSS = """
    EvidenceDialog {
        align: center middle;
    }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="evidence-close"),
                Binding("enter", "open", "Open", id="evidence-open")]

    def __init__(self, why: Text, lines: list[str], missing: tuple[str, ...], can_open: bool):
        super().__init__()
        self.why, self.lines, self.missing, self.can_open = why, lines, missing, can_open

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog parts-dialog"):
            yield Static(_("Evidence"), classes="dialog-title")
            yield Static(self.why, id="evidence-why")
            for line in self.lines:
                yield Static(plain(line), classes="evidence-line")
            if self.missing:
                yield Static(_("Missing"), classes="dialog-title")
                for line in self.missing:
                    yield Static(plain(line), classes="evidence-missing")
            yield Static(_("Enter opens where it is recorded; Escape closes.") if self.can_open
                         else _("Press Escape to close."), classes="hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_open(self) -> None:
        if self.can_open:
            self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)


class PartsDialog(DutyModal):
    """Where a figure came from: any renderable, scrollable, closed with Escape."""

    BINDINGS = [Binding("escape", "dismiss_parts", "Close", id="parts-close"),
                Binding("q", "dismiss_parts", "Close", show=False, id="parts-close-q")]

    def __init__(self, title: str, body, wide: bool = False):
        super().__init__()
        self.title_text, self.body = title, body
        self.wide = wide  # lines as wide as paper (the printable form): never wrapped, ← → scroll

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog parts-dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            yield Static(plain(self.body) if isinstance(self.body, str) else self.body, id="parts-body")
            yield Static(_("← → scroll sideways; Escape closes.") if self.wide else _("Press Escape to close."),
                         classes="hint")

    def on_mount(self) -> None:
        scroll = self.query_one(VerticalScroll)
        if self.wide:  # a table wrapped at the screen's edge would break its ruled lines
            scroll.styles.overflow_x = "auto"
            self.query_one("#parts-body", Static).styles.width = "auto"
        scroll.focus()

    def action_dismiss_parts(self) -> None:
        self.dismiss(None)
