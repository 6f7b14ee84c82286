"""By keys: a shift lead records an incident and a graded deduction about a person from the
log, picking the rule by its number; bad input is shown where it was typed and kept."""

from __future__ import annotations

from textual.widgets import Input

from duty_desk.models.appraisal.tables import Adjustment
from duty_desk.models.appraisal.facts import DutyFact
from duty_desk.models.logbook.tables import LogEntry, LogPerson
from duty_desk.models.organisation.org import Person, Position
from duty_desk.models.accounts.session import Actor
from duty_desk.screens.log import LogScreen
from duty_desk.screens.log_dialogs import IncidentDialog
from tests.helpers import screen_text, settle, wait_until

from .test_engine import yard  # noqa: F401  (the fixture)


async def _type(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def _fill(app, pilot, field: str, text: str) -> None:
    box = app.screen.query_one(f"#form-{field}", Input)
    box.value = ""
    box.insert_text_at_cursor(text)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_lead_records_a_graded_deduction_and_an_incident_by_keys(yard, make_app):  # noqa: F811
    lead = Person.create(name="陈海燕", role="lead")
    app = make_app(actor=Actor(lead.id, lead.name, "lead"), start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LogScreen)
        await pilot.press("i")
        assert await wait_until(pilot, lambda: isinstance(app.screen, IncidentDialog))
        await _fill(app, pilot, "person", "甲")  # the only name that starts so
        assert await wait_until(pilot, lambda: "测试库管" in screen_text(app))
        text = screen_text(app)
        assert "应安排工作没有安排" in text and "2/4/6/8/10" in text
        assert "少一次月盘点" not in text  # found from the log, never typed in
        number = [r.id for r in app.screen.subject.rules].index(yard.r.graded.id) + 1
        await _fill(app, pilot, "rule", str(number))
        assert "Grade: one of 2, 4, 6, 8, 10" in screen_text(app)
        await _fill(app, pilot, "amount", "5")  # not a grade of the rule
        await _fill(app, pilot, "text", "漏排检修计划")
        assert await wait_until(pilot, lambda: "Choose one of the rule's grades" in screen_text(app))
        assert isinstance(app.screen, IncidentDialog)
        assert app.screen.query_one("#form-amount", Input).value == "5"  # kept
        assert app.screen.query_one("#form-text", Input).value == "漏排检修计划"
        assert not DutyFact.select().exists()
        await _fill(app, pilot, "amount", "6")
        await pilot.press("enter")  # on the text line: record
        assert await wait_until(pilot, lambda: isinstance(app.screen, LogScreen))
        fact = DutyFact.get()
        assert (fact.person_id, fact.rule, fact.points) == (yard.a.id, yard.r.graded.id, 6)
        entry = LogEntry.get_by_id(fact.ref_id)
        assert LogPerson.get(LogPerson.entry == entry.id).person_id == yard.a.id
        assert await wait_until(pilot, lambda: "漏排检修计划" in screen_text(app))

        # An incident with a fine: no amount asked, Enter moves from the rule to the text.
        await pilot.press("i")
        assert await wait_until(pilot, lambda: isinstance(app.screen, IncidentDialog))
        await _fill(app, pilot, "person", "乙二")
        assert await wait_until(pilot, lambda: app.screen.subject is not None)
        number = [r.id for r in app.screen.subject.rules].index(yard.r.smoke.id) + 1
        await _fill(app, pilot, "rule", str(number))
        assert app.screen.focused.id == "form-text"
        app.screen.query_one("#form-text", Input).insert_text_at_cursor("东侧堆场吸烟")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LogScreen))
        assert DutyFact.select().where(DutyFact.person == yard.b.id, DutyFact.rule == yard.r.smoke.id).exists()
    assert not Adjustment.select().exists()  # no sheet open yet: proposed when the period opens


async def test_an_unknown_name_is_said_at_the_name_and_an_officer_is_told_who_may(yard, make_app):  # noqa: F811
    lead = Person.create(name="陈海燕", role="lead")
    app = make_app(actor=Actor(lead.id, lead.name, "lead"), start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        assert await wait_until(pilot, lambda: isinstance(app.screen, IncidentDialog))
        await _fill(app, pilot, "person", "火星人")
        assert await wait_until(pilot, lambda: "No one on the staff is called" in screen_text(app))
        assert app.screen.query_one("#form-person", Input).value == "火星人"
    officer = Person.get(Person.position == Position.get(Position.key == "t-keeper"))
    app = make_app(actor=Actor(officer.id, officer.name, "officer"), start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert not isinstance(app.screen, IncidentDialog)
        assert "shift lead" in screen_text(app).lower()


async def test_recorded_by_keys_then_seen_on_the_persons_sheet_with_its_evidence(seeded_db, make_app):
    """The whole path on the documents' own rule: a lead grades 生产部经理's missing plan item
    from the log; the supervisor opens his sheet and sees the rule's words, its document and
    line, the grade, and the log entry behind it."""
    from duty_desk.models.accounts.session import SYSTEM, acting_as
    from duty_desk.models.appraisal.scoresheets import open_period, sheet_id_for
    from duty_desk.screens.score_dialogs import EvidenceDialog
    from tests.scores.test_screen import open_row_of, until

    manager = Person.create(name="经理甲", position=Position.get(Position.key == "001-production-manager"))
    lead = Person.create(name="值班长乙", role="lead")
    boss = Person.create(name="上级丙", role="supervisor")
    rule = next(r for r in Position.get(Position.key == "001-production-manager").rules if r.basis == "graded"
                and "2、4、6、8、10" in r.fact)
    app = make_app(actor=Actor(lead.id, lead.name, "lead"), start="log")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        assert await wait_until(pilot, lambda: isinstance(app.screen, IncidentDialog))
        await _fill(app, pilot, "person", "经理甲")
        assert await wait_until(pilot, lambda: app.screen.subject is not None)
        number = [r.id for r in app.screen.subject.rules].index(rule.id) + 1
        await _fill(app, pilot, "rule", str(number))
        await _fill(app, pilot, "amount", "6")
        await _fill(app, pilot, "text", "月度计划漏排设备大修")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LogScreen))
    with acting_as(SYSTEM):
        open_period("2026-11")
    app = make_app(actor=Actor(boss.id, boss.name, "supervisor"), start="scores")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(app, pilot, lambda: "经理甲" in screen_text(app))
        await open_row_of(app, pilot, sheet_id_for("2026-11", manager.id))
        await until(app, pilot, lambda: "grade 6" in screen_text(app))
        text = screen_text(app)
        assert "-6" in text and f"001 l.{rule.line}" in text and "每有一项应安排工作没有安排" in text
        await pilot.press("tab")
        await pilot.press("e")
        await until(app, pilot, lambda: isinstance(app.screen, EvidenceDialog))
        text = " ".join(screen_text(app).replace("│", " ").split())  # the dialog's lines, unwrapped
        assert "月度计划漏排设备大修" in text and "经理甲" in text and f"001 · line {rule.line}" in text
        await pilot.press("enter")
        await until(app, pilot, lambda: isinstance(app.screen, LogScreen))
        assert "月度计划漏排设备大修" in screen_text(app)
