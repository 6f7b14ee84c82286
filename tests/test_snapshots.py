"""How screens look at 80×24: SVG snapshots (update with ``pytest --snapshot-update``)."""


def test_positions_filtered_to_the_warehouse(seeded_db, make_app, snap_compare):
    app = make_app(lang="zh_CN", start="positions")
    assert snap_compare(app, press=[*"仓库"], terminal_size=(80, 24))


def test_position_detail_in_english(seeded_db, make_app, snap_compare):
    app = make_app(start="positions")
    assert snap_compare(app, press=[*"timber", "enter"], terminal_size=(80, 24))


# ---- issue 15: every working screen of the demo, at 80×24 in both languages, with the footer
# whole; the log and a scoresheet at 200×50. The clock stands still: nothing on screen moves.

import pytest  # noqa: E402

from duty_desk.models import clock  # noqa: E402
from tests.conftest import TEST_NOW  # noqa: E402
from tests.helpers import settle  # noqa: E402

WORKING = ("roster", "log", "scores", "positions", "staff", "audit", "handover", "scoresheet")


def _demo_admin():
    from duty_desk.models.organisation.org import Person
    from duty_desk.models.accounts.session import Actor

    person = Person.select().where(Person.role == "admin").order_by(Person.id).first()
    return Actor(person.id, person.name, "admin")


def _most_adjusted(sheet_ids) -> int:
    from duty_desk.models.appraisal.tables import Adjustment

    counts = {sid: Adjustment.select().where(Adjustment.sheet == sid).count() for sid in sheet_ids}
    return max(sheet_ids, key=lambda sid: (counts[sid], -sid))


def _open(where: str):
    """What a person presses to reach *where*, waited for as the tests wait (workers done)."""
    from tests.ux.test_footer_fits import visit

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        if where == "scoresheet":  # the sheet with the most deductions: the evidence column shows
            await visit(pilot.app, pilot, "scores")
            table = pilot.app.screen.query_one("#scores-table")
            await pilot.press(*["down"] * table.keys.index(_most_adjusted(table.keys)))
        await visit(pilot.app, pilot, where)
        await pilot.pause(0.2)  # timers that redraw once after the first frame
        await settle(pilot.app, pilot)

    return run_before


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("where", WORKING)
def test_working_screen_at_80x24(demo_db, make_app, snap_compare, where, lang):
    clock.freeze(TEST_NOW)
    app = make_app(actor=_demo_admin(), start="log", lang=lang)
    assert snap_compare(app, run_before=_open(where), terminal_size=(80, 24))


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("where", ["log", "scoresheet"])
def test_log_and_scoresheet_at_200x50(demo_db, make_app, snap_compare, where, lang):
    clock.freeze(TEST_NOW)
    app = make_app(actor=_demo_admin(), start="log", lang=lang)
    assert snap_compare(app, run_before=_open(where), terminal_size=(200, 50))
