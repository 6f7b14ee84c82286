"""Every point rule the documents give, table-driven: for each, a fixture that makes its fact
happen (the deduction or bonus is proposed with the right points and evidence) and one where
it does not (nothing is proposed for it). A loaded rule without a case fails the test."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from duty_desk.models.logbook import entries as log_entries
from duty_desk.models.roster import duties as roster
from duty_desk.models.appraisal import rules
from duty_desk.models.appraisal.tables import Adjustment
from duty_desk.models.organisation.org import Person, Position, Rule
from duty_desk.models.periods import containing
from duty_desk.models.appraisal.scoresheets import open_period, sheet_id_for
from duty_desk.models.accounts.session import SYSTEM, Actor, acting_as
from duty_desk.seed.loader import read

SEEDED = [(key, n, rule["fact"]) for key, position in read().positions.items()
          for n, rule in enumerate(position.get("rules", []), 1)]
DAY = dt.date(2026, 10, 14)  # a Wednesday of a month that is over by the tests' clock
LOG_PREFIX = {}  # category key → its quick-entry prefix, read once per test


def _slot(every: str) -> tuple[dt.date, dt.date]:
    if every in ("day", "workday"):
        return DAY, DAY + dt.timedelta(days=1)
    if every == "week":
        monday = DAY - dt.timedelta(days=DAY.weekday())
        return monday, monday + dt.timedelta(days=7)
    if every == "year":
        return dt.date(2025, 1, 1), dt.date(2026, 1, 1)
    span = containing(every, DAY)
    return span.starts, span.ends


@pytest.fixture
def desk(seeded_db):
    from duty_desk.models.logbook.tables import LogCategory

    LOG_PREFIX.update({c.key: c.prefix for c in LogCategory.select()})
    boss = Person.create(name="审核人", role="supervisor")
    return SimpleNamespace(boss=Actor(boss.id, boss.name, "supervisor"))


def _holder(position: Position, name: str) -> Actor:
    person = Person.create(name=name, position=position, role="officer")
    return Actor(person.id, name, "officer")


def _write(actor: Actor, key: str, text: str, at: dt.datetime) -> None:
    with acting_as(actor):
        log_entries.add(f"{LOG_PREFIX[key]}: {text}", at_now=at)


def _proposed(person: Actor, rule: Rule, at: dt.datetime) -> list[Adjustment]:
    key = containing("month", at.date()).key
    with acting_as(SYSTEM):
        open_period(key, scope="all")
    sheet = sheet_id_for(key, person.id)
    ids = {rule.id} | {r.id for r in Rule.select().where(Rule.position == rule.position_id,
                                                         Rule.basis == "measured", Rule.retired.is_null())}
    return list(Adjustment.select().where(Adjustment.sheet == sheet, Adjustment.rule.in_(ids)))


def _case(rule: Rule, desk, happens: bool) -> tuple[list[Adjustment], dict]:
    """Make the rule's fact happen (or not) for a new holder of its position; the proposals
    for the rule and what they should be."""
    ref = rules.rule_ref(rule.id)
    person = _holder(rule.position, "甲" if happens else "乙")
    at = dt.datetime.combine(DAY, dt.time(10, 0))
    if ref.basis in ("occurrence", "graded") or (ref.basis == "late" and not ref.activity):
        expect = {"points": max(ref.grades) if ref.grades else ref.points, "count": 1.0, "kind": ref.kind}
        extra = {}
        if ref.basis == "graded":
            extra["grade"] = str(max(ref.grades))
        elif ref.basis == "late":
            extra["days"] = "2"
            expect["count"] = 2.0 if ref.unit in ("天", "日") else 1.0
        _write(person, "other", "上班", at)
        if happens:
            with acting_as(desk.boss):
                rules.record_about(person.id, rule.id, "记录在案", at=at, **extra)
        return _proposed(person, rule, at), expect
    if ref.basis == "measured":
        step = ref.step or 1
        value = ref.target + (2 * step if ref.kind == "deduction" else -2 * step) if happens else ref.target
        with acting_as(desk.boss):
            rules.record_about(person.id, rule.id, at=at, value=f"{value:.4f}")
        return _proposed(person, rule, at), {"points": ref.points, "count": 2.0, "kind": ref.kind}
    (keys, every, due), *_ = rules.schedules(ref)
    if ref.basis == "late":
        starts, ends = _slot(every)
        due_moment = rules.due_at(due, starts)
        _write(person, "other", "上班", dt.datetime.combine(starts, dt.time(9, 0)))
        handed = due_moment + (dt.timedelta(days=1, hours=12) if happens else -dt.timedelta(hours=2))
        _write(person, keys[0], "交来", handed)
        expect = {"points": ref.points, "count": 2.0 if ref.unit in ("天", "日") else 1.0, "kind": ref.kind}
        # Being at work on other days (or months) makes their hand-ins due too: the case
        # is this period's.
        slot = rules._slot_name(every, starts)
        got = _proposed(person, rule, due_moment)
        return [a for a in got if a.note.startswith(slot + ":")], expect
    if every == "hour":  # the yard's hourly patrol: rostered on the post, rounds missed or not
        post_name = Rule.select().where(Rule.id == rule.id).get().seeded
        assert "木料场" in post_name
        with acting_as(SYSTEM):
            post = (roster.Post.get_or_none(roster.Post.key == "yard-test")
                    or roster.Post.get_by_id(roster.add_post("yard-test", "木料场", "Timber yard"))).id
            shift = (roster.Shift.get_or_none(roster.Shift.key == "yard-day")
                     or roster.Shift.get_by_id(roster.add_shift("yard-day", "白班", "Day", "08:00", "12:00"))).id
            roster.assign(person.id, DAY, shift, post)
        rounds = (8, 9) if happens else (8, 9, 10, 11)
        for hour in rounds:
            _write(person, "patrol", "@木料场 巡逻正常", dt.datetime.combine(DAY, dt.time(hour, 30)))
        # 09:30 then nothing: due 10:30 and 11:30 → two rounds missed
        return _proposed(person, rule, at), {"points": ref.points, "count": 1.0, "kind": ref.kind, "many": 2}
    starts, ends = _slot(every)
    _write(person, "other", "上班", dt.datetime.combine(starts, dt.time(9, 0)))
    if not happens:
        for n in range(ref.times):
            _write(person, keys[0], "完成", dt.datetime.combine(starts, dt.time(10, n)))
    last = dt.datetime.combine(ends, dt.time()) - dt.timedelta(seconds=1)
    return _proposed(person, rule, last), {"points": ref.points, "count": float(ref.times), "kind": ref.kind}


def _rule(key: str, fact: str) -> Rule:
    return (Rule.select().join(Position).where(Position.key == key, Rule.fact == fact, Rule.retired.is_null())
            .get())


def test_every_loaded_rule_has_a_case(seeded_db):
    in_force = {(r.position.key, r.fact) for r in Rule.select().join(Position).where(Rule.retired.is_null())}
    assert in_force == {(key, fact) for key, _n, fact in SEEDED}
    assert len(SEEDED) >= 50  # the documents' rules, not a handful
    for rule in Rule.select().where(Rule.retired.is_null()):
        assert rule.basis in ("occurrence", "graded", "measured", "late", "shortfall"), rule.fact


@pytest.mark.parametrize("key, n, fact", SEEDED, ids=[f"{k}#{n}" for k, n, _f in SEEDED])
def test_the_rule_applies_when_its_fact_happens_and_not_otherwise(desk, key, n, fact):
    rule = _rule(key, fact)
    proposals, expect = _case(rule, desk, happens=True)
    mine = [a for a in proposals if a.kind == expect["kind"]]
    assert len(mine) == expect.get("many", 1), (fact, [(a.fact, a.count) for a in proposals])
    for adj in mine:
        assert adj.rule_id == rule.id and adj.fact == rule.fact
        assert (adj.points, adj.count) == (expect["points"], expect["count"]), fact
        assert adj.fine == rule.fine
        proof = rules.evidence(adj.id)
        assert proof is not None and proof.lines and (proof.entry_ids or proof.missing or proof.day), fact
    quiet, _expect = _case(rule, desk, happens=False)
    assert quiet == [], (fact, [(a.fact, a.count, a.note) for a in quiet])
