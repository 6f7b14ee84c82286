"""Ask once before a destructive or locking step: Enter confirms, Escape cancels.

``app.push_screen(Ask(question, detail), callback)``: the callback gets True or False. The
question is ours (translated); the detail may hold stored text and is shown as plain text.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from duty_desk.tui.base import DutyModal
from duty_desk.tui.i18n import _
from duty_desk.tui.text import plain


class Ask(DutyModal):
    BINDINGS = [
        Binding("enter", "answer(True)", "Yes", id="ask-yes"),
        Binding("escape", "answer(False)", "No", id="ask-no"),
    ]
    DEFAULT_CSS = """
    Ask { align: center middle; }
    Ask > #ask { width: 64; max-width: 100%; height: auto; border: thick $warning; background: $surface;
                 padding: 0 1; }
    """

    def __init__(self, question: str, detail: str = "", *, yes: str = "", no: str = ""):
        super().__init__()
        self.question, self.detail = question, detail
        self.yes, self.no = yes or _("Enter: yes"), no or _("Esc: no")

    def compose(self) -> ComposeResult:
        with Vertical(id="ask"):
            yield Static(plain(self.question), classes="dialog-title", id="ask-question")
            if self.detail:
                yield Static(plain(self.detail), id="ask-detail")
            yield Static(plain(f"{self.yes} · {self.no}"), classes="hint", id="ask-keys")

    def on_mount(self) -> None:
        self.set_focus(None)  # nothing below takes Enter: it answers

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
