"""Patrols (巡逻): a post may require a patrol every N minutes while it is staffed.

The warehouse rule (001, 木料场会计) asks for a duty patrol at least once an hour, and
未按规定进行巡逻 costs a point. A patrol is a log entry of category "patrol" at the post;
``detect_missed`` walks the duties rostered on the post in a window and records each gap
longer than the interval as a ``MissedPatrol`` and a ``missed_patrol`` fact for the person
on that duty. It reads the window's patrols and duties once per rule and writes in batches:
the number of queries does not grow with the number of patrols missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import peewee as pw

from duty_desk.models.appraisal import facts
from duty_desk.models.storage.base import BaseModel, Key
from duty_desk.models.storage.db import db, writes
from duty_desk.models.errors import N_, ValidationError
from duty_desk.models.logbook.chain import stamp
from duty_desk.models.organisation.org import Person
from duty_desk.models.accounts.session import require

if TYPE_CHECKING:  # only named here; _duties_at imports the roster where it runs
    from duty_desk.models.roster.duties import Duty


class PatrolRule(BaseModel):
    post = pw.CharField(unique=True)
    every_minutes = pw.IntegerField()
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "patrol_rule"


class MissedPatrol(BaseModel):
    """Evidence for a missed patrol: the rule and the moment a patrol was due."""

    rule = pw.ForeignKeyField(PatrolRule, backref="missed", index=False)
    rule_id: ClassVar[Key[int]]
    due_at = pw.DateTimeField()
    person = pw.ForeignKeyField(Person, null=True, index=False, backref="+")
    person_id: ClassVar[Key[int | None]]

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


def _duties_at(post: str, start: dt.datetime, end: dt.datetime) -> list[Duty]:
    """The duties rostered on *post* (by any of its names) under way in [start, end)."""
    from duty_desk.models.roster.duties import on_duty_during

    name = post.strip().casefold()
    return [d for d in on_duty_during(start, end)
            if name in (d.post_key.casefold(), d.post_zh.casefold(), d.post_en.casefold())]


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
    """Record every patrol missed in [start, end) at each post with a rule; safe to run again.

    A patrol is due only while someone is rostered on the post (值班期间每小时至少巡逻一次),
    and a missed one is charged to that person: not to whoever else is on duty elsewhere."""
    require("log.write")
    found = []
    for rule in PatrolRule.select().where(PatrolRule.active == True):  # noqa: E712
        every = dt.timedelta(minutes=rule.every_minutes)
        duties = _duties_at(rule.post, start, end)
        if not duties:
            continue
        times = _patrol_times(rule.post, min(d.starts_at for d in duties), max(d.ends_at for d in duties))
        people: dict[dt.datetime, int] = {}
        for duty in duties:
            window_start, window_end = max(start, duty.starts_at), min(end, duty.ends_at)
            for due in gaps(times, window_start, window_end, every):
                people.setdefault(due, duty.person_id)
        if not people:
            continue
        due_list = sorted(people)
        cursor = db.cursor()
        cursor.executemany("INSERT OR IGNORE INTO missed_patrol (rule_id, due_at, person_id) VALUES (?, ?, ?)",
                           [(rule.id, stamp(due), people[due]) for due in due_list])
        ids = dict(db.execute_sql("SELECT due_at, id FROM missed_patrol WHERE rule_id = ? AND due_at >= ? "
                                  "AND due_at < ?", (rule.id, stamp(start), stamp(end))).fetchall())
        facts.record_many([(people[due], "missed_patrol", due, "patrol", ids[stamp(due)], rule.post)
                           for due in due_list])
        found += [MissedPatrolRow(ids[stamp(due)], rule.post, due, people[due]) for due in due_list]
    return found


def rules() -> list[tuple[str, int]]:
    return [(r.post, r.every_minutes) for r in PatrolRule.select().where(PatrolRule.active == True)  # noqa: E712
            .order_by(PatrolRule.post)]
