"""Check-in and check-out against the roster, and the duty facts they give.

A person may check in from two hours before their duty until it ends. Arriving after the
start plus the grace period is a late arrival; leaving before the end minus the grace period
is an early leave; checking in again to that duty before it ends turns the early leave into
an absence from post (值班期间脱岗) for the time away, when it is longer than the grace; a duty
that ended with no check-in is a no-show. Each is recorded as a
duty fact pointing at the assignment, so appraisal can turn it into a deduction; recording
again is a no-op.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import peewee as pw

from duty_desk.models.appraisal import facts
from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, DutyError
from duty_desk.models.organisation.org import Person
from duty_desk.models.roster.duties import Assignment, Duty, _duties, _ts, duty, setting
from duty_desk.models.accounts.session import require
from duty_desk.models import clock

EARLY_WINDOW = dt.timedelta(hours=2)


class CheckIn(BaseModel):
    assignment = pw.ForeignKeyField(Assignment, unique=True, on_delete="CASCADE", backref="+")
    assignment_id: ClassVar[Key[int]]
    checked_in_at = pw.DateTimeField(null=True)
    checked_out_at = pw.DateTimeField(null=True)
    in_by = pw.ForeignKeyField(Person, null=True, backref="+")
    in_by_id: ClassVar[Key[int | None]]
    out_by = pw.ForeignKeyField(Person, null=True, backref="+")
    out_by_id: ClassVar[Key[int | None]]


@dataclass(frozen=True)
class CheckResult:
    duty: Duty
    at: dt.datetime
    minutes_off: int  # minutes late (check-in) or early (check-out) when it is a fact; else 0
    fact_id: int | None


def _whom(person_id: int | None):
    actor = require("roster.checkin")
    if person_id is None or person_id == actor.id:
        if actor.id is None:
            raise DutyError(N_("Sign in first."))
        return actor, actor.id
    require("roster.checkin_for")
    return actor, person_id


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


@writes
def check_in(at: dt.datetime | None = None, person_id: int | None = None) -> CheckResult:
    """Check in to the duty starting soonest (or running now); late beyond the grace is a fact."""
    actor, pid = _whom(person_id)
    at = at or clock.now().replace(microsecond=0)
    back = _back_on_post(actor, pid, at)
    if back is not None:
        return back
    candidates = _duties("a.person_id = ? AND a.starts_at <= ? AND a.ends_at > ? AND a.id NOT IN "
                         "(SELECT assignment_id FROM check_in WHERE checked_in_at IS NOT NULL)",
                         (pid, _ts(at + EARLY_WINDOW), _ts(at)))
    if not candidates:
        raise DutyError(N_("{name} has no duty to check in to now."),
                        name=Person.select(Person.name).where(Person.id == pid).scalar() or "?")
    mine = candidates[0]
    (CheckIn.insert(assignment=mine.assignment_id, checked_in_at=at, in_by=actor.id)
     .on_conflict(conflict_target=[CheckIn.assignment],
                  update={CheckIn.checked_in_at: at, CheckIn.in_by: actor.id}).execute())
    fact_id, minutes = None, 0
    if at > mine.starts_at + dt.timedelta(minutes=setting("grace_minutes")):
        minutes = _minutes(at - mine.starts_at)
        fact_id = facts.record(pid, "late_arrival", at, "checkin", mine.assignment_id,
                               f"{minutes} min late for {mine.shift_key} {mine.day.isoformat()}")
    return CheckResult(mine, at, minutes, fact_id)


def _back_on_post(actor, pid: int, at: dt.datetime) -> CheckResult | None:
    """Checking in again to a duty one checked out of before its end: the time away is an
    absence from post (值班期间脱岗) when longer than the grace, and the early leave the
    check-out recorded is withdrawn (they came back). None when there is no such duty."""
    row = (CheckIn.select(CheckIn, Assignment).join(Assignment)
           .where(Assignment.person == pid, CheckIn.checked_out_at.is_null(False), CheckIn.checked_out_at <= at,
                  Assignment.starts_at <= at, Assignment.ends_at > at)
           .order_by(Assignment.starts_at.desc()).first())
    if row is None:
        return None
    mine = duty(row.assignment_id)
    away = at - row.checked_out_at
    CheckIn.update(checked_out_at=None, out_by=None).where(CheckIn.id == row.id).execute()
    facts.withdraw(pid, "early_leave", "checkin", mine.assignment_id)
    fact_id, minutes = None, 0
    if away > dt.timedelta(minutes=setting("grace_minutes")):
        minutes = _minutes(away)
        fact_id = facts.record(pid, "absent_from_post", row.checked_out_at, "checkin", mine.assignment_id,
                               f"{minutes} min away from {mine.shift_key} {mine.day.isoformat()}, "
                               f"{row.checked_out_at:%H:%M}–{at:%H:%M}")
    return CheckResult(mine, at, minutes, fact_id)


@writes
def check_out(at: dt.datetime | None = None, person_id: int | None = None) -> CheckResult:
    """Check out of the duty checked in to; leaving before the end minus the grace is a fact."""
    actor, pid = _whom(person_id)
    at = at or clock.now().replace(microsecond=0)
    row = (CheckIn.select(CheckIn, Assignment).join(Assignment)
           .where(Assignment.person == pid, CheckIn.checked_in_at.is_null(False), CheckIn.checked_out_at.is_null(),
                  Assignment.starts_at <= at + EARLY_WINDOW)
           .order_by(Assignment.starts_at.desc()).first())
    if row is None:
        raise DutyError(N_("{name} is not checked in."),
                        name=Person.select(Person.name).where(Person.id == pid).scalar() or "?")
    mine = duty(row.assignment_id)
    row.checked_out_at, row.out_by = at, actor.id
    row.save()
    fact_id, minutes = None, 0
    if at < mine.ends_at - dt.timedelta(minutes=setting("grace_minutes")):
        minutes = _minutes(mine.ends_at - at)
        fact_id = facts.record(pid, "early_leave", at, "checkin", mine.assignment_id,
                               f"left {minutes} min early from {mine.shift_key} {mine.day.isoformat()}")
    return CheckResult(mine, at, minutes, fact_id)


@writes
def detect_no_shows(now: dt.datetime | None = None, since: dt.datetime | None = None) -> list[int]:
    """Record a no-show for every duty that ended in ``[since, now]`` with no check-in."""
    require("roster.checkin")
    now = now or clock.now()
    since = since or now - dt.timedelta(days=2)
    rows = db.execute_sql(
        "SELECT a.id, a.person_id, a.starts_at, a.day, s.key FROM assignment a JOIN shift s ON s.id = a.shift_id "
        "LEFT JOIN check_in c ON c.assignment_id = a.id "
        "WHERE a.ends_at <= ? AND a.ends_at >= ? AND a.starts_at > ? AND c.checked_in_at IS NULL",
        (_ts(now), _ts(since), _ts(since - dt.timedelta(days=1)))).fetchall()
    return [facts.record(pid, "no_show", dt.datetime.fromisoformat(str(starts)), "roster", aid,
                         f"no check-in for {key} {day}") for aid, pid, starts, day, key in rows]


@dataclass(frozen=True)
class Attendance:
    assignment_id: int
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None


def attendance(assignment_ids: list[int]) -> dict[int, Attendance]:
    out = {}
    for start in range(0, len(assignment_ids), 500):
        chunk = assignment_ids[start:start + 500]
        for row in CheckIn.select().where(CheckIn.assignment.in_(chunk)):
            out[row.assignment_id] = Attendance(row.assignment_id, row.checked_in_at, row.checked_out_at)
    return out


def open_check_in(person_id: int) -> Attendance | None:
    """The person's check-in still waiting for its check-out, if any."""
    row = (CheckIn.select().join(Assignment)
           .where(Assignment.person == person_id, CheckIn.checked_in_at.is_null(False),
                  CheckIn.checked_out_at.is_null()).order_by(Assignment.starts_at.desc()).first())
    return Attendance(row.assignment_id, row.checked_in_at, row.checked_out_at) if row else None
