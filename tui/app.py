"""The Duty Desk application: workspaces, global keys, help and the command palette."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.css.stylesheet import Stylesheet

from duty_desk.models.accounts.session import Actor, current_actor, sign_in

from duty_desk.tui.commands import DutyCommands
from duty_desk.tui.emergency import EmergencyWatch
from duty_desk.tui.help import HelpScreen
from duty_desk.tui.i18n import N_, _, set_language, translate_bindings
from duty_desk.tui.shared_terminal import ACCOUNT_BINDINGS, ACCOUNT_MODE, SharedTerminal
from duty_desk.tui.workspaces import START, WORKSPACES, Workspace

# The administrator's local choices (本地设定): opened like a workspace, by its key or the palette.
SETTINGS = Workspace("settings", "f9", N_("Settings"), "duty_desk.screens.settings:SettingsScreen")


class OnceParsedStylesheet(Stylesheet):
    """Textual parses the whole stylesheet afresh — every widget's CSS and ours — each time a
    screen is first shown (``refresh_css`` → ``reparse``), though nothing in it changed. Parsed
    rules stay valid until the theme's variables change: only then is anything parsed again;
    CSS added since (a widget seen for the first time) is parsed on its own."""

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables != self._variables:  # a new theme: every rule is parsed again
            super().set_variables(variables)

    def reparse(self) -> None:
        self.parse()  # each source from the parse cache, which a change of variables empties


# Textual's own labels that reach the footer; translated through our catalogs like ours.
TEXTUAL_LABELS = (N_("palette"), N_("Open the command palette"))


class DutyApp(SharedTerminal, App):
    """A keyboard-driven duty office: roster, duty log, score review, positions and staff."""

    # each area adds its own .tcss file here
    CSS_PATH = ["app.tcss", "accounts.tcss", "scores.tcss", "log.tcss", "roster.tcss"]
    TITLE = "Duty Desk"
    COMMANDS = App.COMMANDS | {DutyCommands}
    ENABLE_COMMAND_PALETTE = True
    # Each workspace's module is imported the first time it is opened, not at start:
    # the sign-in is drawn before the roster, log and review code is even read.
    MODES = {w.mode: (lambda w=w: w.load()()) for w in WORKSPACES} | {SETTINGS.mode: lambda: SETTINGS.load()()}
    DEFAULT_MODE = START

    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("question_mark", "help", "Help", show=False, id="help-alt"),
        Binding("ctrl+t", "toggle_dark", "Theme", show=False, id="theme"),
        # priority: it runs as the key arrives, so the keys typed after it wait for the new line
        Binding("ctrl+n", "quick_entry", "New entry", id="log-quick-entry", priority=True),
        Binding("ctrl+o", "on_duty", "On duty now", id="roster-on-duty"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ] + [
        Binding(w.key, f"workspace('{w.mode}')", w.title, id=f"go-{w.mode}", show=False)
        for w in WORKSPACES
    ] + [
        # Settings (local choices) is not a workspace of the day's work: F1 and the palette list it.
        Binding(SETTINGS.key, f"workspace('{SETTINGS.mode}')", SETTINGS.title, id="go-settings", show=False),
    ] + ACCOUNT_BINDINGS

    def __init__(self, *, lang: str = "en", actor: Actor | None = None, start: str | None = None,
                 lock_after: float | None = None, daily_backup: bool = False):
        """Without *actor* the app opens on the sign-in; *lock_after* (seconds) overrides the setting."""
        set_language(lang)
        super().__init__()
        self.stylesheet = OnceParsedStylesheet(variables=self.get_css_variables())
        translate_bindings(self)
        self.title = _("Duty Desk")
        from duty_desk.models.accounts.credentials import demo_as_of

        self.demo_as_of = demo_as_of()  # a demo says so on every screen
        sign_in(actor)  # nobody, until the sign-in screen says who is at the keyboard
        self._start = start
        self._held_keys: list[events.Key] | None = None  # type-ahead for a screen being opened
        self.setup_shared_terminal(actor is not None, lock_after, daily_backup)
        # Textual composes its current mode's screen before on_mount: make that the screen shown
        # first, so the log is not built (and its CSS applied) behind the sign-in, then thrown away.
        first = ACCOUNT_MODE if self._needs_sign_in else (start or self.DEFAULT_MODE)
        self._current_mode, self._screen_stacks = first, {first: []}  # as App.__init__ sets them

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        first = self.start_shared_terminal()
        self.switch_mode(first or self._start or self.DEFAULT_MODE)
        self.update_signed_in()
        self.emergency_watch = EmergencyWatch(self)  # an unacknowledged emergency stays in sight

    def update_signed_in(self) -> None:
        actor = current_actor()
        self.sub_title = _("signed in as {name}").format(name=actor.name) if actor else _("not signed in")

    # -- type-ahead ------------------------------------------------------------------------
    # A practised hand types before a dialog has drawn. Keys that arrive while one is being
    # opened are held, in order, and handed to it once its input has focus.
    HOLD_KEYS_S = 2.0  # a dialog that never says it is ready does not swallow the keyboard

    def hold_keys(self) -> None:
        """Hold the keys that arrive from now until ``release_keys`` (a dialog is opening)."""
        if self._held_keys is None:
            self._held_keys = []
            self._hold_timer = self.set_timer(self.HOLD_KEYS_S, self.release_keys)

    def release_keys(self) -> None:
        """The new input has focus: replay the held keys to it, after any already queued."""
        if self._held_keys is not None:
            self._hold_timer.stop()
            self.call_later(self._replay_keys)

    async def _replay_keys(self) -> None:
        keys, self._held_keys = self._held_keys, None
        for i, key in enumerate(keys or ()):
            if self._held_keys is not None:  # a replayed key opened another dialog: it waits too
                self._held_keys.extend(keys[i:])
                return
            await super().on_event(key)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self._held_keys is not None:
            self._held_keys.append(event)
            return
        await super().on_event(event)

    async def action_quit(self) -> None:
        """ctrl+q: a quick entry typed and not saved is not lost without a question."""
        from duty_desk.tui.ask import Ask

        unsaved = [screen.unsaved for stack in self._screen_stacks.values() for screen in stack
                   if getattr(screen, "unsaved", "")]
        if not unsaved or isinstance(self.screen, Ask):  # ctrl+q twice: quit
            self.exit()
            return

        def answered(yes: bool) -> None:
            if yes:
                self.exit()

        self.push_screen(Ask(_("Quit and lose the entry not saved yet?"), "\n".join(unsaved),
                             yes=_("Enter: quit"), no=_("Esc: keep it")), answered)

    def action_workspace(self, mode: str) -> None:
        self.switch_mode(mode)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_quick_entry(self) -> None:
        """ctrl+n: one line into the duty log, from any screen."""
        from duty_desk.screens.log_quick import QuickEntry

        if not isinstance(self.screen, QuickEntry):
            self.hold_keys()  # until its line has focus
            self.push_screen(QuickEntry())

    def action_on_duty(self) -> None:
        """ctrl+o: the shift lead and officers on duty now, from any screen."""
        from duty_desk.screens.roster_dialogs import OnDutyDialog

        if not isinstance(self.screen, OnDutyDialog):
            self.push_screen(OnDutyDialog())

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
