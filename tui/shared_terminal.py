"""The app at a shared keyboard: sign-in at start, switch user, idle lock, live updates.

Mixed into ``DutyApp``. Signing in happens in a mode of its own ("account"), so no
workspace is on screen before someone has signed in. Locking pushes a lock screen over
whatever is open, so the screen below keeps its unsaved input. When the person changes,
every workspace is built afresh: nothing typed by the last person stays for the next.
Another terminal's writes are noticed through ``PRAGMA data_version`` once a second.
"""

from __future__ import annotations

import logging
import time

from textual import events
from textual.binding import Binding

from duty_desk.models.accounts.session import Actor, current_actor, sign_in

log = logging.getLogger("duty")

ACCOUNT_MODE = "account"
# What still works while the lock or sign-in screen is up.
ALLOWED_WHILE_LOCKED = {"quit", "help", "toggle_dark", "switch_user"}

ACCOUNT_BINDINGS = [
    Binding("f8", "switch_user", "Switch user", id="switch-user"),
    Binding("ctrl+l", "lock", "Lock", id="lock", show=False),
]


class SharedTerminal:
    """Sign-in, switch user, idle lock and the data watcher for ``DutyApp``."""

    WATCH_INTERVAL_S = 1.0

    BACKUP_DELAY_S = 60.0  # the day's backup starts once the person at the desk is at work

    def setup_shared_terminal(self, signed_in: bool, lock_after: float | None, daily_backup: bool) -> None:
        """Call from ``__init__``: *signed_in* is False when the app must ask who is there."""
        from duty_desk.screens.signin import SignInScreen

        self.add_mode(ACCOUNT_MODE, SignInScreen)
        self._needs_sign_in = not signed_in
        self._lock_after = lock_after
        self._daily_backup = daily_backup
        self._last_input = time.monotonic()
        self._data_version = None
        self._return_mode: str | None = None

    def start_shared_terminal(self) -> str | None:
        """Call from ``on_mount``; returns the mode to open (the sign-in when nobody is there)."""
        if self._lock_after is None:
            self._lock_after = self._configured_lock_after()
        self._data_version = self._read_data_version()
        self.set_interval(self.WATCH_INTERVAL_S, self._tick, name="shared-terminal")
        if self._daily_backup:  # later, in the background: signing in never waits for a copy
            self.set_timer(self.BACKUP_DELAY_S, lambda: self.run_worker(
                self._backup_today, thread=True, exit_on_error=False, group="backup"), name="daily-backup")
        return ACCOUNT_MODE if self._needs_sign_in else None

    # -- state ---------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        from duty_desk.screens.lock import LockScreen

        if self.current_mode == ACCOUNT_MODE:
            return True
        try:
            return any(isinstance(s, LockScreen) for s in self.screen_stack)
        except Exception:  # no screen yet, or shutting down: nothing is shown
            return True

    def check_action(self, action: str, parameters) -> bool | None:
        if action not in ALLOWED_WHILE_LOCKED and getattr(self, "_lock_after", None) is not None:
            try:
                if self.locked:
                    return False
            except Exception:  # before the first screen exists
                return True
        return True

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def format_title(self, title: str, sub_title: str):
        """The header always ends with who is signed in, whatever sub-title a screen sets, and
        starts with DEMO on a demo database."""
        from textual.content import Content

        from duty_desk.tui.i18n import _

        actor = current_actor()
        from duty_desk.models.safe_text import printable

        who = _("signed in as {name}").format(name=printable(actor.name)) if actor else _("not signed in")
        parts = [(_("DEMO") + " ", "bold reverse"), " "] if getattr(self, "demo_as_of", None) else []
        parts += [Content(title)]
        if sub_title and sub_title not in (title, who):
            parts += [(" — ", "dim"), Content(sub_title).stylize("dim")]
        parts += [(" · ", "dim"), (who, "bold")]
        return Content.assemble(*parts)

    # -- actions -------------------------------------------------------------------------

    def action_lock(self) -> None:
        from duty_desk.screens.lock import LockScreen

        actor = current_actor()
        if self.locked or actor is None or actor.id is None:  # the system account has no PIN
            return
        self.push_screen(LockScreen())

    def action_switch_user(self) -> None:
        """A handover at the same keyboard: lock what is open, then ask who is there."""
        from duty_desk.screens.lock import LockScreen

        if self.current_mode == ACCOUNT_MODE:
            return
        if not isinstance(self.screen, LockScreen):
            self.push_screen(LockScreen())
        self._return_mode = self.current_mode
        self.switch_mode(ACCOUNT_MODE)

    def cancel_switch(self) -> None:
        """Back to the locked screen of the person who was signed in."""
        if self._return_mode and current_actor() is not None:
            self.switch_mode(self._return_mode)

    async def signed_in(self, actor: Actor) -> None:
        """The sign-in screen accepted *actor*: resume their work, or start afresh for someone new."""
        from duty_desk.screens.lock import LockScreen

        previous = current_actor()
        sign_in(actor)
        self.update_signed_in()
        self._last_input = time.monotonic()
        back = self._return_mode
        self._return_mode = None
        if previous is not None and previous.id == actor.id and back:
            self.switch_mode(back)
            if isinstance(self.screen, LockScreen):
                self.pop_screen()
            self._reload_screens()
            return
        for mode, screen_type in self.MODES.items():
            if mode in self._screen_stacks and mode != self.current_mode:
                await self.remove_mode(mode)
                self.add_mode(mode, screen_type)
        self.switch_mode(self._start or self.DEFAULT_MODE)

    def unlocked(self) -> None:
        self._last_input = time.monotonic()
        self._reload_screens()

    # -- the once-a-second tick -------------------------------------------------------------

    def _tick(self) -> None:
        if not self.is_running or not self._screen_stacks.get(self.current_mode):
            return
        if (self._lock_after and not self.locked
                and time.monotonic() - self._last_input >= self._lock_after):
            self.action_lock()
        version = self._read_data_version()
        if version is not None and version != self._data_version:
            self._data_version = version
            if not self.locked:
                self._reload_screens()

    def _reload_screens(self) -> None:
        for screen in list(self.screen_stack):
            reload = getattr(screen, "reload", None)
            if callable(reload) and screen.is_mounted:
                try:
                    reload()
                except Exception:  # one screen's trouble must not stop the watcher
                    log.exception("reload failed")

    @staticmethod
    def _read_data_version() -> int | None:
        from duty_desk.models.storage.db import db

        try:
            return db.execute_sql("PRAGMA data_version").fetchall()[0][0]
        except Exception:  # a closed or missing database: nothing to watch
            return None

    @staticmethod
    def _configured_lock_after() -> float:
        from duty_desk.models.accounts.credentials import DEFAULT_LOCK_MINUTES, get_setting

        try:
            return get_setting("lock_minutes") * 60.0
        except Exception:
            return DEFAULT_LOCK_MINUTES * 60.0

    @staticmethod
    def _backup_today() -> None:
        from duty_desk.models.accounts.credentials import get_setting
        from duty_desk.models.storage.backup import daily_backup

        try:
            daily_backup(get_setting("backup_keep"))
        except Exception:  # a failed backup must not stop the desk; `duty check` tells
            log.exception("daily backup failed")
