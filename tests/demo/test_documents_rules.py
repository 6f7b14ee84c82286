"""The demo shows the documents' own rules at work, and no invented one.

A demo is built for a few days (the fixture's day, a quarter's first and last, New Year's
Day, 29 February); on each,
the last completed quarter (the one the Scores screen opens on) holds the five deductions
and bonuses the demo promises a new user, each from a document's rule, with the right
points and evidence to open: a monthly stocktake 仓库副主任 skipped, 木料场会计's missed
hourly patrols on the yard, his absence from post recorded by a shift lead, a graded
deduction for 生产部经理's plan and a bonus for the month's defect rate (and, when that quarter
closed a year, a full stocktake of the year's two skipped).
"""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk.models.storage import db as dbmod
from duty_desk.models.storage.schema import open_database

# the fixture's day, the first and last day of a quarter, New Year's Day, 29 February
DAYS = (dt.date(2026, 11, 20), dt.date(2026, 10, 1), dt.date(2027, 3, 31), dt.date(2027, 1, 1), dt.date(2028, 2, 29))

DEPUTY = "001-warehouse-deputy-director"
ACCOUNTANT = "001-timber-yard-accountant"
PRODUCTION = "001-production-manager"
DIRECTOR = "001-warehouse-director"
CLERK = "001-warehouse-records-clerk"


@pytest.fixture(scope="module")
def demos(tmp_path_factory) -> dict[dt.date, object]:
    """One demo database per day, built once for the module."""
    from duty_desk.seed import demo

    paths = {}
    for day in DAYS:
        path = tmp_path_factory.mktemp("demo") / f"{day}.db"
        open_database(path)
        demo.build(people=30, days=28, today=day)
        dbmod.close()
        paths[day] = path
    return paths


@pytest.fixture(params=DAYS, ids=str)
def day(request, demos) -> dt.date:
    open_database(demos[request.param])
    yield request.param
    dbmod.close()


def last_quarter_adjustments(day: dt.date):
    """(adjustment, its rule, the rule's position key) on the last completed quarter's sheets."""
    from duty_desk.models.appraisal.tables import Adjustment, AppraisalPeriod, Scoresheet
    from duty_desk.models.organisation.org import Position, Rule
    from duty_desk.models.periods import last_completed

    key = last_completed("quarter", day).key
    query = (Adjustment.select(Adjustment, Rule, Position).join(Rule).join(Position)
             .switch(Adjustment).join(Scoresheet).join(AppraisalPeriod).where(AppraisalPeriod.key == key))
    return [(a, a.rule, a.rule.position.key) for a in query]


def the(rows, position: str, test) -> list:
    found = [(a, r) for a, r, key in rows if key == position and test(a, r)]
    assert found, f"no such adjustment for {position}"
    return found


def opens(adjustment) -> object:
    """Its evidence, which must say something and point at something."""
    from duty_desk.models.appraisal.rules import evidence

    shown = evidence(adjustment.id)
    assert shown is not None and shown.lines, adjustment.fact
    assert shown.entry_ids or shown.missing or shown.day, shown
    return shown


def test_no_rule_is_invented(day):
    from duty_desk.models.appraisal.tables import Adjustment
    from duty_desk.models.organisation.org import Rule

    assert Rule.select().where(Rule.seeded.is_null()).count() == 0
    assert not Rule.select().where(Rule.fact.contains("演示")).exists()
    assert Adjustment.select().where(Adjustment.rule.is_null()).count() == 0
    assert all(a.rule.seeded is not None for a in Adjustment.select())


def stocktakes(every: str):
    return lambda a, r: r.basis == "shortfall" and r.every == every and "stocktake_full" in r.activity.split(",")


def test_a_skipped_monthly_stocktake_costs_the_deputy_director_a_point(day):
    rows = last_quarter_adjustments(day)
    (adj, rule), = the(rows, DEPUTY, stocktakes("month"))
    assert rule.fact == "少一次月盘点" and rule.points == 1
    assert (adj.kind, adj.points, adj.count, adj.source) == ("deduction", 1, 1, "shortfall")
    shown = opens(adj)
    assert shown.missing and "0/1" in adj.note


def test_a_year_with_one_full_stocktake_of_two_costs_three_points(day):
    """When the last quarter closed the year, its sheet shows the year's stocktakes too."""
    from duty_desk.models.periods import last_completed

    rows = last_quarter_adjustments(day)
    if last_completed("quarter", day).ends.month != 1:
        assert not [a for a, r, key in rows if key == DEPUTY and r.every == "year"]
        return
    (adj, rule), = the(rows, DEPUTY, stocktakes("year"))
    assert rule.fact == "少一次年盘点" and (rule.points, rule.times) == (3, 2)
    assert (adj.kind, adj.points, adj.count) == ("deduction", 3, 1) and "1/2" in adj.note
    opens(adj)


def test_missed_patrols_on_the_timber_yard_cost_a_point_each(day):
    rows = last_quarter_adjustments(day)
    missed = the(rows, ACCOUNTANT, lambda a, r: a.code == "missed_patrol")
    assert len(missed) >= 2  # the morning he was away from the yard
    for adj, rule in missed:
        assert rule.fact == "未按规定进行巡逻" and (adj.kind, adj.points, adj.count) == ("deduction", 1, 1)
        shown = opens(adj)
        assert shown.missing and "木料场" in shown.missing[0]


def test_an_absence_from_post_is_recorded_by_a_shift_lead(day):
    from duty_desk.models.logbook.tables import LogEntry, LogPerson

    rows = last_quarter_adjustments(day)
    (adj, rule), = the(rows, ACCOUNTANT, lambda a, r: r.code == "absent_from_post")
    assert rule.fact == "值班期间脱岗一次" and (adj.kind, adj.points, adj.count) == ("deduction", 2, 1)
    shown = opens(adj)
    entry = LogEntry.get_by_id(shown.entry_ids[0])
    assert entry.author.role == "lead" and entry.category.key == "incident"
    about = LogPerson.get(LogPerson.entry == entry.id)
    assert about.role == "about" and about.person.position.key == ACCOUNTANT
    # the rounds he missed are those of that morning
    patrols = [a.occurred_at for a, _r, _k in rows if a.code == "missed_patrol"]
    assert sum(1 for due in patrols if dt.timedelta(0) < due - entry.at < dt.timedelta(hours=2, minutes=30)) == 2


def test_the_production_plan_takes_a_chosen_grade(day):
    rows = last_quarter_adjustments(day)
    (adj, rule), = the(rows, PRODUCTION, lambda a, r: r.basis == "graded")
    grades = [float(g) for g in rule.grades.split(",")]
    assert grades == [2, 4, 6, 8, 10] and rule.points == 2
    assert (adj.kind, adj.points, adj.count) == ("deduction", 6, 1)  # the grade chosen, not the lowest
    opens(adj)


def test_a_defect_rate_below_its_target_earns_a_bonus(day):
    rows = last_quarter_adjustments(day)
    (adj, rule), = the(rows, PRODUCTION, lambda a, r: r.basis == "measured" and a.kind == "bonus")
    assert rule.kind == "bonus" and rule.target is not None and rule.step == pytest.approx(0.1)
    assert (adj.points, adj.count) == (rule.points, 2)  # two steps of 0.1 % under the target
    shown = opens(adj)
    assert adj.note.endswith(f" / {rule.target:g}") and shown.entry_ids  # measured / target


def test_the_missed_patrols_go_to_the_timber_yard_accountant_only(day):
    from duty_desk.models.appraisal.facts import DutyFact
    from duty_desk.models.organisation.org import Person, Position
    from duty_desk.models.logbook.patrols import MissedPatrol, PatrolRule

    assert [(r.post, r.every_minutes) for r in PatrolRule.select().where(PatrolRule.active == True)] == [  # noqa: E712
        ("木料场", 60)]
    missed = list(MissedPatrol.select())
    assert missed
    charged = {m.person_id for m in missed} | {f.person_id for f in DutyFact.select().where(
        DutyFact.code == "missed_patrol")}
    keys = {key for (key,) in Person.select(Position.key).join(Position).where(Person.id.in_(list(charged))).tuples()}
    assert keys == {ACCOUNTANT}


def test_most_of_the_work_is_done_on_time(day):
    """Stocktakes, dispatch meetings with their attendees and study sessions are in the log,
    and the director, who keeps all his rules, has nothing taken off."""
    from duty_desk.models.logbook.tables import LogCategory, LogEntry, LogPerson

    def entries(key):
        return LogEntry.select().join(LogCategory).where(LogCategory.key == key)

    assert entries("stocktake").count() >= 3 and entries("study").count() >= 8
    meetings = entries("dispatch")
    assert meetings.count() >= 40
    present = LogPerson.select().where(LogPerson.role == "attendee", LogPerson.entry.in_(meetings)).count()
    assert present >= 2 * meetings.count()
    rows = last_quarter_adjustments(day)
    assert not [a for a, _r, key in rows if key == DIRECTOR]
    # beside the yard's hourly patrols: the skipped stocktakes and one daily report handed in late
    short = {(key, r.fact) for a, r, key in rows if r.basis in ("shortfall", "late") and r.every != "hour"}
    assert short <= {(DEPUTY, "少一次月盘点"), (DEPUTY, "少一次年盘点"), (CLERK, "日报表不及时完成")}, short
    assert len([a for a, r, key in rows if key == CLERK]) == 1
