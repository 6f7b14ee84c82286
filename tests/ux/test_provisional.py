"""Item 7: a rank and a band only for approved sheets; a score still open says it is not final."""

from __future__ import annotations

from duty_desk.models.appraisal.tables import Scoresheet
from duty_desk.models.appraisal.scoresheets import sheet_id_for
from duty_desk.models.accounts.session import SYSTEM, acting_as
from duty_desk.screens.scores import ScoresScreen
from tests.helpers import screen_text, settle
from tests.scores.conftest import office, rate_all, september  # noqa: F401  (fixtures)


def line_of(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if name in line)


async def test_unapproved_sheets_are_not_final_and_unranked(office, september, make_app):  # noqa: F811
    rate_all(september, office.supervisor, 9.3)  # 93: would be "Excellent" and first
    other = sheet_id_for("2026-09", office.peer.id)
    rate_all(other, office.supervisor, 8)
    with acting_as(SYSTEM):
        Scoresheet.update(state="approved").where(Scoresheet.id == other).execute()
    app = make_app(actor=office.supervisor, start="scores")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ScoresScreen)
        text = screen_text(app)
        draft = line_of(text, office.officer.name)
        approved = line_of(text, office.peer.name)
        assert "93.0" in draft and "not final" in draft and "Excellent" not in draft
        assert draft.split()[0] == "–"  # no rank
        assert approved.split()[0] == "1" and "80.0" in approved and "Good" in approved
        assert "not final 1" in text
        assert text.index(office.peer.name) < text.index(office.officer.name)  # approved first
    app = make_app(actor=office.supervisor, start="scores", lang="zh_CN")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(app, pilot)
        assert "未定" in line_of(screen_text(app), office.officer.name)
