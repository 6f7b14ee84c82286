"""Small forms of the log screen: amend, follow-up, close, filter, go to date, handover note.

One ``FormDialog`` serves them all: a title, a few labelled lines and an action that runs
in a thread worker. A ``DutyError`` naming a field shows under that field; what was typed
stays, and nothing is saved until the action succeeds.
"""

from __future__ import annotations

from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from models.errors import DutyError
from tui.base import DutyModal
from tui.i18n import _, error_text
from tui.text import plain


class FormDialog(DutyModal):
    """``fields``: (name, label msgid, initial value); ``action(values)`` → the answer."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form-cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str, str]], action: Callable[[dict], Any],
                 hint: str = ""):
        super().__init__()
        self.title_msgid = title
        self.fields = fields
        self.action = action
        self.hint = hint
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="log-form"):
            yield Static(_(self.title_msgid), classes="dialog-title")
            for name, label, initial in self.fields:
                yield Label(_(label))
                yield Input(value=initial, id=f"form-{name}", select_on_focus=False)
                yield Label("", id=f"form-{name}-error", classes="error")
            yield Label("", id="form-error", classes="error")
            if self.hint:
                yield Static(_(self.hint), classes="hint")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#form-{name}", Input).value for name, _l, _i in self.fields}

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if position < len(inputs) - 1:
            inputs[position + 1].focus()
            return
        self.submit()

    def submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        for label in self.query(".error"):
            label.update("")
            label.remove_class("-shown")
        self.fetch(self.action, self.values(), then=self._done, on_error=self._failed)

    def _done(self, answer) -> None:
        self.busy = False
        self.dismiss(answer)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        field = getattr(error, "field", None) if isinstance(error, DutyError) else None
        names = [name for name, _l, _i in self.fields]
        target = f"#form-{field}-error" if field in names else "#form-error"
        label = self.query_one(target, Label)
        label.update(plain(error_text(error)))
        label.add_class("-shown")
        if field in names:
            self.query_one(f"#form-{field}", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
