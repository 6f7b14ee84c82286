"""The emergency banner: an unacknowledged emergency stays in sight on every screen.

The app keeps one ``EmergencyWatch``: it asks the database every few seconds (and at
once after an entry is written here) for emergencies no shift lead has acknowledged, and
puts a banner at the top of whichever working screen is showing until one does.
"""

from __future__ import annotations

from textual.widgets import Static

from duty_desk.models.logbook.query import LogRow, unacknowledged_emergencies

from duty_desk.tui.i18n import _
from duty_desk.tui.text import plain

POLL_SECONDS = 5.0


class EmergencyBanner(Static):
    DEFAULT_CSS = """
    EmergencyBanner { height: auto; max-height: 3; display: none;
                      background: $error; color: $text; text-style: bold; padding: 0 1; }
    EmergencyBanner.-active { display: block; }
    """

    def show(self, rows: list[LogRow]) -> None:
        self.set_class(bool(rows), "-active")
        if not rows:
            self.update("")
            return
        newest = rows[-1]
        text = _("EMERGENCY #{seq} {time} {post} {text}").format(
            seq=newest.seq, time=f"{newest.at:%H:%M}", post=newest.post, text=newest.text)
        if len(rows) > 1:
            text += "  " + _("(+{count} more)").format(count=len(rows) - 1)
        # the entry as written, never markup
        self.update(plain(text + "  — " + _("a shift lead acknowledges with A on the log (F3)")))


class EmergencyWatch:
    """Keeps the banner on the current screen in step with the database."""

    def __init__(self, app):
        self.app = app
        self.rows: list[LogRow] = []
        app.screen_change_signal.subscribe(app, self._on_screen)
        app.set_interval(POLL_SECONDS, self.poll)
        app.call_after_refresh(self.poll)  # after the first frame: the workspace's own reads go first

    def poll(self) -> None:
        def job():
            try:
                rows = unacknowledged_emergencies()
            except Exception:  # no log tables yet, or the database is busy: try next time
                return
            self.app.call_from_thread(self._update, rows)

        self.app.run_worker(job, thread=True, group="emergency-watch", exclusive=True, exit_on_error=False)

    def _update(self, rows: list[LogRow]) -> None:
        self.rows = rows
        self._on_screen(self.app.screen)

    def _on_screen(self, screen) -> None:
        from duty_desk.tui.base import DutyScreen

        if not isinstance(screen, DutyScreen):
            return
        banners = screen.query(EmergencyBanner)
        if banners:
            banners.first().show(self.rows)
        elif self.rows:
            # First in the screen's flow, under the docked header: not docked itself, since
            # two widgets docked to the top cover each other, and "signed in as" must show.
            banner = EmergencyBanner(id="emergency-banner")
            screen.mount(banner, before=0)
            banner.show(self.rows)
