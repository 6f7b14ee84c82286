"""Settings (F9): the local choices (本地设定), values no document gives, chosen here.

Every row is marked as a local choice, with what it changes and why it is local, so no
value here passes for the documents'. Anyone may read the list; changing a value is an
administrator's (``models.local_choices`` refuses anyone else), and the key says who may.
Enter opens a dialog: a refused value is explained under the line, which keeps what was typed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, Label, Static

from duty_desk.models import local_choices
from duty_desk.models.local_choices import EVERY_NAMES, PERMISSION, Choice
from duty_desk.models.accounts.session import current_actor
from duty_desk.tui.base import DutyModal, DutyScreen, refusal, who_may
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.i18n import N_, _, error_text, pick
from duty_desk.tui.inputs import LineInput
from duty_desk.tui.linetable import Column, LineTable
from duty_desk.tui.text import plain

LOCAL_STYLE = "yellow"  # as the Positions screen marks a local choice


def choice_name(choice: Choice, *, what_first: bool = False) -> str:
    """"生产部经理 · 产品质量… · target": what the value belongs to, then what it is; in the list
    what it is comes first, so two values of like rules differ where a narrow column is cut."""
    return choice.name_parts(pick(choice.subject_zh, choice.subject_en), _(choice.what), what_first=what_first)


def with_unit(value: str, unit: str) -> str:
    if not value:
        return "–"
    return f"{value} {_(unit)}" if unit else value


def shown(choice: Choice, value: str | None = None) -> str:
    """A value as read: with its unit; a rule's period in words ("week" → 周)."""
    value = choice.value if value is None else value
    if choice.key.endswith(".every") and value:
        value = ", ".join(_(EVERY_NAMES.get(word, word)) for word in value.split(","))
    return with_unit(value, choice.unit)


def choice_range(choice: Choice) -> str:
    """"0–120 · a whole number", or only how to type it where there are no bounds."""
    parts = []
    if choice.low is not None and choice.high is not None:
        parts.append(f"{choice.low:g}–{choice.high:g}")
    if choice.form:
        parts.append(_(choice.form))
    return " · ".join(parts)


def choice_facts(choice: Choice) -> Text:
    """Value, default, range, where it applies and why it is local: stored text kept as text."""
    text = Text()
    default = shown(choice, choice.default) if choice.default is not None else _("none")
    text.append(plain(_("Value: {value} · default: {default}").format(value=shown(choice), default=default)))
    text.append("\n")
    text.append(plain(_("Range: {range}").format(range=choice_range(choice))))
    text.append("\n")
    text.append(plain(_(choice.applies)))
    text.append("\n")
    why = _(choice.why) + (f" {choice.note}" if choice.note else "")
    text.append(plain(_("Local choice: {note}").format(note=why), style=LOCAL_STYLE))
    if choice.source:
        text.append(plain(" · " + _("written at {where}").format(where=choice.source), style=LOCAL_STYLE))
    return text


class SettingsScreen(DutyScreen):
    TITLE_MSGID = "Settings"
    BINDINGS = [
        Binding("e", "edit", "Change", id="settings-edit"),
    ]
    ROLE_ACTIONS = {"edit": PERMISSION}
    DEFAULT_CSS = """
    SettingsScreen #settings-intro { padding: 0 1; color: $warning; }
    SettingsScreen #settings-detail { height: auto; max-height: 7; padding: 0 1; border-top: solid $panel; }
    SettingsScreen #settings-hint { padding: 0 1; }
    """

    def __init__(self):
        super().__init__()
        self.choices: list[Choice] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Local choices (本地设定): values no document gives, chosen here."), id="settings-intro")
        yield LineTable([Column("area", _("Area")), Column("what", _("Local choice"), width=20, flex=True),
                         Column("value", _("Value"))],
                        zebra_stripes=True, placeholder=_("Loading…"), id="settings-table")
        yield Static("", id="settings-detail")
        yield Static("", id="settings-hint", classes="hint")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(LineTable).focus()
        actor = current_actor()
        hint = (_("Enter or e changes the highlighted value.") if actor and actor.can(PERMISSION)
                else who_may(PERMISSION))
        self.query_one("#settings-hint", Static).update(plain(hint))
        self.reload()

    def reload(self) -> None:
        self.fetch(local_choices.all_choices, then=self.show)

    def show(self, choices: list[Choice]) -> None:
        self.choices = choices
        table = self.query_one(LineTable)
        table.placeholder = _("No local choices.")
        # A value changed from its default is bold: what this desk chose differently.
        table.set_rows((c.key, (_(c.area), choice_name(c, what_first=True),
                                (shown(c), "bold" if c.changed else "")))
                       for c in choices)
        self.show_detail()

    def highlighted(self) -> Choice | None:
        key = self.query_one(LineTable).cursor_key
        return next((c for c in self.choices if c.key == key), None)

    def show_detail(self) -> None:
        choice = self.highlighted()
        self.query_one("#settings-detail", Static).update(choice_facts(choice) if choice else "")

    @on(LineTable.RowHighlighted, "#settings-table")
    def row_highlighted(self) -> None:
        self.show_detail()

    @on(LineTable.RowSelected, "#settings-table")
    def row_selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        if not self.role_allows("edit"):  # Enter reaches here too: say who may
            self.show_error(refusal(PERMISSION))
            return
        choice = self.highlighted()
        if choice is None:
            return
        hold = getattr(self.app, "hold_keys", None)
        if hold is not None:
            hold()  # keys typed before the dialog has drawn go to its line
        self.app.push_screen(ChoiceDialog(choice), self._saved)

    def _saved(self, choice: Choice | None) -> None:
        if choice is not None:
            self.notify(_("Saved: {what} is now {value}.").format(what=choice_name(choice), value=shown(choice)))
            self.reload()

    def palette_commands(self):
        return [(N_("Change the highlighted local choice"), self.action_edit, N_("Administrators only"))]


class ChoiceDialog(DutyModal):
    """Change one local choice. Enter saves; a refusal shows under the line, which keeps
    what was typed; Escape leaves without saving."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice-cancel")]
    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > #choice-form { width: 76; max-width: 100%; height: auto; max-height: 100%;
                                  border: round $accent; background: $surface; padding: 0 1; }
    ChoiceDialog #choice-value { background: $boost; }
    ChoiceDialog #choice-error { width: 100%; height: auto; color: $error; }
    """

    def __init__(self, choice: Choice):
        super().__init__()
        self.choice = choice

    def compose(self) -> ComposeResult:
        choice = self.choice
        with VerticalScroll(id="choice-form"):
            yield Static(plain(choice_name(choice)), classes="dialog-title")
            yield Static(choice_facts(choice), id="choice-facts")
            yield Label(plain(_("New value") + (f" ({_(choice.unit)})" if choice.unit else "")))
            yield LineInput(choice.value, id="choice-value", compact=True)
            yield Label("", id="choice-error", classes="error")
            yield Static(_("Enter saves, Escape cancels."), classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(LineInput))  # at once: held keys go to it
        release = getattr(self.app, "release_keys", None)
        if release is not None:
            release()

    @on(Input.Submitted, "#choice-value")
    def save(self, event: Input.Submitted) -> None:
        self.query_one("#choice-error", Label).update("")
        self.fetch(local_choices.set_choice, self.choice.key, event.value, then=self.dismiss,
                   on_error=self.refused)

    def refused(self, error: BaseException) -> None:
        """The message under the line; what was typed stays to be mended."""
        self.query_one("#choice-error", Label).update(plain(error_text(error)))
        self.query_one(LineInput).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
