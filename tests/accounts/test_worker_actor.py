"""A database worker acts for the person who started it, even after the terminal switched user."""

from __future__ import annotations

import threading

from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.logbook.tables import LogEntry
from duty_desk.models.accounts.session import current_actor, sign_in
from tests.helpers import settle, wait_until
from duty_desk.tui.app import DutyApp


async def test_a_worker_finishing_after_a_switch_writes_as_who_started_it(staff):
    officer, lead = staff["张敏"], staff["李娜"]
    release, started = threading.Event(), threading.Event()

    def slow_entry() -> int:
        started.set()
        release.wait(10)  # the terminal changes hands meanwhile
        return log_entries.add("p: @东门 started before the switch")

    app = DutyApp(lang="en", actor=officer, start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.screen.fetch(slow_entry, group="slow", exclusive=False)
        assert await wait_until(pilot, started.is_set)
        sign_in(lead)  # what F8 and the next person's PIN end in
        app.update_signed_in()
        release.set()
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert current_actor() == lead
    entry = LogEntry.select().order_by(LogEntry.seq.desc()).first()
    assert entry.text == "started before the switch" and entry.author_id == officer.id
