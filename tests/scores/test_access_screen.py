"""An officer at 80×24 presses F4: their own row, colleagues to rate without scores, refusals."""

from duty_desk.models.appraisal.tables import Rating
from duty_desk.models.appraisal.scoresheets import set_weights, sheet_id_for
from duty_desk.models.accounts.session import acting_as
from duty_desk.screens.score_dialogs import ScoreDialog
from duty_desk.screens.scores import ScoresScreen
from duty_desk.screens.scoresheet import SheetScreen
from tests.helpers import screen_text, settle
from duty_desk.tui.linetable import LineTable

from .test_screen import until


def line_of(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if name in line and "signed in" not in line)


async def test_an_officer_sees_only_their_own_row_and_peers_to_rate(team, make_app):
    office, lead, outsider = team
    app = make_app(actor=office.officer)
    app.WATCH_INTERVAL_S = 3600  # another terminal's change stays unnoticed until a key needs it
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await until(app, pilot, lambda: isinstance(app.screen, ScoresScreen) and "to rate as peer" in screen_text(app))
        text = screen_text(app)
        assert "88.6" in line_of(text, "林晓东") and "Good" in line_of(text, "林晓东")
        for name in ("马志强", "宋丽娟", "周建军"):
            line = line_of(text, name)
            assert "to rate as peer" in line and not any(ch.isdigit() for ch in line.split(name)[1])
        for name in ("高海燕", "管理员", "赵一鸣"):  # the duty office is not theirs to see
            assert name not in text
        assert "Results are personal" in text and "Excellent" not in text  # no spread of the bands
        assert "Export" not in text  # no export key for an officer
        table = app.screen.query_one("#scores-table", LineTable)
        assert table.row_count == 4

        # A colleague's sheet: the criteria and their own points to enter, nothing else.
        await pilot.press("down", "enter")
        await until(app, pilot, lambda: isinstance(app.screen, SheetScreen) and app.screen.detail is not None)
        await settle(app, pilot)
        text = screen_text(app)
        assert "You rate this colleague as a peer" in text and "Tasks" in text and "Your points" in text
        body = "\n".join(text.splitlines()[1:-1])  # between the header and the keys
        assert "Score" not in body and "Deductions" not in body and "Good" not in body and "[" not in body
        rated = app.screen.detail.person_id
        await pilot.press("s")
        await until(app, pilot, lambda: isinstance(app.screen, ScoreDialog))
        assert "as peers" in screen_text(app)
        await pilot.press("7", "enter")  # saved; the next item's dialog follows
        await until(app, pilot, lambda: isinstance(app.screen, ScoreDialog) and app.screen.index == 2)
        await pilot.press("escape")
        await until(app, pilot, lambda: isinstance(app.screen, SheetScreen) and "1 of 10 scored" in screen_text(app))
        assert line_of(screen_text(app), "Tasks").rstrip().endswith("7")
        await pilot.press("escape")
        await until(app, pilot, lambda: isinstance(app.screen, ScoresScreen))

        # Meanwhile a supervisor takes peers off 宋丽娟's sheet: her row, still on screen, is refused.
        refused_sheet = sheet_id_for("2026-09", next(p for p in (office.peer, office.peer2) if p.name == "宋丽娟").id)
        with acting_as(office.supervisor):
            set_weights(refused_sheet, 20, 80, 0)
        table = app.screen.query_one("#scores-table", LineTable)
        assert refused_sheet in table.keys
        for _ in range(table.keys.index(refused_sheet) - table.cursor_row):
            await pilot.press("down")
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, SheetScreen)
                    and "Appraisal results are personal" in screen_text(app))
        text = screen_text(app)
        assert app.screen.detail is None and "Tasks" not in text and "宋丽娟 ·" not in text
        await pilot.press("escape")
        await until(app, pilot, lambda: isinstance(app.screen, ScoresScreen))
    assert rated in (office.peer.id, office.peer2.id, lead.id)
    given = Rating.select().where(Rating.rater_id == office.officer.id, Rating.rater == "peer")
    assert [(r.sheet.person_id, r.rater, r.points) for r in given] == [(rated, "peer", 7)]
