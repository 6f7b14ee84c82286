"""Patrols (巡逻): a post may require a patrol every N minutes while it is staffed.

The warehouse rule (001, 木料场会计) asks for a duty patrol at least once an hour, and
未按规定进行巡逻 costs a point. A patrol is a log entry of category "patrol" at the post;
``detect_missed`` walks a window and records each gap longer than the interval as a
``MissedPatrol`` and a ``missed_patrol`` fact for the person who should have gone. It reads
the window's patrols, duties and writers once per rule and writes in batches: the number of
queries does not grow with the number of patrols missed.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

import peewee as pw

from . import facts
from .base import BaseModel
from .db import db, writes
from .errors import N_, ValidationError
from .log_chain import stamp
from .org import Person
from .session import require


class PatrolRule(BaseModel):
    post = pw.CharField(unique=True)
    every_minutes = pw.IntegerField()
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "patrol_rule"


class MissedPatrol(BaseModel):
    """Evidence for a missed patrol: the rule and the moment a patrol was due."""

    rule = pw.ForeignKeyField(PatrolRule, backref="missed", index=False)
    due_at = pw.DateTimeField()
    person = pw.ForeignKeyField(Person, null=True, index=False, backref="+")

    class Meta:
        table_name = "missed_patrol"
        indexes = ((("rule", "due_at"), True),)


@dataclass(frozen=True)
class MissedPatrolRow:
    id: int
    post: str
    due_at: dt.datetime
    person_id: int | None


@writes
def set_rule(post: str, every_minutes: int, active: bool = True) -> int:
    """Require a patrol at *post* every *every_minutes* (an administrator's setting)."""
    require("log.configure")
    post = post.strip()
    if not post:
        raise ValidationError(N_("Name the post that needs patrols."), field="post")
    if not 5 <= every_minutes <= 24 * 60:
        raise ValidationError(N_("A patrol interval is between 5 minutes and 24 hours."), field="every")
    return (PatrolRule.insert(post=post, every_minutes=every_minutes, active=active)
            .on_conflict(conflict_target=[PatrolRule.post],
                         update={PatrolRule.every_minutes: every_minutes, PatrolRule.active: active})
            .execute())


def _patrol_times(post: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    rows = db.execute_sql(
        "SELECT e.at FROM log_entry e JOIN log_category c ON c.id = e.category_id "
        "WHERE c.key = 'patrol' AND e.post = ? AND e.at >= ? AND e.at < ? ORDER BY e.at",
        (post, stamp(start), stamp(end))).fetchall()
    return [dt.datetime.fromisoformat(r[0]) for r in rows]


class _Responsible:
    """Who should have patrolled at a moment: the first officer the roster has on duty (a
    lead when no officer is), else the post's last writer. Reads the window once."""

    def __init__(self, post: str, start: dt.datetime, end: dt.datetime):
        from .roster import LONGEST_SHIFT, on_duty_during

        self.by_day: dict[dt.date, list[tuple[int, object]]] = {}  # duties by the day they start
        for order, duty in enumerate(on_duty_during(start, end)):
            self.by_day.setdefault(duty.starts_at.date(), []).append((order, duty))
        self.reach = LONGEST_SHIFT.days + 1
        self.post, self.start, self.end = post, start, end
        self.moments: list[dt.datetime] | None = None  # the post's writers, read when first needed

    def _writers(self) -> None:
        before = db.execute_sql("SELECT author_id FROM log_entry WHERE post = ? AND at < ? ORDER BY at DESC "
                                "LIMIT 1", (self.post, stamp(self.start))).fetchone()
        rows = db.execute_sql("SELECT at, author_id FROM log_entry WHERE post = ? AND at >= ? AND at < ? "
                              "ORDER BY at", (self.post, stamp(self.start), stamp(self.end))).fetchall()
        self.moments = [self.start] + [dt.datetime.fromisoformat(at) for at, _author in rows]
        self.authors = [before[0] if before else None] + [author for _at, author in rows]

    def at(self, due: dt.datetime) -> int | None:
        candidates = [pair for back in range(self.reach + 1)
                      for pair in self.by_day.get(due.date() - dt.timedelta(days=back), ())]
        on_duty = [d for _order, d in sorted(candidates, key=lambda pair: pair[0]) if d.starts_at <= due < d.ends_at]
        if on_duty:
            officers = [d.person_id for d in on_duty if d.role == "officer"] or [d.person_id for d in on_duty]
            return officers[0]
        if self.moments is None:
            self._writers()
        return self.authors[bisect.bisect_right(self.moments, due) - 1]  # the last writer at or before it


def gaps(times: list[dt.datetime], start: dt.datetime, end: dt.datetime, every: dt.timedelta) -> list[dt.datetime]:
    """The moments in [start, end) at which a patrol was due and none had come."""
    due_list = []
    last = start
    pending = iter(times)
    upcoming = next(pending, None)
    while last + every < end:
        due = last + every
        while upcoming is not None and upcoming <= last:
            upcoming = next(pending, None)
        if upcoming is not None and upcoming <= due:
            last = upcoming
        else:
            due_list.append(due)
            last = due
    return due_list


@writes
def detect_missed(start: dt.datetime, end: dt.datetime) -> list[MissedPatrolRow]:
    """Record every patrol missed in [start, end) at each post with a rule; safe to run again."""
    require("log.write")
    found = []
    for rule in PatrolRule.select().where(PatrolRule.active == True):  # noqa: E712
        every = dt.timedelta(minutes=rule.every_minutes)
        due_list = gaps(_patrol_times(rule.post, start, end), start, end, every)
        if not due_list:
            continue
        responsible = _Responsible(rule.post, start, end)
        people = {due: responsible.at(due) for due in due_list}
        cursor = db.cursor()
        cursor.executemany("INSERT OR IGNORE INTO missed_patrol (rule_id, due_at, person_id) VALUES (?, ?, ?)",
                           [(rule.id, stamp(due), people[due]) for due in due_list])
        ids = dict(db.execute_sql("SELECT due_at, id FROM missed_patrol WHERE rule_id = ? AND due_at >= ? "
                                  "AND due_at < ?", (rule.id, stamp(start), stamp(end))).fetchall())
        facts.record_many([(people[due], "missed_patrol", due, "patrol", ids[stamp(due)], rule.post)
                           for due in due_list if people[due] is not None])
        found += [MissedPatrolRow(ids[stamp(due)], rule.post, due, people[due]) for due in due_list]
    return found


def rules() -> list[tuple[str, int]]:
    return [(r.post, r.every_minutes) for r in PatrolRule.select().where(PatrolRule.active == True)  # noqa: E712
            .order_by(PatrolRule.post)]
