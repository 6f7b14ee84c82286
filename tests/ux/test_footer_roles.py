"""Item 4: every key a footer shows is one the signed-in role may use.

The table below is written from the models' ``require(...)`` calls, not read from the
screens, so a screen that offers a key to the wrong role fails here; a key this table does
not know fails too, until someone decides who may use it.
"""

from __future__ import annotations

import pytest

from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import Actor, role_allows
from duty_desk.screens.handover import HandoverScreen
from duty_desk.screens.scoresheet import SheetScreen
from tests.helpers import settle, wait_until

NEEDS = {  # binding id → the permission its action needs
    "log-amend": "log.amend", "log-followup": "log.followup", "log-close-followup": "log.followup",
    "log-ack": "log.acknowledge", "log-approve": "log.approve_expense", "log-record-about": "log.record_about",
    "handover-close": "log.handover", "handover-countersign": "log.handover",
    "roster-assign": "roster.edit", "roster-remove": "roster.edit", "roster-remove-alt": "roster.edit",
    "roster-role": "roster.edit", "roster-generate": "roster.edit", "roster-leave": "roster.edit",
    "roster-new-shift": "roster.edit", "roster-accept": "roster.accept", "roster-swap": "roster.swap_request",
    "roster-check": "roster.checkin",
    "scores-open-period": "scores.period", "scores-propose": "scores.confirm", "scores-export": "scores.export",
    "sheet-confirm": "scores.confirm", "sheet-reject": "scores.confirm", "sheet-add": "scores.confirm",
    "sheet-confirm-all": "scores.confirm", "sheet-mark": "scores.confirm", "sheet-mark-down": "scores.confirm",
    "sheet-mark-up": "scores.confirm", "sheet-approve": "scores.approve", "sheet-reopen": "scores.reopen",
    "sheet-weights": "scores.supervise",
    "staff-add": "staff.edit", "staff-edit": "staff.edit",
    "audit-filter": "audit.read", "audit-open": "audit.read",
}
FOR_EVERYONE = {  # reading, moving and the app's own keys
    "help", "log-quick-entry", "roster-on-duty", "quit", "switch-user", "log-search", "log-filter", "log-handover",
    "handover-export", "handover-back", "roster-swaps", "roster-previous", "roster-next", "roster-today",
    "scores-open", "scores-sort", "scores-prev", "scores-next", "sheet-back", "sheet-score", "sheet-hand-in",
    "sheet-acknowledge", "sheet-total", "sheet-form", "positions-open", "positions-filter", "staff-filter",
    "linetable-open", "command_palette", "log-goto", "log-next-hit", "log-prev-hit", "log-clear",
}


def shown(screen) -> list:
    """The keys the footer draws: shown bindings that check_action does not hide (greyed count)."""
    return [active.binding for active in screen.active_bindings.values() if active.binding.show]


def check(screen, actor: Actor, where: str, seen: list | None = None) -> list[str]:
    if seen is not None:
        seen.append(where)
    wrong = []
    for binding in shown(screen):
        bid = binding.id or binding.action
        if bid in NEEDS:
            if not role_allows(actor.role, NEEDS[bid]):
                wrong.append(f"{actor.role} sees {binding.key} ({bid}) on {where}")
        elif bid not in FOR_EVERYONE:
            wrong.append(f"{binding.key} ({bid}) on {where}: who may use it? add it to NEEDS or FOR_EVERYONE")
    return wrong


@pytest.mark.parametrize("role", ["officer", "lead", "supervisor", "admin"])
async def test_every_key_in_a_footer_is_allowed_for_the_role(demo_db, make_app, role):
    person = Person.select().where(Person.role == role, Person.active == True).order_by(Person.id).first()  # noqa: E712
    actor = Actor(person.id, person.name, role)
    app = make_app(actor=actor, start="log")
    wrong: list[str] = []
    seen: list[str] = []
    async with app.run_test(size=(200, 50)) as pilot:
        for mode in ("log", "roster", "scores", "positions", "staff", "audit"):
            await app.switch_mode(mode)
            await settle(app, pilot)
            wrong += check(app.screen, actor, mode, seen)
            if mode == "log":
                await pilot.press("h")
                assert await wait_until(pilot, lambda: isinstance(app.screen, HandoverScreen))
                await settle(app, pilot)
                wrong += check(app.screen, actor, "handover", seen)
                await pilot.press("escape")
                await settle(app, pilot)
            if mode == "scores" and app.screen.query("LineTable").first().row_count:
                await pilot.press("enter")
                assert await wait_until(pilot, lambda: isinstance(app.screen, SheetScreen)
                                        and app.screen.detail is not None)
                await settle(app, pilot)
                wrong += check(app.screen, actor, "scoresheet", seen)
                await pilot.press("escape")
                await settle(app, pilot)
    assert not wrong, "\n".join(wrong)
    assert "handover" in seen and "scoresheet" in seen, seen


async def test_a_hidden_key_says_who_may_and_help_lists_it(desk, make_app):
    from duty_desk.models.logbook import entries as log_entries
    from duty_desk.models.logbook.query import unacknowledged_emergencies
    from duty_desk.models.accounts.session import acting_as
    from tests.helpers import screen_text

    with acting_as(desk.officer):
        log_entries.add("!! smoke in the store room")
    app = make_app(actor=desk.officer, start="log")
    async with app.run_test(size=(120, 50)) as pilot:  # the help whole, unscrolled
        await settle(app, pilot)
        assert "a" not in app.screen.active_bindings
        await pilot.press("a")
        await settle(app, pilot)
        assert "A duty officer may not do this; it needs the role shift lead or" in screen_text(app)
        assert len(unacknowledged_emergencies()) == 1
        await pilot.press("f1")
        await settle(app, pilot)
        assert "Acknowledge emergency — A duty officer may not do this;" in screen_text(app)
