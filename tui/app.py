"""The Duty Desk application: workspaces, global keys, help and the command palette."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from models.session import Actor, current_actor, sign_in

from .commands import DutyCommands
from .help import HelpScreen
from .i18n import _, set_language, translate_bindings
from .workspaces import WORKSPACES


class DutyApp(App):
    """A keyboard-driven duty office: roster, duty log, score review, positions and staff."""

    CSS_PATH = ["app.tcss"]  # each area adds its own .tcss file here
    TITLE = "Duty Desk"
    COMMANDS = App.COMMANDS | {DutyCommands}
    ENABLE_COMMAND_PALETTE = True
    MODES = {w.mode: w.load() for w in WORKSPACES}
    DEFAULT_MODE = WORKSPACES[0].mode

    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("question_mark", "help", "Help", show=False, id="help-alt"),
        Binding("ctrl+t", "toggle_dark", "Theme", show=False, id="theme"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ] + [
        Binding(w.key, f"workspace('{w.mode}')", w.title, id=f"go-{w.mode}", show=False)
        for w in WORKSPACES
    ]

    def __init__(self, *, lang: str = "en", actor: Actor | None = None, start: str | None = None):
        set_language(lang)
        super().__init__()
        translate_bindings(self)
        self.title = _("Duty Desk")
        if actor is not None:
            sign_in(actor)
        self._start = start

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.switch_mode(self._start or self.DEFAULT_MODE)
        self.update_signed_in()

    def update_signed_in(self) -> None:
        actor = current_actor()
        self.sub_title = _("signed in as {name}").format(name=actor.name) if actor else _("not signed in")

    def action_workspace(self, mode: str) -> None:
        self.switch_mode(mode)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
