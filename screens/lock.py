"""The lock: hides the data after idle minutes (or ctrl+l); the signed-in person's PIN unlocks.

It is a full screen pushed over whatever was open, so that screen, with anything typed in
it, is still there when the lock lifts. Wrong PINs count as at sign-in.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header, Input, Label, Static

from duty_desk.models.accounts import credentials as accounts
from duty_desk.models.accounts.session import ROLE_NAMES, current_actor
from duty_desk.tui.footer import DeskFooter
from duty_desk.tui.base import DutyScreen
from duty_desk.tui.i18n import _, error_text
from duty_desk.tui.text import plain


class LockScreen(DutyScreen):
    TITLE_MSGID = "Locked"
    BINDINGS = [
        Binding("f8", "app.switch_user", "Switch user", id="lock-switch-user"),
    ]

    def __init__(self):
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        actor = current_actor()
        who = actor.name if actor else ""
        role = _(ROLE_NAMES.get(actor.role, actor.role)) if actor else ""
        yield Header()
        with Vertical(id="lock-body"):
            yield Static(_("Locked"), classes="dialog-title")
            yield Static(plain(_("{name} ({role}) is signed in. Enter the PIN to go on, or F8 to switch user.")
                               .format(name=who, role=role)), id="lock-who")
            yield Label(_("PIN"))
            yield Input(placeholder=_("PIN, then Enter"), password=True, id="lock-pin", compact=True)
            yield Label("", id="lock-error", classes="error")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#lock-pin", Input).focus()

    @on(Input.Submitted, "#lock-pin")
    def pin_submitted(self) -> None:
        actor = current_actor()
        if self.busy or actor is None or actor.id is None:
            return
        from duty_desk.screens.signin import pin_refusal

        pin = self.query_one("#lock-pin", Input).value
        if refusal := pin_refusal(pin):  # letters are no PIN: not a wrong try
            self.query_one("#lock-error", Label).update(plain(refusal))
            return
        self.busy = True
        self.fetch(accounts.check_pin, actor.id, pin,
                   then=self._unlocked, on_error=self._refused)

    def _unlocked(self, _actor) -> None:
        self.busy = False
        self.app.pop_screen()
        self.app.unlocked()

    def _refused(self, error: BaseException) -> None:
        self.busy = False
        self.query_one("#lock-error", Label).update(plain(error_text(error)))
        pin = self.query_one("#lock-pin", Input)
        pin.value = ""
        pin.focus()
