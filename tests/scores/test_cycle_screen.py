"""The cycle by keys at 80×24: a month opens self-appraisals, a quarter supervisor appraisals
with the months beside them, ranks only from approved sheets, and each deduction says why.

The duty office and its schemes are built here (``duty_office``), not read from the seed files.
"""

import datetime as dt

from textual.widgets import Input

from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.appraisal.tables import Adjustment, Scoresheet
from duty_desk.models.organisation.org import Rule
from duty_desk.models.appraisal.scoresheets import approve, open_period, rate, sheet_id_for, submit_review, submit_self
from duty_desk.models.accounts.session import SYSTEM, acting_as
from duty_desk.screens.score_dialogs import EvidenceDialog, ScoreDialog
from duty_desk.screens.scores import ScoresScreen
from duty_desk.screens.scoresheet import SheetScreen
from tests.helpers import screen_text, settle
from duty_desk.tui.linetable import LineTable

from .test_evidence import Calls, LogStandIn, StandInApp
from .test_screen import open_row_of, until


def line_of(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if name in line)


def items_header(app) -> str:
    return line_of(screen_text(app), " # ")


def rate_items(sheet_id, who, values):
    with acting_as(who):
        for seq, value in enumerate(values, 1):
            rate(sheet_id, seq, value)


async def test_a_month_opens_self_appraisals_handed_in_and_approved_by_keys(duty_office, make_app):
    d = duty_office
    app = make_app(actor=d.admin, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await until(app, pilot, lambda: "Open an appraisal period" in screen_text(app))
        app.screen.query_one(Input).value = ""
        await pilot.press(*"2026-07", "enter")
        await until(app, pilot, lambda: "2026-07 month" in screen_text(app))
        text = screen_text(app)
        assert "2 sheets" in text and "林晓东" in text and "马志强" in text
        assert "宋丽娟" not in text  # the warehouse clerk is appraised quarterly
        assert "0/4" in line_of(text, "林晓东")  # no item rated yet: how many are, no figure
    sid = sheet_id_for("2026-07", d.officer.id)
    assert Scoresheet.get_by_id(sid).weight_self == 100

    # The officer scores their own month and hands it in; there is no supervisor column.
    app = make_app(actor=d.officer, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_row_of(app, pilot, sid)
        assert "self-appraisal only" in screen_text(app)
        assert "Self" in items_header(app) and "Sup." not in items_header(app) and "Peers" not in items_header(app)
        await pilot.press("s")
        for n in range(4):
            await until(app, pilot, lambda n=n: isinstance(app.screen, ScoreDialog) and app.screen.index == n + 1)
            await pilot.press(*"22", "enter")
        await until(app, pilot, lambda: isinstance(app.screen, SheetScreen) and app.screen.detail.total.complete)
        await pilot.press("h")
        await until(app, pilot, lambda: "[self-assessed]" in screen_text(app))

    # The supervisor approves it without points of their own: no s to score, no h to hand in.
    app = make_app(actor=d.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_row_of(app, pilot, sid)
        footer = screen_text(app).splitlines()[-1]
        assert "Score" not in footer and "Hand in" not in footer and app.screen.check_action("score", ()) is False
        await pilot.press("s", "h")
        await settle(app, pilot)
        assert isinstance(app.screen, SheetScreen) and Scoresheet.get_by_id(sid).state == "self_assessed"
        await pilot.press("a")
        await until(app, pilot, lambda: "Approve and lock this sheet?" in screen_text(app))
        await pilot.press("enter")
        await until(app, pilot, lambda: "[approved]" in screen_text(app))
        assert "Score 88.0 Good" in screen_text(app)
    assert Scoresheet.get_by_id(sid).state == "approved"


def three_months(d) -> int:
    """July approved at 88, August handed in at 90, September 2 of 4 rated; the quarter opened.
    Returns the officer's quarter sheet."""
    with acting_as(SYSTEM):
        for month in ("2026-07", "2026-08", "2026-09"):
            open_period(month)
    july, august, september = (sheet_id_for(m, d.officer.id) for m in ("2026-07", "2026-08", "2026-09"))
    rate_items(july, d.officer, [22, 22, 22, 22])
    rate_items(august, d.officer, [25, 25, 20, 20])
    rate_items(september, d.officer, [25, 25])
    with acting_as(d.officer):
        submit_self(july)
        submit_self(august)
    with acting_as(d.supervisor):
        approve(july)
    with acting_as(SYSTEM):
        open_period("2026-Q3")
    return sheet_id_for("2026-Q3", d.officer.id)


async def test_a_quarter_shows_the_three_monthly_self_appraisals_beside_it(duty_office, make_app):
    d = duty_office
    quarter = three_months(d)
    app = make_app(actor=d.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: "2026-Q3" in screen_text(app))
        await open_row_of(app, pilot, quarter)
        text = screen_text(app)
        assert "supervisor's appraisal only" in text
        header = items_header(app)
        assert "Sup." in header and "Self" not in header.split("▏")[0]
        panel = [line.split("▏", 1)[1] for line in text.splitlines() if "▏" in line and "2026" in line]
        assert [" ".join(p.split()) for p in panel] == ["2026-07 88.0", "2026-08 (90.0)", "2026-09 2/4"]
        assert "Self-appraisals" in text and "self-assessed" in text and "approved" in text
        assert "Trend: 2026-Q3" in text  # a quarter's trend is of quarters only
        # the supervisor scores the quarter alone, hands it in from draft, approves
        await pilot.press("s")
        for n in range(4):
            await until(app, pilot, lambda n=n: isinstance(app.screen, ScoreDialog) and app.screen.index == n + 1)
            await pilot.press(*"20", "enter")
        await until(app, pilot, lambda: isinstance(app.screen, SheetScreen) and app.screen.detail.total.complete)
        await pilot.press("h")
        await until(app, pilot, lambda: "[reviewed]" in screen_text(app))
    app = make_app(actor=d.officer, start="scores", lang="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: "2026-Q3" in screen_text(app))
        await open_row_of(app, pilot, quarter)
        text = screen_text(app)
        assert "上级评估" in text and "自评" in text and "(90.0)" in text and "已批准" in text
        assert "s 得分" not in text.splitlines()[-1]  # the officer does not score the quarter


async def test_ranks_and_bands_only_from_approved_sheets(duty_office, make_app):
    d = duty_office
    with acting_as(SYSTEM):
        open_period("2026-Q3")
    mine, theirs, clerk = (sheet_id_for("2026-Q3", p.id) for p in (d.officer, d.officer2, d.clerk))
    rate_items(mine, d.supervisor, [22, 22, 22, 22])
    rate_items(theirs, d.supervisor, [25, 25, 25, 18])
    rate_items(clerk, d.supervisor, [9, 9, 9])  # 3 of 10 items
    with acting_as(d.supervisor):
        submit_review(mine)
        approve(mine)
        submit_review(theirs)
    for lang, final, unfinished in (("en", "Good", "not final"), ("zh_CN", "良好", "未定")):
        app = make_app(actor=d.supervisor, start="scores", lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(app, pilot, lambda app=app: "2026-Q3" in screen_text(app))
            text = screen_text(app)
            approved, reviewed, partial = (line_of(text, p.name) for p in (d.officer, d.officer2, d.clerk))
            assert approved.split()[0] == "1" and "88.0" in approved and final in approved
            # 93 would top the list as Excellent: it is bracketed, unranked, without a band
            assert reviewed.split()[0] == "–" and "(93.0)" in reviewed and unfinished in reviewed
            assert "Excellent" not in reviewed and "优秀" not in reviewed
            assert partial.split()[0] == "–" and "3/10" in partial and "Poor" not in partial and "差" not in partial
            table = app.screen.query_one("#scores-table", LineTable)
            cells = dict(zip(table.keys, (row.cells for row in table.rows)))
            assert cells[theirs][4] == ("(93.0)", "dim italic")
            assert text.index(d.officer.name) < text.index(d.officer2.name)  # approved first
            assert isinstance(app.screen, ScoresScreen)


async def test_each_deduction_says_why_and_enter_opens_its_evidence(duty_office):
    d = duty_office
    absent = Rule.create(position=d.duty_position, seq=1, fact="值班期间脱岗一次扣2分,罚款50元", kind="deduction",
                         points=2, fine=50, code="absent_from_post", seeded="{}", line=823, basis="occurrence")
    graded = Rule.create(position=d.duty_position, seq=2, fact="值班记录不全,按五档扣2/4/6/8/10分", kind="deduction",
                         points=2, seeded="{}", line=831, basis="graded", grades="2,4,6,8,10")
    with acting_as(SYSTEM):
        open_period("2026-Q3")
    quarter = sheet_id_for("2026-Q3", d.officer.id)
    when = dt.datetime(2026, 8, 3, 10, 0)
    with acting_as(d.supervisor):
        entry = log_entries.add_entry("other", "门岗无人值守 25 分钟", at=when)
    Adjustment.create(sheet=quarter, rule=absent, kind="deduction", code="absent_from_post", fact=absent.fact,
                      points=2, count=1, fine=50, source="log", ref_id=entry, occurred_at=when,
                      note="absent_from_post 25 分钟")
    Adjustment.create(sheet=quarter, rule=graded, kind="deduction", fact="【演示】" + graded.fact, points=6,
                      count=1, source="manual", occurred_at=when + dt.timedelta(hours=1))
    Calls.made = []
    app = StandInApp(actor=d.supervisor, start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: "2026-Q3" in screen_text(app))
        await open_row_of(app, pilot, quarter)
        await until(app, pilot, lambda: "2 to decide" in screen_text(app))
        text = screen_text(app)
        row = line_of(text, "-2 ")
        assert "¥50" in row and "值班期间脱岗" in row and "002 l.823" in row and "duty log" in row
        why = " ".join(" ".join(text.splitlines()[-4:]).split())  # the line under the table, unwrapped
        assert "002 · line 823" in why and "¥50" in why and "absent from post 25 分钟" in why
        assert "absent_from_post" not in text and "【演示】" not in text
        await pilot.press("tab", "down")  # the graded one: its grade, its line
        await until(app, pilot, lambda: "grade 6" in screen_text(app))
        assert "002 · line 831" in screen_text(app)
        await pilot.press("up", "e")  # the evidence, listed: the entry behind it
        await until(app, pilot, lambda: isinstance(app.screen, EvidenceDialog))
        text = screen_text(app)
        assert "门岗无人值守 25 分钟" in text and "002 · line 823" in text
        await pilot.press("enter")  # and opened where it is recorded
        await until(app, pilot, lambda: isinstance(app.screen, LogStandIn) and Calls.made)
        assert Calls.made == [("show_entry", entry)]
    app = StandInApp(actor=d.supervisor, start="scores", lang="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: "2026-Q3" in screen_text(app))
        await open_row_of(app, pilot, quarter)
        await until(app, pilot, lambda: "002 · 第823行" in screen_text(app))
        assert "罚款" in screen_text(app) and "absent_from_post" not in screen_text(app)
