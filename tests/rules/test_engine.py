"""The rule engine in models terms: shortfalls, late hand-ins, grades, measured values, and
facts recorded about a person, each proposed on the right sheet with its evidence."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.appraisal import rules
from duty_desk.models.appraisal.tables import Adjustment
from duty_desk.models.errors import ValidationError
from duty_desk.models.appraisal.facts import DutyFact
from duty_desk.models.logbook.tables import LogEntry
from duty_desk.models.organisation.org import Department, Person, Position, Rule
from duty_desk.models.appraisal.scoresheets import open_period, sheet_id_for
from duty_desk.models.accounts.session import SYSTEM, Actor, acting_as


def _rule(position, seq, fact, points, basis="occurrence", kind="deduction", **more):
    return Rule.create(position=position, seq=seq, fact=fact, points=points, basis=basis, kind=kind,
                       seeded="{}", **more)


@pytest.fixture
def yard(seeded_db):
    """A position of our own with one rule of every basis, two people who hold it, a lead."""
    dept = Department.create(key="t-dept", name_zh="测试部", name_en="Test")
    pos = Position.create(key="t-keeper", title_zh="测试库管", department=dept, source_doc="001_x.txt",
                          period="month")
    r = SimpleNamespace(
        month=_rule(pos, 1, "少一次月盘点", 1, "shortfall", activity="stocktake,stocktake_full", every="month"),
        year=_rule(pos, 2, "少一次年盘点", 3, "shortfall", activity="stocktake_full", every="year", times=2),
        meeting=_rule(pos, 3, "少开一次调度会", 1, "shortfall", activity="dispatch", every="workday"),
        plan=_rule(pos, 4, "月计划每迟交1天", 1, "late", activity="plan_monthly", every="month",
                   due="+1wd 24:00", unit="天"),
        graded=_rule(pos, 5, "应安排工作没有安排", 2, "graded", grades="2,4,6,8,10", unit="项"),
        over=_rule(pos, 6, "每超过0.1%", 1, "measured", activity="defect_rate", step=0.1, target=0.2,
                   unit="0.1%"),
        under=_rule(pos, 7, "降低0.1%", 1, "measured", kind="bonus", activity="defect_rate", step=0.1,
                    target=0.2, unit="0.1%"),
        smoke=_rule(pos, 8, "在木料场内吸烟", 2, fine=50),
        late_order=_rule(pos, 9, "每有1单不能按时交货每推迟1天", 2, "late", unit="天"),
    )
    people = [Person.create(name=n, position=pos, role="officer") for n in ("甲一", "乙二")]
    lead = Person.create(name="丙三", role="supervisor")
    other = Position.create(key="t-other", title_zh="别的岗位", department=dept, source_doc="001_x.txt")
    stranger = _rule(other, 1, "别的规则", 1)
    yield SimpleNamespace(pos=pos, r=r, a=Actor(people[0].id, people[0].name, "officer"),
                          b=Actor(people[1].id, people[1].name, "officer"),
                          lead=Actor(lead.id, lead.name, "supervisor"), stranger=stranger)


def _write(actor, line, at):
    with acting_as(actor):
        return log_entries.add(line, at_now=at)


def _proposals(person_id, period="2026-10"):
    with acting_as(SYSTEM):
        open_period(period, scope="all")
    sheet = sheet_id_for(period, person_id)
    return {a.rule_id: a for a in Adjustment.select().where(Adjustment.sheet == sheet)}


def test_a_missed_monthly_stocktake_proposes_its_own_rule_with_the_slot_as_evidence(yard):
    _write(yard.a, "o: 上班", dt.datetime(2026, 10, 9, 9, 0))  # worked in October, no stocktake
    _write(yard.b, "st: 十月盘点完成", dt.datetime(2026, 10, 28, 15, 0))
    got = _proposals(yard.a.id)
    month = got[yard.r.month.id]
    assert (month.kind, month.points, month.count, month.source) == ("deduction", 1, 1, "shortfall")
    assert yard.r.year.id not in got  # the year is not over: its stocktakes are not yet due
    proof = rules.evidence(month.id)
    assert "0 of 1" in " ".join(proof.lines) and proof.day == dt.date(2026, 10, 1)
    assert yard.r.month.id not in _proposals(yard.b.id)  # she did it: nothing


def test_a_full_stocktake_counts_for_the_month_too_and_a_year_short_of_two_costs_three(yard):
    _write(yard.a, "sy: 年中全面盘点", dt.datetime(2025, 6, 30, 10, 0))
    for month in range(1, 13):
        if month != 6:
            _write(yard.a, "st: 月盘点", dt.datetime(2025, month, 20, 10, 0))
    got = _proposals(yard.a.id, "2025")
    assert got[yard.r.year.id].count == 1 and got[yard.r.year.id].points == 3  # one of two
    assert yard.r.month.id not in got  # every month had one (June's was the full one)


def test_a_person_who_did_not_work_that_period_is_not_short(yard):
    got = _proposals(yard.a.id)  # no roster, no entries in October
    assert not got


def test_attendees_of_a_meeting_are_credited_and_a_day_without_one_is_short(yard):
    _write(yard.b, f"dm: +{yard.a.name} 调度会 安排生产", dt.datetime(2026, 10, 12, 8, 30))
    _write(yard.a, "o: 巡库", dt.datetime(2026, 10, 13, 9, 0))  # at work, no meeting that day
    got = _proposals(yard.a.id)
    meeting = got[yard.r.meeting.id]
    assert meeting.count == 1 and "2026-10-13" in meeting.note


def test_a_plan_handed_in_three_days_after_the_first_working_day_costs_three(yard):
    _write(yard.a, "pm: 十月计划", dt.datetime(2026, 10, 5, 10, 0))  # due Thu 1 Oct at 24:00
    _write(yard.b, "pm: 十月计划", dt.datetime(2026, 10, 1, 17, 0))
    got = _proposals(yard.a.id)
    assert got[yard.r.plan.id].count == 4 and got[yard.r.plan.id].points == 1  # 4 Oct 00:00 → 5 Oct 10:00
    assert yard.r.plan.id not in _proposals(yard.b.id)


def test_graded_measured_occurrence_and_days_recorded_about_a_person(yard):
    at = dt.datetime(2026, 10, 15, 10, 0)
    with acting_as(yard.lead):
        graded = rules.record_about(yard.a.id, yard.r.graded.id, "月计划漏排设备检修", at=at, grade="6")
        over = rules.record_about(yard.a.id, yard.r.over.id, at=at, value="0.45")
        under = rules.record_about(yard.b.id, yard.r.over.id, at=at, value="0.05%")
        on_target = rules.record_about(yard.b.id, yard.r.under.id, at=at + dt.timedelta(hours=1), value="0.2")
        smoke = rules.record_about(yard.a.id, yard.r.smoke.id, "堆场东侧吸烟", at=at)
        order = rules.record_about(yard.a.id, yard.r.late_order.id, "订单 A-17", at=at, days="3")
    got = _proposals(yard.a.id)
    assert (got[yard.r.graded.id].points, got[yard.r.graded.id].count) == (6, 1)
    assert (got[yard.r.over.id].kind, got[yard.r.over.id].count) == ("deduction", 2)
    assert (got[yard.r.smoke.id].points, got[yard.r.smoke.id].fine) == (2, 50)
    assert (got[yard.r.late_order.id].points, got[yard.r.late_order.id].count) == (2, 3)
    b = _proposals(yard.b.id)
    assert (b[yard.r.under.id].kind, b[yard.r.under.id].count) == ("bonus", 1)
    assert on_target.fact_id is None and len(b) == 1
    entry = LogEntry.get_by_id(graded.entry_id)
    assert entry.category.key == "incident" and yard.a.name in entry.text and "应安排工作没有安排 · 6 — 月计划漏排" in entry.text
    assert rules.evidence(got[yard.r.smoke.id].id).entry_ids == (smoke.entry_id,)
    assert over.count == 2 and under.kind == "bonus" and order.count == 3


@pytest.mark.parametrize("field, kwargs", [
    ("grade", {"rule": "graded", "grade": "5"}),
    ("grade", {"rule": "graded", "grade": "six"}),
    ("value", {"rule": "over", "value": "abc"}),
    ("value", {"rule": "over", "value": "nan"}),
    ("days", {"rule": "late_order", "days": "1.5"}),
    ("rule", {"rule": "stranger"}),
    ("rule", {"rule": "month"}),  # a shortfall is found, not recorded
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_half_saved(yard, field, kwargs):
    name = kwargs.pop("rule")
    rule = yard.stranger if name == "stranger" else getattr(yard.r, name)
    before = (LogEntry.select().count(), DutyFact.select().count())
    with acting_as(yard.lead), pytest.raises(ValidationError) as refused:
        rules.record_about(yard.a.id, rule.id, "x", at=dt.datetime(2026, 10, 15, 10, 0), **kwargs)
    assert refused.value.field == field
    assert (LogEntry.select().count(), DutyFact.select().count()) == before


def test_an_occurrence_in_an_approved_period_is_refused_until_it_is_reopened(yard):
    with acting_as(SYSTEM):
        open_period("2026-10", scope="all")
        Adjustment.delete().execute()
    sheet = sheet_id_for("2026-10", yard.a.id)
    from duty_desk.models.appraisal.tables import Scoresheet

    Scoresheet.update(state="approved").where(Scoresheet.id == sheet).execute()
    with acting_as(yard.lead), pytest.raises(ValidationError) as refused:
        rules.record_about(yard.a.id, yard.r.smoke.id, "x", at=dt.datetime(2026, 10, 15, 10, 0))
    assert refused.value.field == "at" and "2026-10" in str(refused.value.params)


def test_an_officer_may_not_record_about_a_colleague(yard):
    from duty_desk.models.accounts.session import PermissionDenied

    with acting_as(yard.b), pytest.raises(PermissionDenied):
        rules.record_about(yard.a.id, yard.r.smoke.id, "x")


def test_due_times_read_as_written():
    assert rules.due_at("+14d 00:00", dt.date(2027, 1, 1)) == dt.datetime(2027, 1, 15)  # 元月十五日前
    assert rules.due_at("+1wd 24:00", dt.date(2026, 11, 1)) == dt.datetime(2026, 11, 3)  # Sun 1 → Mon 2, at its end
    with pytest.raises(ValidationError):
        rules.parse_due("tomorrow")


def test_the_moment_is_read_as_a_lead_types_it():
    now = dt.datetime(2026, 11, 20, 12, 0)
    assert rules.parse_moment("", now) == now
    assert rules.parse_moment("09:15", now) == dt.datetime(2026, 11, 20, 9, 15)
    assert rules.parse_moment("23:50", now) == dt.datetime(2026, 11, 19, 23, 50)  # last night's
    assert rules.parse_moment("11-18 07:00", now) == dt.datetime(2026, 11, 18, 7, 0)
    for bad in ("25:00", "yesterday-ish", "11-40 07:00"):
        with pytest.raises(ValidationError) as refused:
            rules.parse_moment(bad, now)
        assert refused.value.field == "at"
