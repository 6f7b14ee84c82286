"""Item 8: the emergency banner never hides who is signed in, on any working screen."""

from __future__ import annotations

import pytest

from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.accounts.session import acting_as
from tests.helpers import screen_text, settle, wait_until


@pytest.mark.parametrize("lang, who, banner", [("en", "signed in as 王晓东", "EMERGENCY #1"),
                                               ("zh_CN", "王晓东", "#1")])
async def test_the_banner_and_signed_in_as_both_show(desk, make_app, lang, who, banner):
    with acting_as(desk.officer):
        log_entries.add("!! smoke in the store room")
    app = make_app(actor=desk.officer, start="log", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        for mode in ("log", "roster", "scores", "positions", "staff", "audit"):
            await app.switch_mode(mode)
            await settle(app, pilot)
            assert await wait_until(pilot, lambda: "smoke in the store room" in screen_text(app)), mode
            lines = screen_text(app).splitlines()
            assert who in lines[0], (mode, lines[:3])  # the header's own line, not covered
            assert any(banner in line and "smoke" in line for line in lines[1:4]), (mode, lines[:4])
