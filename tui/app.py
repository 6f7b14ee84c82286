"""The Duty Desk application: workspaces, global keys, help and the command palette."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from models.session import Actor, current_actor, sign_in

from .commands import DutyCommands
from .emergency import EmergencyWatch
from .help import HelpScreen
from .i18n import N_, _, set_language, translate_bindings
from .shared_terminal import ACCOUNT_BINDINGS, SharedTerminal
from .workspaces import START, WORKSPACES


# Textual's own labels that reach the footer; translated through our catalogs like ours.
TEXTUAL_LABELS = (N_("palette"), N_("Open the command palette"))


class DutyApp(SharedTerminal, App):
    """A keyboard-driven duty office: roster, duty log, score review, positions and staff."""

    CSS_PATH = ["app.tcss", "accounts.tcss", "scores.tcss", "log.tcss", "roster.tcss"]  # each area adds its own .tcss file here
    TITLE = "Duty Desk"
    COMMANDS = App.COMMANDS | {DutyCommands}
    ENABLE_COMMAND_PALETTE = True
    MODES = {w.mode: w.load() for w in WORKSPACES}
    DEFAULT_MODE = START

    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("question_mark", "help", "Help", show=False, id="help-alt"),
        Binding("ctrl+t", "toggle_dark", "Theme", show=False, id="theme"),
        Binding("ctrl+n", "quick_entry", "New entry", id="log-quick-entry"),
        Binding("ctrl+o", "on_duty", "On duty now", id="roster-on-duty"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ] + [
        Binding(w.key, f"workspace('{w.mode}')", w.title, id=f"go-{w.mode}", show=False)
        for w in WORKSPACES
    ] + ACCOUNT_BINDINGS

    def __init__(self, *, lang: str = "en", actor: Actor | None = None, start: str | None = None,
                 lock_after: float | None = None, daily_backup: bool = False):
        """Without *actor* the app opens on the sign-in; *lock_after* (seconds) overrides the setting."""
        set_language(lang)
        super().__init__()
        translate_bindings(self)
        self.title = _("Duty Desk")
        from models.accounts import demo_as_of

        self.demo_as_of = demo_as_of()  # a demo says so on every screen
        sign_in(actor)  # nobody, until the sign-in screen says who is at the keyboard
        self._start = start
        self.setup_shared_terminal(actor is not None, lock_after, daily_backup)

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        first = self.start_shared_terminal()
        self.switch_mode(first or self._start or self.DEFAULT_MODE)
        self.update_signed_in()
        self.emergency_watch = EmergencyWatch(self)  # an unacknowledged emergency stays in sight

    def update_signed_in(self) -> None:
        actor = current_actor()
        self.sub_title = _("signed in as {name}").format(name=actor.name) if actor else _("not signed in")

    def action_workspace(self, mode: str) -> None:
        self.switch_mode(mode)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_quick_entry(self) -> None:
        """ctrl+n: one line into the duty log, from any screen."""
        from screens.log_quick import QuickEntry

        if not isinstance(self.screen, QuickEntry):
            self.push_screen(QuickEntry())

    def action_on_duty(self) -> None:
        """ctrl+o: the shift lead and officers on duty now, from any screen."""
        from screens.roster_dialogs import OnDutyDialog

        if not isinstance(self.screen, OnDutyDialog):
            self.push_screen(OnDutyDialog())

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
