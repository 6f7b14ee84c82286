"""Fixtures for appraisal: a small office with a person appraised, a supervisor and peers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from duty_desk.models.organisation.org import Person, Position
from duty_desk.models.accounts.session import SYSTEM, Actor, acting_as


@dataclass
class Office:
    officer: Actor  # 木料场会计: a position with duty-fact rules
    supervisor: Actor
    peer: Actor
    peer2: Actor
    admin: Actor
    position_id: int


def actor(person: Person) -> Actor:
    return Actor(person.id, person.name, person.role)


@pytest.fixture
def office(seeded_db) -> Office:
    ruled = Position.get(Position.key == "001-timber-yard-accountant")
    duty = Position.get(Position.key == "002-duty-officer")
    people = [Person.create(name=name, position=pos, role=role) for name, pos, role in (
        ("林晓东", ruled, "officer"), ("高海燕", duty, "supervisor"), ("马志强", ruled, "officer"),
        ("宋丽娟", ruled, "officer"), ("管理员", duty, "admin"))]
    return Office(*(actor(p) for p in people), position_id=ruled.id)


@pytest.fixture
def september(office) -> int:
    """2026-09 opened for everyone on a monthly scheme; the officer's sheet id."""
    from duty_desk.models.appraisal.scoresheets import open_period, sheet_id_for

    with acting_as(SYSTEM):
        open_period("2026-09", scope="all")
    return sheet_id_for("2026-09", office.officer.id)


def rate_all(sheet_id: int, who: Actor, points, comment: str = "") -> None:
    from duty_desk.models.appraisal.scoresheets import rate

    values = points if isinstance(points, (list, tuple)) else [points] * 10
    with acting_as(who):
        for seq, value in enumerate(values, 1):
            rate(sheet_id, seq, value, comment, as_peer=who.role != "supervisor" and who.role != "admin")


def at(day: int, hour: int = 3) -> dt.datetime:
    return dt.datetime(2026, 9, day, hour)


def detail_for(who: Actor, sheet_id: int):
    """The sheet as *who* may read it (reading needs someone signed in)."""
    from duty_desk.models.appraisal.review import sheet_detail

    with acting_as(who):
        return sheet_detail(sheet_id)


def results_for(who: Actor, period_key: str):
    """The period's table as *who* may read it."""
    from duty_desk.models.appraisal.review import period_results

    with acting_as(who):
        return period_results(period_key)


@pytest.fixture
def team(office, september):
    """The office plus a shift lead in the warehouse and an officer of the duty office, with
    the officer's sheet approved at 88.6 (one deduction rejected with its reason)."""
    from duty_desk.models.appraisal.tables import Adjustment
    from duty_desk.models.appraisal.deductions import add_manual, reject
    from duty_desk.models.organisation.org import Rule
    from duty_desk.models.appraisal.scoresheets import approve, open_period, submit_review, submit_self

    warehouse = Position.get(Position.key == "001-timber-yard-accountant")
    duty = Position.get(Position.key == "002-duty-officer")
    lead = actor(Person.create(name="周建军", position=warehouse, role="lead"))
    outsider = actor(Person.create(name="赵一鸣", position=duty, role="officer"))
    with acting_as(SYSTEM):
        open_period("2026-09", scope="all")  # adds the sheets the newcomers lack
    sid = september
    rate_all(sid, office.officer, 10, "mine")
    with acting_as(office.officer):
        submit_self(sid)
    rate_all(sid, office.peer, 7, "steady")
    rate_all(sid, office.peer2, 10)
    rate_all(sid, office.supervisor, [9, 9, 9, 8, 8, 8, 8, 9, 9, 9], "good year")
    rule = Rule.select().where(Rule.position == warehouse.id, Rule.kind == "deduction").first()
    with acting_as(office.supervisor):
        add_manual(sid, rule.id, 1, "seen at the gate")
        reject(Adjustment.get(Adjustment.sheet == sid).id, "on an errand")
        submit_review(sid)
        approve(sid)
    return office, lead, outsider


# ---- a duty office on its own cycle, built here (not from the seed files) ------------------

@dataclass
class DutyOffice:
    """The duty office of ``002``: officers appraise themselves monthly (a self-only scheme that
    feeds the quarter), a supervisor appraises them quarterly (a supervisor-only scheme). A
    warehouse clerk keeps the default 10-item sheet on its own period (quarter)."""

    officer: Actor
    officer2: Actor
    supervisor: Actor
    clerk: Actor  # a position without schemes of its own
    admin: Actor
    monthly: int  # scheme ids
    quarterly: int
    default: int
    duty_position: int
    clerk_position: int


def make_scheme(key: str, period: str, raters: str, items: int, feeds: str | None = None,
                weights=(20, 60, 20), zh: str = "", en: str = "") -> int:
    """A scheme of *items* criteria of 100 / *items* points each, with the usual five bands."""
    from duty_desk.models.organisation.org import Band, Criterion, Scheme
    from duty_desk.models.appraisal.scoring import DEFAULT_BANDS

    scheme = Scheme.create(key=key, name_zh=zh or key, name_en=en or key, period=period, raters=raters,
                           feeds=feeds, weight_self=weights[0], weight_supervisor=weights[1],
                           weight_peer=weights[2], source_doc="002")
    for n in range(1, items + 1):
        Criterion.create(scheme=scheme, seq=n, group_zh="工作", group_en="Work", name_zh=f"要素{n}",
                         name_en=f"Item {n}", max_points=100 / items, measure="")
    for zh_name, en_name, minimum in DEFAULT_BANDS:
        Band.create(scheme=scheme, name_zh=zh_name, name_en=en_name, min_score=max(minimum, -1))
    return scheme.id


@pytest.fixture
def duty_office(empty_db) -> DutyOffice:
    from duty_desk.models.organisation.org import Department, PositionScheme

    default = make_scheme("sheet-10x10", "month", "self,supervisor,peer", 10, zh="工作标准及考核标准")
    monthly = make_scheme("duty-monthly-self", "month", "self", 4, feeds="duty-quarterly",
                          zh="值班员月度自评", en="Duty officer's monthly self-appraisal")
    quarterly = make_scheme("duty-quarterly", "quarter", "supervisor", 4,
                            zh="值班员季度上级评估", en="Duty officer's quarterly appraisal")
    office = Department.create(key="duty-office", name_zh="值班室", name_en="Duty Office")
    store = Department.create(key="warehouse", name_zh="仓库", name_en="Warehouse", sort=1)
    duty = Position.create(key="002-duty-officer", title_zh="值班员", title_en="Duty Officer", department=office,
                           source_doc="002_f0e7d5f761901382.txt", period="quarter", scheme=monthly)
    for scheme in (monthly, quarterly):
        PositionScheme.create(position=duty, scheme=scheme)
    lead = Position.create(key="002-shift-lead", title_zh="值班长", title_en="Shift Lead", department=office,
                           source_doc="002_f0e7d5f761901382.txt", period="quarter")
    clerk_pos = Position.create(key="001-store-clerk", title_zh="仓库保管员", title_en="Store Clerk",
                                department=store, source_doc="001_x.txt", period="quarter")
    people = [Person.create(name=name, position=pos, role=role) for name, pos, role in (
        ("林晓东", duty, "officer"), ("马志强", duty, "officer"), ("高海燕", lead, "supervisor"),
        ("宋丽娟", clerk_pos, "officer"), ("管理员", lead, "admin"))]
    return DutyOffice(*(actor(p) for p in people), monthly=monthly, quarterly=quarterly, default=default,
                      duty_position=duty.id, clerk_position=clerk_pos.id)
