"""The issue's promises on the documents' own positions (the seeded rules, not stand-ins):
仓库副主任's two stocktake rules, 木料场会计's hourly patrol charged to the one rostered on
the yard, and the duty office's monthly self and quarterly supervisor appraisals."""

from __future__ import annotations

import datetime as dt

from duty_desk.models.appraisal.facts import DutyFact
from duty_desk.models.appraisal.review import feeding_sheets
from duty_desk.models.appraisal.scoresheets import open_period, sheet_id_for
from duty_desk.models.appraisal.tables import Adjustment, Scoresheet
from duty_desk.models.accounts.session import SYSTEM, Actor, acting_as
from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.organisation.org import Person, Position, Rule, Scheme
from duty_desk.models.roster import duties as roster


def _holder(key: str, name: str, role: str = "officer") -> Actor:
    person = Person.create(name=name, position=Position.get(Position.key == key), role=role)
    return Actor(person.id, name, role)


def _write(actor: Actor, line: str, at: dt.datetime) -> None:
    with acting_as(actor):
        log_entries.add(line, at_now=at)


def _adjustments(person: Actor, period: str) -> list[Adjustment]:
    with acting_as(SYSTEM):
        open_period(period, scope="all")
    return list(Adjustment.select().where(Adjustment.sheet == sheet_id_for(period, person.id)))


def test_the_deputy_director_misses_a_monthly_stocktake_minus_1_and_a_yearly_one_minus_3(seeded_db):
    deputy = _holder("001-warehouse-deputy-director", "副主任甲")
    _write(deputy, "sy: 年中全面盘点", dt.datetime(2025, 6, 28, 9, 0))  # one full stocktake of the two
    for month in range(1, 13):
        _write(deputy, "o: 上班", dt.datetime(2025, month, 3, 8, 0))
        if month not in (6, 10):  # June had the full one; October has none
            _write(deputy, "st: 月盘点", dt.datetime(2025, month, 25, 15, 0))
    october = _adjustments(deputy, "2025-10")
    assert [(a.fact, a.points, a.count, a.kind) for a in october] == [("少一次月盘点", 1, 1, "deduction")]
    december = _adjustments(deputy, "2025-12")
    assert [(a.fact, a.points, a.count) for a in december] == [("少一次年盘点", 3, 1)]  # one of two
    assert _adjustments(deputy, "2025-06") == []  # the full stocktake counts for June's month too


def test_the_yard_accountant_pays_for_two_missed_rounds_and_the_desk_officer_for_none(seeded_db):
    accountant = _holder("001-timber-yard-accountant", "会计乙")
    officer = _holder("002-duty-officer", "值班员丙")
    day = dt.date(2026, 10, 14)
    with acting_as(SYSTEM):
        yard = roster.add_post("yard", "木料场", "Timber yard")
        desk = roster.add_post("desk", "值班指挥台", "Command desk")
        shift = roster.add_shift("day", "白班", "Day", "08:00", "20:00")
        roster.assign(accountant.id, day, shift, yard)
        roster.assign(officer.id, day, shift, desk)
    rounds = ["08:50", "09:40", "12:30", "13:20", "14:10", "15:00", "15:50", "16:40", "17:30", "18:20", "19:10"]
    for hhmm in rounds:  # nothing between 09:40 and 12:30: due 10:40 and 11:40 came and went
        hour, minute = map(int, hhmm.split(":"))
        _write(accountant, "p: @木料场 巡逻正常", dt.datetime.combine(day, dt.time(hour, minute)))
    _write(accountant, "rd: @木料场 出库日报表已交", dt.datetime.combine(day, dt.time(17, 45)))  # his report, on time
    _write(officer, "t: @值班指挥台 电话 物业", dt.datetime.combine(day, dt.time(10, 50)))
    mine = _adjustments(accountant, "2026-10")
    assert [(a.fact, a.points, a.count) for a in mine] == [("未按规定进行巡逻", 1, 1)] * 2
    assert sorted(a.occurred_at.strftime("%H:%M") for a in mine) == ["10:40", "11:40"]
    assert not DutyFact.select().where(DutyFact.person == officer.id).exists()
    assert _adjustments(officer, "2026-10") == []


def test_a_month_opens_self_appraisals_and_a_quarter_supervisor_ones_with_the_months_beside(seeded_db):
    officer = _holder("002-duty-officer", "值班员丁")
    lead = _holder("002-shift-lead", "值班长戊", role="lead")
    boss = Person.create(name="上级己", role="supervisor")
    with acting_as(SYSTEM):
        for month in ("2026-07", "2026-08", "2026-09"):
            open_period(month)
        open_period("2026-Q3")
    monthly, quarterly = (Scheme.get(Scheme.key == k) for k in ("002-monthly-self", "002-quarterly-supervisor"))
    for person in (officer, lead):
        month_sheet = Scoresheet.get_by_id(sheet_id_for("2026-08", person.id))
        assert (month_sheet.scheme_id, month_sheet.raters) == (monthly.id, "self")
        quarter_sheet = Scoresheet.get_by_id(sheet_id_for("2026-Q3", person.id))
        assert (quarter_sheet.scheme_id, quarter_sheet.raters) == (quarterly.id, "supervisor")
    with acting_as(Actor(boss.id, boss.name, "supervisor")):
        beside = feeding_sheets(sheet_id_for("2026-Q3", officer.id))
    assert [f.period_key for f in beside] == ["2026-07", "2026-08", "2026-09"]
    # the warehouse is appraised monthly by its own (10-item) sheet, not by the duty office's
    keeper = _holder("001-warehouse-deputy-director", "副主任庚")
    with acting_as(SYSTEM):
        open_period("2026-10")
    assert Scoresheet.get_by_id(sheet_id_for("2026-10", keeper.id)).scheme_id not in (monthly.id, quarterly.id)
    assert Rule.select().join(Position).where(Position.key.startswith("002-")).count() == 0  # 002 gives none


def test_an_absence_found_from_check_out_and_in_costs_the_yard_accountant_2(seeded_db):
    from duty_desk.models.roster import checkin

    accountant = _holder("001-timber-yard-accountant", "会计辛")
    day = dt.date(2026, 10, 14)
    with acting_as(SYSTEM):
        yard = roster.add_post("yard", "木料场", "Timber yard")
        shift = roster.add_shift("day", "白班", "Day", "08:00", "20:00")
        roster.assign(accountant.id, day, shift, yard)
    with acting_as(accountant):
        checkin.check_in(dt.datetime.combine(day, dt.time(7, 55)))
        checkin.check_out(dt.datetime.combine(day, dt.time(13, 0)))
        checkin.check_in(dt.datetime.combine(day, dt.time(13, 40)))  # 40 minutes away from the yard
        checkin.check_out(dt.datetime.combine(day, dt.time(20, 0)))
    got = [(a.fact, a.points, a.source) for a in _adjustments(accountant, "2026-10") if a.source == "checkin"]
    assert got == [("值班期间脱岗一次", 2, "checkin")]
